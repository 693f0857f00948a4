package web

import (
	"context"
	"net/http"
	"net/url"
	"time"

	"github.com/ccicma/platform/services/advisor-desk/internal/adapters/peers"
	"github.com/ccicma/platform/services/advisor-desk/internal/domain/casefile"
)

// TakeoverCare takes takeover offers and searches in charge and hands
// them back, in takeover-matching, as the signed-in advisor.
type TakeoverCare interface {
	TakeOfferInCharge(ctx context.Context, token, id string) error
	HandBackOffer(ctx context.Context, token, id, reason, comment string) error
	TakeSearchInCharge(ctx context.Context, token, id string) error
	HandBackSearch(ctx context.Context, token, id, reason, comment string) error
}

// Values of an offer's or a search's "fait" parameter after its care
// forms (a fixed text is shown, never the parameter).
const (
	doneTakeoverTaken    = "prise-en-charge"
	doneTakeoverHandBack = "rendu"
)

var takeoverCareDone = map[string]string{
	doneTakeoverTaken:    "Vous avez pris ce dossier en charge : les rappels s'arrêtent.",
	doneTakeoverHandBack: "Le dossier a été rendu : le service transmission et reprise l'a confié à un autre conseiller de la chambre, ou à ses conseillers s'il n'y en avait aucun de disponible.",
}

// careForms is the data of the "takeover-care" part (takeover_care.html)
// on an offer's or a search's page: who took it in charge, or the forms
// that take it in charge or hand it back, for its advisor while it waits.
type careForms struct {
	// Shown renders the part; Teaser keeps to its alerts: the buyer's
	// side of a match reads the offer as a teaser, and its care is the
	// seller's side's business.
	Shown, Teaser bool
	// What is "offre" or "recherche": the page's words.
	What string
	// TakenAt and TakenBy say who took it in charge (TakenAt nil while it
	// waits); Waiting is true while it waits and is still followed.
	TakenAt *time.Time
	TakenBy string
	Waiting bool
	// Actions shows the forms: the reader is its advisor and it waits.
	Actions                     bool
	Reasons                     []casefile.HandBackReason
	MaxComment                  int
	Token, TakeURL, HandBackURL string
	// Done confirms an action; Alert is a refusal, its fields linked to
	// the form's; Reason and Comment the hand-back form as sent then.
	Done            string
	Alert           *alert
	Reason, Comment string
}

// takeoverKind is what differs between an offer's care and a search's.
type takeoverKind struct {
	what, base string
	take       func(TakeoverCare, context.Context, string, string) error
	handBack   func(TakeoverCare, context.Context, string, string, string, string) error
	show       func(s *site, w http.ResponseWriter, r *http.Request, c caseRequest, status int, f takeoverForms)
}

// offerKind is an offer's care.
func offerKind() takeoverKind {
	return takeoverKind{what: "offre", base: "/dossiers/reprise/offres/", take: TakeoverCare.TakeOfferInCharge,
		handBack: TakeoverCare.HandBackOffer, show: (*site).showOffer}
}

// searchKind is a search's care.
func searchKind() takeoverKind {
	return takeoverKind{what: "recherche", base: "/dossiers/reprise/recherches/", take: TakeoverCare.TakeSearchInCharge,
		handBack: TakeoverCare.HandBackSearch, show: (*site).showSearch}
}

// takeoverCareRoutes serves the care forms of offers and searches.
func (s *site) takeoverCareRoutes(mux *http.ServeMux) {
	for _, k := range []takeoverKind{offerKind(), searchKind()} {
		mux.HandleFunc("POST "+k.base+"{id}/prise-en-charge", s.takeTakeoverInCharge(k))
		mux.HandleFunc("POST "+k.base+"{id}/pas-pour-moi", s.handTakeoverBack(k))
	}
}

// careOf is the care part of a page for c's reader: status tells whether
// it is still followed (not withdrawn, concluded or expired).
func careOf(c caseRequest, k takeoverKind, id, advisorID, status string, care peers.Care, v careForms) careForms {
	v.Shown, v.What, v.TakenAt, v.TakenBy = true, k.what, care.TakenInChargeAt, care.TakenInChargeBy
	followed := status != "withdrawn" && status != "concluded" && status != "expired"
	v.Waiting = !care.Taken() && followed
	v.Actions = v.Waiting && advisorID != "" && advisorID == c.p.Subject
	v.Reasons, v.MaxComment, v.Token = casefile.TakeoverHandBackReasons(), casefile.MaxComment, c.formToken
	base := k.base + url.PathEscape(id)
	v.TakeURL, v.HandBackURL = base+"/prise-en-charge", base+"/pas-pour-moi"
	return v
}

// careNotice is the confirmation of the redirect after a care form.
func careNotice(r *http.Request) careForms {
	return careForms{Done: takeoverCareDone[r.URL.Query().Get("fait")]}
}

func (s *site) takeTakeoverInCharge(k takeoverKind) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c, ok := s.caseForm(w, r)
		if !ok {
			return
		}
		s.afterCare(w, r, c, k, k.take(s.Cases, r.Context(), c.bearer, c.id), doneTakeoverTaken, careForms{})
	}
}

func (s *site) handTakeoverBack(k takeoverKind) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c, ok := s.caseForm(w, r)
		if !ok {
			return
		}
		reason, comment, bad := handBackForm(r, casefile.ValidTakeoverHandBackReason)
		v := careForms{Reason: reason, Comment: comment}
		if len(bad) > 0 {
			v.Alert = &alert{Title: "Le formulaire contient des erreurs", Fields: bad}
			k.show(s, w, r, c, http.StatusUnprocessableEntity, takeoverForms{Care: v})
			return
		}
		s.afterCare(w, r, c, k, k.handBack(s.Cases, r.Context(), c.bearer, c.id, reason, comment), doneTakeoverHandBack, v)
	}
}

// afterCare sends the advisor back to the page with a confirmation (303),
// or shows takeover-matching's refusal on the page with its status (403,
// 409, 422: above the forms, the fields named by their ids); other
// refusals and an absent service are error pages.
func (s *site) afterCare(w http.ResponseWriter, r *http.Request, c caseRequest, k takeoverKind, err error, done string, v careForms) {
	if err == nil {
		http.Redirect(w, r, k.base+url.PathEscape(c.id)+"?fait="+done, http.StatusSeeOther)
		return
	}
	ref, ok := peers.AsRefused(err)
	if !ok || (ref.Status != http.StatusForbidden && ref.Status != http.StatusConflict && ref.Status != http.StatusUnprocessableEntity) {
		s.caseError(w, r, c, err)
		return
	}
	v.Alert = &alert{Title: ref.Title, Text: ref.Detail, Fields: handBackFields.inPage(ref.Fields)}
	if v.Alert.Title == "" {
		v.Alert.Title = "Action refusée"
	}
	k.show(s, w, r, c, ref.Status, takeoverForms{Care: v})
}
