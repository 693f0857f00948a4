// Package notice writes the e-mails intake sends applicants, in French:
// the receipt of a request and the short follow-ups of its case's steps.
// It is pure: the store says what a request is, the mailer sends.
//
// A difficulty report is discreet: nothing in its e-mails names a
// difficulty, a report or prevention (a mailbox may be shared, or read
// over a shoulder); it says only that a request went to the chambers,
// its reference and its status link, and it has no follow-ups.
package notice

import (
	"bytes"
	"fmt"
	"html/template"
	"strings"
	texttemplate "text/template"
	"time"

	"github.com/ccicma/platform/pkg/events"
	"github.com/ccicma/platform/pkg/mailer"

	"github.com/ccicma/platform/services/intake/internal/domain/request"
)

// Request is what an e-mail about a request may say: it is read when the
// e-mail is sent, so an erased request has nothing left to say.
type Request struct {
	ID          string
	Kind        string
	Routing     events.Routing
	SubmittedAt time.Time
	FirstName   string
	LastName    string
	Email       string
	// Outcome is how the case ended (a closed request), as the chambers'
	// events name it.
	Outcome string
}

// Step is a case's step that calls for a follow-up: its status and the
// chamber that holds the case then.
type Step struct {
	Status  request.Status
	Chamber string
	// Stage is the creation journey's stage the case reached ("" before
	// the journey): each stage reached is a step of its own.
	Stage string
}

// FollowsUp reports whether a step of a request of this kind calls for a
// follow-up e-mail: an advisor assigned, the case taken in charge, the
// case closed; never for a difficulty report, whose course stays
// confidential.
func FollowsUp(kind string, s request.Status) bool {
	if kind == request.KindDifficulty {
		return false
	}
	return s == request.StatusAssigned || s == request.StatusInCharge || s == request.StatusClosed
}

// Composer writes the e-mails.
type Composer struct {
	// BaseURL is intake's public address (no trailing slash): status
	// links start with it.
	BaseURL string
	// Territory completes the chambers' names: "de l'Essonne".
	Territory string
	// Zone shows dates as applicants read them (nil: UTC).
	Zone *time.Location
	// ContactDays is the chambers' commitment: a first contact within
	// so many working days of the request (0: no commitment stated).
	ContactDays int
	// Labels names sectors and départements in a buyer's digest (nil:
	// the sector's NAF section and no département).
	Labels Labels
}

// within says when the applicant will hear from the chamber.
func (c Composer) within() string {
	if c.ContactDays <= 0 {
		return ""
	}
	return fmt.Sprintf(" sous %d jours ouvrés", c.ContactDays)
}

// StatusLink is the applicant's status link of a request (the page web
// serves at /suivi/{id}).
func (c Composer) StatusLink(requestID string) string {
	return strings.TrimRight(c.BaseURL, "/") + "/suivi/" + requestID
}

// Receipt is the e-mail that acknowledges a request.
func (c Composer) Receipt(r Request) mailer.Message {
	v := c.view(r)
	if r.Kind == request.KindDifficulty {
		v.Subject = "Votre demande " + c.chambers(r.Routing)
		v.Intro = []string{fmt.Sprintf("Nous avons bien reçu votre demande du %s. Elle a été transmise %s.",
			v.Date, c.chambers(r.Routing))}
		v.Next = []string{"Un conseiller vous recontactera par courriel ou par téléphone."}
		return v.message(r)
	}
	v.Subject = "Nous avons bien reçu votre demande : " + kindNames[r.Kind]
	v.Intro = []string{fmt.Sprintf("Nous avons bien reçu votre demande (%s) du %s.", kindNames[r.Kind], v.Date)}
	v.Next = c.nextSteps(r.Routing)
	return v.message(r)
}

