package web

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/ccicma/platform/pkg/auth"

	"github.com/ccicma/platform/services/advisor-desk/internal/adapters/peers"
	"github.com/ccicma/platform/services/advisor-desk/internal/domain/casefile"
)

// A prevention case's lifecycle on its page: take it in charge, record the
// actions taken for the business with their outcomes (a timeline), close
// it with a reason. difficulty-alert decides who may (the case's advisors
// and the prevention cell of its chambers, who alone read the page) and
// audits each step; the page offers each form where the case's status
// allows it.

// PreventionSteps changes a prevention case in difficulty-alert
// (adapters/peers).
type PreventionSteps interface {
	TakePreventionCase(ctx context.Context, token, id string) error
	RecordPreventionAction(ctx context.Context, token, id string, a peers.ActionReport) error
	ClosePreventionCase(ctx context.Context, token, id, reason string) error
	HandBackPreventionCase(ctx context.Context, token, id, reason string) error
}

// Values of the prevention page's "fait" parameter, and what it then says.
var preventionDone = map[string]string{
	"prise-en-charge": "Le dossier est pris en charge.",
	"action":          "L'action est enregistrée.",
	"cloture":         "Le dossier est clos.",
	"rendu":           "Le dossier a été rendu : il est confié à un autre conseiller de prévention, ou à la cellule.",
}

// The forms' fields: difficulty-alert's names to the page's ids.
var (
	actionFields = fieldIDs{"kind": "type-action", "occurred_on": "date-action", "outcome": "resultat-action", "outcome_text": "compte-rendu"}
	closeFields  = fieldIDs{"reason": "motif-cloture"}
	backFields   = fieldIDs{"reason": "motif-rendu"}
)

func (s *site) preventionRoutes(mux *http.ServeMux) {
	mux.HandleFunc("POST /dossiers/prevention/{id}/prise-en-charge", s.takePreventionCase)
	mux.HandleFunc("POST /dossiers/prevention/{id}/actions", s.recordPreventionAction)
	mux.HandleFunc("POST /dossiers/prevention/{id}/cloture", s.closePreventionCase)
	mux.HandleFunc("POST /dossiers/prevention/{id}/pas-pour-moi", s.handBackPreventionCase)
	s.businessRoutes(mux)
}

// lifecycleView is the lifecycle part of prevention.html
// (prevention_lifecycle.html).
type lifecycleView struct {
	Status                       string
	Opened, Taken, Closed        bool
	TakenBy, ClosedBy, Reason    string
	TakenAt, ClosedAt            *time.Time
	Actions                      []actionLine
	TakeURL, ActionURL, CloseURL string
	Kinds, Outcomes, Reasons     []casefile.Choice
	// HandBack: the reader is an assigned advisor of an opened case.
	HandBack    bool
	HandBackURL string
	BackReasons []casefile.Choice
	Today       string
	Token       string
	Form        lifecycleForm
	Errors      map[string]string
}

// actionLine is one action of the timeline.
type actionLine struct {
	Kind, Outcome, Text, Advisor, OccurredOn string
}

// lifecycleForm is the forms as sent, after a refusal.
type lifecycleForm struct {
	Kind, OccurredOn, Outcome, Text, Reason string
	BackReason                              string
}

// fillLifecycle fills v's lifecycle part from the case, for reader.
func (s *site) fillLifecycle(ctx context.Context, v *preventionView, pc peers.PreventionCase, token, reader string) {
	l := &v.Lifecycle
	base := "/dossiers/prevention/" + url.PathEscape(pc.CaseID)
	l.Status, l.Token = pc.StatusLabel, token
	l.Opened, l.Taken, l.Closed = pc.Status == "opened", pc.Status == "taken_in_charge", pc.Status == "closed"
	if pc.TakenBy != "" {
		l.TakenBy, l.TakenAt = s.advisorName(ctx, pc.TakenBy), pc.TakenAt
	}
	if pc.ClosedBy == "system" {
		l.ClosedBy = "automatiquement (décision de justice)"
	} else if pc.ClosedBy != "" {
		l.ClosedBy = s.advisorName(ctx, pc.ClosedBy)
	}
	l.ClosedAt, l.Reason = pc.ClosedAt, pc.CloseReasonLabel
	for _, a := range pc.Actions {
		l.Actions = append(l.Actions, actionLine{Kind: a.KindLabel, Outcome: a.OutcomeLabel, Text: a.OutcomeText,
			Advisor: s.advisorName(ctx, a.AdvisorID), OccurredOn: a.OccurredOn})
	}
	l.TakeURL, l.ActionURL, l.CloseURL = base+"/prise-en-charge", base+"/actions", base+"/cloture"
	l.Kinds, l.Outcomes, l.Reasons = casefile.PreventionActionKinds(), casefile.PreventionOutcomes(), casefile.PreventionCloseReasons()
	l.HandBack = l.Opened && slices.Contains(pc.AdvisorIDs, reader)
	l.HandBackURL, l.BackReasons = base+"/pas-pour-moi", casefile.PreventionHandBackReasons()
	l.Today = today()
	if l.Form.OccurredOn == "" {
		l.Form.OccurredOn = l.Today
	}
}

func (s *site) takePreventionCase(w http.ResponseWriter, r *http.Request) {
	c, ok := s.caseForm(w, r)
	if !ok {
		return
	}
	s.afterPreventionStep(w, r, c, s.Cases.TakePreventionCase(r.Context(), c.bearer, c.id), "prise-en-charge", preventionView{}, nil)
}

