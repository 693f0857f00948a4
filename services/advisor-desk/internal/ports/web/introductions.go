package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/ccicma/platform/services/advisor-desk/internal/adapters/peers"
	"github.com/ccicma/platform/services/advisor-desk/internal/domain/casefile"
)

// A match's introduction on its page: the stage, the history of the steps
// taken, and a form for each step the reader may take now (the match's
// next_steps). takeover-matching decides who may take which step and when;
// the page relays its refusals (403, 409, 422) as it does the creation
// case's.

// MatchSteps takes the steps of a match's introduction in
// takeover-matching (adapters/peers).
type MatchSteps interface {
	ReviewMatch(ctx context.Context, token, id string) error
	ShowInterest(ctx context.Context, token, id string) error
	ApproveIntroduction(ctx context.Context, token, id string) error
	AcceptUndertaking(ctx context.Context, token, id string, u peers.Undertaking) error
	StartNegotiating(ctx context.Context, token, id string) error
	ConcludeMatch(ctx context.Context, token, id, dealDate string) error
	DropMatch(ctx context.Context, token, id, reason string) error
}

// matchStep is a step of the introduction: takeover-matching's code, the
// segment of the form's path (also the page's "fait" value after it) and
// the confirmation the page shows then.
type matchStep struct {
	Code, Slug, Done string
}

// matchSteps are the steps, in the introduction's order.
var matchSteps = []matchStep{
	{"review", "examen", "Votre examen de la proposition est enregistré."},
	{"interest", "interet", "L'intérêt du repreneur est enregistré."},
	{"approve_introduction", "accord", "L'accord du cédant pour la mise en relation est enregistré."},
	{"accept_undertaking", "engagement", "L'engagement de confidentialité du repreneur est enregistré."},
	{"negotiate", "negociation", "La négociation entre les parties est enregistrée."},
	{"conclude", "conclusion", "La reprise conclue est enregistrée."},
	{"drop", "fin", "La mise en relation est close."},
}

// stepFields maps takeover-matching's names of the steps' fields to the
// page's ids.
var stepFields = fieldIDs{"version": "version-engagement", "accepted_on": "date-engagement",
	"deal_date": "date-reprise", "reason": "motif-fin"}

// matchStepBy finds a step by the segment of its path, or by its code.
func matchStepBy(slugOrCode string) (matchStep, bool) {
	for _, st := range matchSteps {
		if st.Slug == slugOrCode || st.Code == slugOrCode {
			return st, true
		}
	}
	return matchStep{}, false
}

// matchForm is the steps' forms as sent, redisplayed after a refusal.
type matchForm struct {
	Version, AcceptedOn, DealDate, Reason string
}

// stepForm is the form of one step the reader may take.
type stepForm struct {
	Code, URL, Button string
}

// historyLine is a step of the match's history, in French.
type historyLine struct {
	At                          time.Time
	Side, Advisor, Step, Reason string
}

// readStep reads a step's form: the undertaking's version and signature
// date, the deal date, the drop reason, each where the step takes it.
// takeover-matching checks the rest (a date not in the future, the
// version's form).
func readStep(code string, form url.Values) (matchForm, []peers.FieldError) {
	sent := matchForm{Version: strings.TrimSpace(form.Get("version-engagement")), AcceptedOn: form.Get("date-engagement"),
		DealDate: form.Get("date-reprise"), Reason: form.Get("motif-fin")}
	var bad []peers.FieldError
	add := func(field, msg string) {
		bad = append(bad, peers.FieldError{Field: field, Code: "invalid", Message: msg})
	}
	validDate := func(d string) bool { _, err := time.Parse(time.DateOnly, d); return err == nil }
	switch code {
	case "accept_undertaking":
		if sent.Version == "" {
			add("version-engagement", "Indiquez la version de l'engagement de confidentialité signé.")
		}
		if !validDate(sent.AcceptedOn) {
			add("date-engagement", "Indiquez la date de signature de l'engagement (jj/mm/aaaa).")
		}
	case "conclude":
		if !validDate(sent.DealDate) {
			add("date-reprise", "Indiquez la date de la cession (jj/mm/aaaa).")
		}
	case "drop":
		if !casefile.Valid(casefile.MatchDropReasons(), sent.Reason) {
			add("motif-fin", "Choisissez le motif pour lequel la mise en relation prend fin.")
		}
	}
	return sent, bad
}