// nextSteps says where the request went and why, in the routing's words
// (those of the status page), or the orientation it was given.
func (c Composer) nextSteps(rt events.Routing) []string {
	lead := chamberOf(rt.LeadChamber)
	if lead.Code == "" {
		out := []string{"Où vous adresser : " + sentence(rt.Reason)}
		if rt.OutOfTerritory {
			out = append(out, outOfTerritory)
		}
		return append(out, "Un conseiller examine votre demande et vous indiquera vers qui vous tourner.")
	}
	went := fmt.Sprintf("Votre demande a été transmise à la %s (%s).", lead.Name, lead.Code)
	if second := chamberOf(rt.SecondaryChamber); second.Code != "" {
		went = fmt.Sprintf("Votre demande a été transmise à la %s (%s) ; la %s (%s) y est associée.", lead.Name, lead.Code, second.Name, second.Code)
	}
	out := []string{went, "Pourquoi cette chambre : " + sentence(rt.Reason)}
	if rt.OutOfTerritory {
		out = append(out, outOfTerritory)
	}
	return append(out, fmt.Sprintf("Un conseiller de la %s va vous être attribué ; il vous contactera%s par courriel ou par téléphone.", lead.Code, c.within()))
}

const outOfTerritory = "Votre commune est hors de notre territoire : votre demande sera transmise aux chambres de votre département."

// FollowUp is the short e-mail of a case's step; ok=false when the step
// calls for none (see FollowsUp).
func (c Composer) FollowUp(r Request, s Step) (m mailer.Message, ok bool) {
	if !FollowsUp(r.Kind, s.Status) {
		return mailer.Message{}, false
	}
	v := c.view(r)
	holder := chamberOf(s.Chamber)
	if holder.Code == "" {
		holder = chamberOf(r.Routing.LeadChamber)
	}
	if holder.Code == "" {
		return mailer.Message{}, false
	}
	moved := holder.Code != r.Routing.LeadChamber
	switch s.Status {
	case request.StatusAssigned:
		v.Subject = "Votre demande est confiée à un conseiller de la " + holder.Code
		if moved {
			v.Intro = []string{fmt.Sprintf("Votre demande (%s) a été réorientée vers la %s (%s), mieux placée pour vous accompagner, et confiée à l'un de ses conseillers.",
				kindNames[r.Kind], holder.Name, holder.Code)}
		} else {
			v.Intro = []string{fmt.Sprintf("Votre demande (%s) a été confiée à un conseiller de la %s (%s).", kindNames[r.Kind], holder.Name, holder.Code)}
		}
		v.Next = []string{"Il va la prendre en charge et vous contactera par courriel ou par téléphone."}
	case request.StatusInCharge:
		v.Subject = "Votre demande est prise en charge par la " + holder.Code
		v.Intro = []string{fmt.Sprintf("Un conseiller de la %s (%s) a pris en charge votre demande (%s).", holder.Name, holder.Code, kindNames[r.Kind])}
		v.Next = []string{"Il vous accompagne désormais et vous contactera par courriel ou par téléphone."}
		if rank, of, label, next, ok := request.JourneyStep(s.Stage); ok && rank > 1 {
			v.Subject = "Votre projet avance : " + label
			v.Intro = []string{fmt.Sprintf("Votre projet de création passe à l'étape « %s » (étape %d sur %d), avec votre conseiller de la %s (%s).",
				label, rank, of, holder.Name, holder.Code)}
			v.Next = nil
			if next != "" {
				v.Next = []string{"Étape suivante : « " + next + " »."}
			}
		}
	case request.StatusClosed:
		v.Subject = "Votre dossier à la " + holder.Code + " est clos"
		v.Intro = []string{fmt.Sprintf("Votre dossier (%s) à la %s (%s) est clos.", kindNames[r.Kind], holder.Name, holder.Code)}
		if t := request.OutcomeText(r.Outcome); t != "" {
			v.Intro = []string{t}
		}
		v.Next = nil
	}
	return v.message(r), true
}

// chambers names the chambers a request went to, for a discreet subject:
// "à la CCI et à la CMA de l'Essonne".
func (c Composer) chambers(rt events.Routing) string {
	var s string
	switch {
	case rt.LeadChamber == "":
		s = "aux chambres CCI et CMA"
	case rt.SecondaryChamber == "":
		s = "à la " + rt.LeadChamber
	default:
		s = "à la " + rt.LeadChamber + " et à la " + rt.SecondaryChamber
	}
	if c.Territory != "" && !rt.OutOfTerritory {
		s += " " + c.Territory
	}
	return s
}