func (s *site) recordPreventionAction(w http.ResponseWriter, r *http.Request) {
	c, ok := s.caseForm(w, r)
	if !ok {
		return
	}
	f := lifecycleForm{Kind: r.PostForm.Get("type-action"), OccurredOn: strings.TrimSpace(r.PostForm.Get("date-action")),
		Outcome: r.PostForm.Get("resultat-action"), Text: strings.TrimSpace(r.PostForm.Get("compte-rendu"))}
	v := preventionView{Lifecycle: lifecycleView{Form: f}}
	var bad []peers.FieldError
	if !casefile.Valid(casefile.PreventionActionKinds(), f.Kind) {
		bad = append(bad, peers.FieldError{Field: "type-action", Code: "required", Message: "Choisissez le type d'action."})
	}
	if _, err := time.Parse(time.DateOnly, f.OccurredOn); err != nil {
		bad = append(bad, peers.FieldError{Field: "date-action", Code: "invalid", Message: "Indiquez la date de l'action (jj/mm/aaaa)."})
	}
	if !casefile.Valid(casefile.PreventionOutcomes(), f.Outcome) {
		bad = append(bad, peers.FieldError{Field: "resultat-action", Code: "required", Message: "Choisissez le résultat de l'action."})
	}
	if utf8.RuneCountInString(f.Text) > casefile.MaxActionOutcome {
		bad = append(bad, peers.FieldError{Field: "compte-rendu", Code: "too_long", Message: "Le compte rendu ne doit pas dépasser 2 000 caractères."})
	}
	if len(bad) > 0 {
		v.Alert = &alert{Title: "Le formulaire contient des erreurs", Fields: bad}
		v.Lifecycle.Errors = fieldMessages(bad)
		s.showPrevention(w, r, c, http.StatusUnprocessableEntity, v)
		return
	}
	err := s.Cases.RecordPreventionAction(r.Context(), c.bearer, c.id, peers.ActionReport{Kind: f.Kind, OccurredOn: f.OccurredOn,
		Outcome: f.Outcome, OutcomeText: f.Text})
	s.afterPreventionStep(w, r, c, err, "action", v, actionFields)
}

func (s *site) closePreventionCase(w http.ResponseWriter, r *http.Request) {
	c, ok := s.caseForm(w, r)
	if !ok {
		return
	}
	f := lifecycleForm{Reason: r.PostForm.Get("motif-cloture")}
	v := preventionView{Lifecycle: lifecycleView{Form: f}}
	if !casefile.Valid(casefile.PreventionCloseReasons(), f.Reason) {
		bad := []peers.FieldError{{Field: "motif-cloture", Code: "required", Message: "Choisissez le motif de clôture."}}
		v.Alert, v.Lifecycle.Errors = &alert{Title: "Le formulaire contient des erreurs", Fields: bad}, fieldMessages(bad)
		s.showPrevention(w, r, c, http.StatusUnprocessableEntity, v)
		return
	}
	s.afterPreventionStep(w, r, c, s.Cases.ClosePreventionCase(r.Context(), c.bearer, c.id, f.Reason), "cloture", v, closeFields)
}

func (s *site) handBackPreventionCase(w http.ResponseWriter, r *http.Request) {
	c, ok := s.caseForm(w, r)
	if !ok {
		return
	}
	f := lifecycleForm{BackReason: r.PostForm.Get("motif-rendu")}
	v := preventionView{Lifecycle: lifecycleView{Form: f}}
	if !casefile.Valid(casefile.PreventionHandBackReasons(), f.BackReason) {
		bad := []peers.FieldError{{Field: "motif-rendu", Code: "required", Message: "Choisissez le motif pour lequel vous rendez le dossier."}}
		v.Alert, v.Lifecycle.Errors = &alert{Title: "Le formulaire contient des erreurs", Fields: bad}, fieldMessages(bad)
		s.showPrevention(w, r, c, http.StatusUnprocessableEntity, v)
		return
	}
	err := s.Cases.HandBackPreventionCase(r.Context(), c.bearer, c.id, f.BackReason)
	if err == nil && !c.p.Has(auth.RolePreventionCell) {
		// No longer theirs to read (a specialist outside the cell): back
		// to the inbox.
		http.Redirect(w, r, "/boite", http.StatusSeeOther)
		return
	}
	s.afterPreventionStep(w, r, c, err, "rendu", v, backFields)
}

// afterPreventionStep sends the advisor back to the case with a
// confirmation (303), or shows difficulty-alert's refusal on the page,
// with the form as sent.
func (s *site) afterPreventionStep(w http.ResponseWriter, r *http.Request, c caseRequest, err error, done string, v preventionView, ids fieldIDs) {
	if err == nil {
		http.Redirect(w, r, "/dossiers/prevention/"+url.PathEscape(c.id)+"?fait="+done, http.StatusSeeOther)
		return
	}
	ref, ok := peers.AsRefused(err)
	if !ok || (ref.Status != http.StatusConflict && ref.Status != http.StatusUnprocessableEntity) {
		// A 403 (not theirs, or no such case) is the page's own refusal.
		s.caseError(w, r, c, err)
		return
	}
	v.Alert = &alert{Title: ref.Title, Text: ref.Detail, Fields: ids.inPage(ref.Fields)}
	v.Lifecycle.Errors = fieldMessages(v.Alert.Fields)
	if v.Alert.Title == "" {
		v.Alert.Title = "Action refusée"
	}
	s.showPrevention(w, r, c, ref.Status, v)
}
