package web

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"time"

	"github.com/ccicma/platform/services/advisor-desk/internal/adapters/peers"
	"github.com/ccicma/platform/services/advisor-desk/internal/domain/casefile"
)

// OfferConcernRaiser raises, in takeover-matching, a concern about the
// business of an offer, as the signed-in advisor.
type OfferConcernRaiser interface {
	RaiseOfferConcern(ctx context.Context, token, id string, concerns []string) error
}

// doneConcern is the offer page's "fait" value after a concern.
const doneConcern = "difficulte-signalee"

const concernDoneText = "Votre signalement est transmis à la cellule de prévention des chambres de l'entreprise, " +
	"qui prendra contact avec le dirigeant. Le cédant n'en est pas informé par la plateforme."

// concernField is the id of the form's first box, which takeover-matching's
// "concerns" leads to.
const concernField = "difficulte-" + "cash_flow"

// concernForm is the data of the "offer-concern" part (offer.html): the
// concerns raised about the business, and the form that raises one, for
// the offer's own chambers while it is on the market.
type concernForm struct {
	// Shown: the reader sees the offer in full (its own chambers).
	Shown bool
	// Raised are the concerns raised, newest first, in words.
	Raised []raisedConcern
	// Open: the offer is on the market, so a concern may be raised.
	Open    bool
	Choices []casefile.Choice
	// Checked are the codes as the refused form sent them.
	Checked    []string
	Token, URL string
	Done       string
	Alert      *alert
}

// Invalid is the message of the refusal that names the concerns, if any.
func (f concernForm) Invalid() string {
	if f.Alert == nil {
		return ""
	}
	for _, e := range f.Alert.Fields {
		if e.Field == concernField {
			return e.Message
		}
	}
	return ""
}

// Ticked tells whether the refused form had code ticked.
func (f concernForm) Ticked(code string) bool { return slices.Contains(f.Checked, code) }

// raisedConcern is one concern as the page shows it.
type raisedConcern struct {
	At       time.Time
	Advisor  string
	Concerns []string
}

// concernOf is the concern part of an offer's page for c's reader.
func (s *site) concernOf(ctx context.Context, c caseRequest, o peers.Offer, f concernForm) concernForm {
	if o.Teaser() {
		// The buyer's side: nothing of the seller's difficulties, only
		// the refusal of a form it could not have been shown.
		return concernForm{Shown: f.Alert != nil, Alert: f.Alert}
	}
	f.Shown, f.Open = true, o.Status != "withdrawn" && o.Status != "concluded"
	for _, rc := range o.DifficultyConcerns {
		f.Raised = append(f.Raised, raisedConcern{At: rc.RaisedAt, Advisor: s.advisorName(ctx, rc.AdvisorID),
			Concerns: casefile.ConcernLabels(rc.Concerns)})
	}
	f.Choices, f.Token, f.URL = casefile.OfferConcerns(), c.formToken, "/dossiers/reprise/offres/"+url.PathEscape(o.OfferID)+"/difficulte"
	return f
}

// raiseConcern handles the offer page's concern form: the desk checks
// that at least one known concern is ticked, takeover-matching the rest.
func (s *site) raiseConcern(w http.ResponseWriter, r *http.Request) {
	c, ok := s.caseForm(w, r)
	if !ok {
		return
	}
	var ticked []string
	for _, code := range r.PostForm["preoccupations"] {
		if casefile.Valid(casefile.OfferConcerns(), code) && !slices.Contains(ticked, code) {
			ticked = append(ticked, code)
		}
	}
	f := concernForm{Checked: ticked}
	if len(ticked) == 0 || len(ticked) != len(r.PostForm["preoccupations"]) {
		f.Alert = &alert{Title: "Le formulaire contient des erreurs", Fields: []peers.FieldError{
			{Field: concernField, Code: "required", Message: "Cochez au moins une des difficultés proposées."}}}
		s.showOffer(w, r, c, http.StatusUnprocessableEntity, takeoverForms{Concern: f})
		return
	}
	err := s.Cases.RaiseOfferConcern(r.Context(), c.bearer, c.id, ticked)
	if err == nil {
		http.Redirect(w, r, "/dossiers/reprise/offres/"+url.PathEscape(c.id)+"?fait="+doneConcern+"#difficultes", http.StatusSeeOther)
		return
	}
	ref, ok := peers.AsRefused(err)
	if !ok || (ref.Status != http.StatusForbidden && ref.Status != http.StatusConflict && ref.Status != http.StatusUnprocessableEntity) {
		s.caseError(w, r, c, err)
		return
	}
	f.Alert = &alert{Title: ref.Title, Text: ref.Detail, Fields: fieldIDs{"concerns": concernField}.inPage(ref.Fields)}
	if f.Alert.Title == "" {
		f.Alert.Title = "Signalement refusé"
	}
	s.showOffer(w, r, c, ref.Status, takeoverForms{Concern: f})
}

// concernNotice is the confirmation after the concern form.
func concernNotice(r *http.Request) concernForm {
	if r.URL.Query().Get("fait") == doneConcern {
		return concernForm{Done: concernDoneText}
	}
	return concernForm{}
}