func (c Composer) view(r Request) view {
	zone := c.Zone
	if zone == nil {
		zone = time.UTC
	}
	name := strings.TrimSpace(r.FirstName + " " + r.LastName)
	sign := "Les chambres CCI et CMA"
	if c.Territory != "" {
		sign += " " + c.Territory
	}
	return view{Name: name, Reference: r.ID, Link: c.StatusLink(r.ID), Date: r.SubmittedAt.In(zone).Format("02/01/2006"), Signature: sign}
}

// kindNames say what each kind of request is, within a sentence.
var kindNames = map[string]string{
	request.KindCreation:      "projet de création d'entreprise",
	request.KindTakeoverOffer: "entreprise à céder",
	request.KindBuyerSearch:   "recherche d'une entreprise à reprendre",
	request.KindDifficulty:    "demande",
}

// chamber names a chamber for the applicant.
type chamber struct{ Code, Name string }

var chamberNames = map[string]string{
	"CCI": "chambre de commerce et d'industrie",
	"CMA": "chambre de métiers et de l'artisanat",
}

func chamberOf(code string) chamber {
	if code == "" {
		return chamber{}
	}
	name, ok := chamberNames[code]
	if !ok {
		name = "chambre " + code
	}
	return chamber{Code: code, Name: name}
}

// sentence ends a routing's reason with a full stop if it has none.
func sentence(s string) string {
	s = strings.TrimSpace(s)
	if s == "" || strings.HasSuffix(s, ".") || strings.HasSuffix(s, "!") {
		return s
	}
	return s + "."
}

// view is what both parts of an e-mail say.
type view struct {
	Subject, Name, Reference, Link, Date, Signature string
	Intro, Next                                     []string
	// Items is a list shown after Intro (a digest's listings).
	Items []string
}

func (v view) message(r Request) mailer.Message {
	m := mailer.Message{To: r.Email, ToName: v.Name, Subject: v.Subject}
	var b bytes.Buffer
	if err := textPart.Execute(&b, v); err == nil {
		m.Text = b.String()
	}
	b.Reset()
	if err := htmlPart.Execute(&b, v); err == nil {
		m.HTML = b.String()
	}
	return m
}

var textPart = texttemplate.Must(texttemplate.New("text").Parse(`Bonjour{{with .Name}} {{.}}{{end}},
{{range .Intro}}
{{.}}
{{end}}{{range .Items}}
- {{.}}
{{end}}
Référence de votre demande : {{.Reference}}
{{range .Next}}
{{.}}
{{end}}
Suivre votre demande : {{.Link}}
Ce lien est personnel : gardez-le et ne le transmettez qu'à des personnes de confiance.

-- 
{{.Signature}}
Ce message est automatique : merci de ne pas y répondre.
`))

var htmlPart = template.Must(template.New("html").Parse(`<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>{{.Subject}}</title></head>
<body style="font-family: Arial, sans-serif; font-size: 16px; line-height: 1.5; color: #161616;">
<p>Bonjour{{with .Name}} {{.}}{{end}},</p>
{{range .Intro}}<p>{{.}}</p>
{{end}}{{with .Items}}<ul>
{{range .}}<li>{{.}}</li>
{{end}}</ul>
{{end}}<p>Référence de votre demande : <strong>{{.Reference}}</strong></p>
{{range .Next}}<p>{{.}}</p>
{{end}}<p><a href="{{.Link}}" style="color: #000091;">Suivre votre demande</a> : {{.Link}}</p>
<p>Ce lien est personnel : gardez-le et ne le transmettez qu'à des personnes de confiance.</p>
<hr>
<p style="font-size: 14px;">{{.Signature}}<br>Ce message est automatique : merci de ne pas y répondre.</p>
</body></html>
`))
