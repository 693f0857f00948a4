package notice

import (
	"fmt"

	"github.com/ccicma/platform/pkg/mailer"
)

// Introduction is a takeover match through which a request was introduced
// to another one (takeover-matching's lifecycle reached "introduced"),
// as its e-mail may tell it.
type Introduction struct {
	MatchID string
	// Side is the request's side: "seller" (an offer) or "buyer" (a
	// search).
	Side string
	// OtherChamber follows the other side (CCI or CMA).
	OtherChamber string
}

// The sides of an introduction.
const (
	SideSeller = "seller"
	SideBuyer  = "buyer"
)

// IntroductionMail tells an applicant they were introduced. It names the
// other side's chamber and the path to the other party (the applicant's
// own advisor arranges the first meeting; the other chamber's advisor has
// received the applicant's request), and nothing of the other party
// itself: no name, business, address or contact details. The
// introduction grants those to the chambers' advisors, who pass them on
// as the parties agree; an e-mail is no place for them (it may be
// forwarded or read over a shoulder).
func (c Composer) IntroductionMail(r Request, in Introduction) (m mailer.Message, ok bool) {
	other := chamberOf(in.OtherChamber)
	if other.Code == "" || (in.Side != SideSeller && in.Side != SideBuyer) {
		return mailer.Message{}, false
	}
	v := c.view(r)
	if in.Side == SideSeller {
		v.Subject = "Un repreneur est mis en relation avec vous"
		v.Intro = []string{
			fmt.Sprintf("Un repreneur accompagné par la %s (%s) s'intéresse à l'entreprise que vous cédez. Il a signé un engagement de confidentialité, et vous avez accepté la mise en relation.", other.Name, other.Code),
			fmt.Sprintf("Le conseiller de la %s qui accompagne le repreneur a désormais accès à votre demande et à vos coordonnées.", other.Code),
		}
	} else {
		v.Subject = "Vous êtes mis en relation avec un cédant"
		v.Intro = []string{
			fmt.Sprintf("Le cédant d'une entreprise suivie par la %s (%s) a accepté d'être mis en relation avec vous, à la suite de votre engagement de confidentialité.", other.Name, other.Code),
			fmt.Sprintf("Le conseiller de la %s qui accompagne le cédant a désormais accès à votre demande et à vos coordonnées.", other.Code),
		}
	}
	v.Next = []string{"Votre conseiller vous contactera pour organiser une première rencontre ; d'ici là, gardez confidentiel ce que vous apprendrez de l'autre partie."}
	return v.message(r), true
}
