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

// ConcernRaiser raises, in the owning service, a concern about the
// business of an offer (takeover-matching) or of a creation case in
// follow-up (creation-support), as the signed-in advisor.
type ConcernRaiser interface {
	RaiseOfferConcern(ctx context.Context, token, id string, concerns []string) error
	RaiseCreationConcern(ctx context.Context, token, id string, concerns []string) error
}

// concernKind is what differs between an offer's concern and a creation
// case's: the pages' path, the call and the page shown again.
type concernKind struct {
	base  string
	raise func(ConcernRaiser, context.Context, string, string, []string) error
	show  func(s *site, w http.ResponseWriter, r *http.Request, c caseRequest, status int, f concernForm)
}

// offerConcerns is an offer's concern.
func offerConcerns() concernKind {
	return concernKind{base: "/dossiers/reprise/offres/", raise: ConcernRaiser.RaiseOfferConcern,
		show: func(s *site, w http.ResponseWriter, r *http.Request, c caseRequest, status int, f concernForm) {
			s.showOffer(w, r, c, status, takeoverForms{Concern: f})
		}}
}

// creationConcerns is a creation case's concern.
func creationConcerns() concernKind {
	return concernKind{base: "/dossiers/creation/", raise: ConcernRaiser.RaiseCreationConcern,
		show: func(s *site, w http.ResponseWriter, r *http.Request, c caseRequest, status int, f concernForm) {
			s.showCreation(w, r, c, status, creationView{Concern: f}, false)
		}}
}

// concernRoutes serves the concern forms.
func (s *site) concernRoutes(mux *http.ServeMux) {
	for _, k := range []concernKind{offerConcerns(), creationConcerns()} {
		mux.HandleFunc("POST "+k.base+"{id}/difficulte", s.raiseConcern(k))
	}
}

// doneConcern is the offer page's "fait" value after a concern.
const doneConcern = "difficulte-signalee"

const concernDoneText = "Votre signalement est transmis à la cellule de prévention des chambres de l'entreprise, " +
	"qui prendra contact avec le dirigeant. La plateforme ne l'en informe pas."

// concernField is the id of the form's first box, which takeover-matching's
// "concerns" leads to.
const concernField = "difficulte-" + "cash_flow"

// concernForm is the data of the "concern" part (case_parts.html): the
// concerns raised about the business, and the form that raises one, on
// an offer's page (its own chambers, while it is on the market) and a
// creation case's (its advisor, during the post-creation follow-up).
type concernForm struct {
	// Shown renders the part; Listed shows the concerns raised (not to
	// the buyer's side of an offer, who only reads a refusal).
	Shown, Listed bool
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

// offerConcern is the concern part of an offer's page for c's reader:
// its own chambers read the concerns and, while it is on the market, may
// raise one; the buyer's side reads nothing of it.
func (s *site) offerConcern(ctx context.Context, c caseRequest, o peers.Offer, f concernForm) concernForm {
	if o.Teaser() {
		// The buyer's side: nothing of the seller's difficulties, only
		// the refusal of a form it could not have been shown.
		return concernForm{Shown: f.Alert != nil, Alert: f.Alert}
	}
	open := o.Status != "withdrawn" && o.Status != "concluded"
	return s.concernPart(ctx, c, "/dossiers/reprise/offres/", o.OfferID, true, open, o.DifficultyConcerns, f)
}

// creationConcern is the concern part of a creation case's page: the
// concerns raised, which creation-support sends to the lead chamber
// only, and, during the post-creation follow-up, the form for the case's
// advisor. Another reader with none to read gets no part: "none raised"
// would not be true for the chamber the case is shared with.
func (s *site) creationConcern(ctx context.Context, c caseRequest, cs peers.CreationCase, follow bool, f concernForm) concernForm {
	followUp := cs.Stage == casefile.StageFollowUp
	shown := (followUp && follow) || len(cs.DifficultyConcerns) > 0 || f.Alert != nil
	return s.concernPart(ctx, c, "/dossiers/creation/", cs.ID, shown, follow && followUp, cs.DifficultyConcerns, f)
}

// concernPart fills the part: the concerns raised, in words, and the form
// when open.
func (s *site) concernPart(ctx context.Context, c caseRequest, base, id string, shown, open bool,
	raised []peers.DifficultyConcern, f concernForm) concernForm {
	f.Shown, f.Open, f.Listed = shown, open, true
	for _, rc := range raised {
		f.Raised = append(f.Raised, raisedConcern{At: rc.RaisedAt, Advisor: s.advisorName(ctx, rc.AdvisorID),
			Concerns: casefile.ConcernLabels(rc.Concerns)})
	}
	f.Choices, f.Token, f.URL = casefile.OfferConcerns(), c.formToken, base+url.PathEscape(id)+"/difficulte"
	return f
}

// raiseConcern handles a concern form: the desk checks that at least
// one known concern is ticked, the owning service the rest.
func (s *site) raiseConcern(k concernKind) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
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
			k.show(s, w, r, c, http.StatusUnprocessableEntity, f)
			return
		}
		err := k.raise(s.Cases, r.Context(), c.bearer, c.id, ticked)
		if err == nil {
			http.Redirect(w, r, k.base+url.PathEscape(c.id)+"?fait="+doneConcern+"#difficultes", http.StatusSeeOther)
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
		k.show(s, w, r, c, ref.Status, f)
	}
}

// concernNotice is the confirmation after the concern form.
func concernNotice(r *http.Request) concernForm {
	if r.URL.Query().Get("fait") == doneConcern {
		return concernForm{Done: concernDoneText}
	}
	return concernForm{}
}