// takeMatchStep sends a step to takeover-matching.
func (s *site) takeMatchStep(ctx context.Context, c caseRequest, code string, f matchForm) error {
	switch code {
	case "review":
		return s.Cases.ReviewMatch(ctx, c.bearer, c.id)
	case "interest":
		return s.Cases.ShowInterest(ctx, c.bearer, c.id)
	case "approve_introduction":
		return s.Cases.ApproveIntroduction(ctx, c.bearer, c.id)
	case "accept_undertaking":
		return s.Cases.AcceptUndertaking(ctx, c.bearer, c.id, peers.Undertaking{Version: f.Version, AcceptedOn: f.AcceptedOn})
	case "negotiate":
		return s.Cases.StartNegotiating(ctx, c.bearer, c.id)
	case "conclude":
		return s.Cases.ConcludeMatch(ctx, c.bearer, c.id, f.DealDate)
	default:
		return s.Cases.DropMatch(ctx, c.bearer, c.id, f.Reason)
	}
}

// matchStepPost takes the step of the path, then shows the page again
// (POST-redirect-GET with its confirmation), or the refusal on it.
func (s *site) matchStepPost(w http.ResponseWriter, r *http.Request) {
	c, ok := s.caseForm(w, r)
	if !ok {
		return
	}
	st, ok := matchStepBy(r.PathValue("step"))
	if !ok || st.Slug != r.PathValue("step") {
		s.caseError(w, r, c, &peers.Refused{Status: http.StatusNotFound})
		return
	}
	sent, bad := readStep(st.Code, r.PostForm)
	if len(bad) > 0 {
		s.showMatch(w, r, c, http.StatusUnprocessableEntity, matchView{Form: sent,
			Alert: &alert{Title: "Le formulaire contient des erreurs", Fields: bad}})
		return
	}
	err := s.takeMatchStep(r.Context(), c, st.Code, sent)
	if err == nil {
		http.Redirect(w, r, "/dossiers/reprise/mises-en-relation/"+url.PathEscape(c.id)+"?fait="+st.Slug, http.StatusSeeOther)
		return
	}
	ref, ok := peers.AsRefused(err)
	if !ok || (ref.Status != http.StatusForbidden && ref.Status != http.StatusConflict && ref.Status != http.StatusUnprocessableEntity) {
		s.caseError(w, r, c, err)
		return
	}
	v := matchView{Form: sent, refusal: err, Alert: &alert{Title: ref.Title, Text: ref.Detail, Fields: stepFields.inPage(ref.Fields)}}
	if v.Alert.Title == "" {
		v.Alert.Title = "Étape refusée"
	}
	s.showMatch(w, r, c, ref.Status, v)
}

// fillIntroduction fills the page's introduction from the match: its
// stage, history (advisors named by the directory) and the forms of the
// reader's next steps.
func (s *site) fillIntroduction(ctx context.Context, c caseRequest, m peers.Match, v *matchView) {
	reached := make([]string, 0, len(m.History))
	for _, h := range m.History {
		reached = append(reached, h.To)
		line := historyLine{At: h.At, Side: casefile.Label("side", h.Side), Advisor: s.advisorName(ctx, h.AdvisorID),
			Step: casefile.Label("match-step", h.Step)}
		if h.Reason != "" {
			line.Reason = casefile.MatchDropLabel(h.Reason)
		}
		v.History = append(v.History, line)
	}
	v.Stage, v.Introduced = casefile.Label("match-stage", m.Stage), casefile.Introduced(m.Stage, reached)
	if m.DropReason != "" {
		v.DropReason = casefile.MatchDropLabel(m.DropReason)
	}
	base := "/dossiers/reprise/mises-en-relation/" + url.PathEscape(m.MatchID) + "/"
	for _, code := range m.NextSteps {
		if st, ok := matchStepBy(code); ok {
			v.Steps = append(v.Steps, stepForm{Code: st.Code, URL: base + st.Slug, Button: casefile.Label("match-action", st.Code)})
		}
	}
	v.DropReasons, v.Token, v.Errors = casefile.MatchDropReasons(), c.formToken, map[string]string{}
	if v.Alert != nil {
		v.Errors = fieldMessages(v.Alert.Fields)
	}
}
