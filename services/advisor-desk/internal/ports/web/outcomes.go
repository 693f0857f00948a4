package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/ccicma/platform/services/advisor-desk/internal/adapters/peers"
	"github.com/ccicma/platform/services/advisor-desk/internal/domain/casefile"
)

// The outcomes of a creation case on its page: the registration that
// ends the formalities, the post-creation checkpoints that follow it, and
// the closing actions (abandon, redirect to takeover) while the case is in
// the journey. creation-support decides; the page offers each form only
// where it applies, and only to the case's advisor.

// Values of the creation page's "fait" parameter after these actions.
const (
	doneRegistered = "immatriculation"
	doneAbandoned  = "abandon"
	doneRedirected = "reprise"
	doneCheckpoint = "point-de-suivi"
)

// The forms' fields: creation-support's names to the page's ids.
var (
	registrationFields = fieldIDs{"siren": "siren", "registered_on": "date-immatriculation", "legal_form": "forme-juridique"}
	abandonFields      = fieldIDs{"reason": "motif-abandon"}
	checkpointFields   = fieldIDs{"still_active": "toujours-active-oui", "headcount": "effectif", "difficulties": "difficultes"}
)

// CaseOutcomes records a creation case's outcomes in creation-support
// (adapters/peers).
type CaseOutcomes interface {
	Register(ctx context.Context, token, id string, r peers.Registration) error
	Abandon(ctx context.Context, token, id, reason string) error
	RedirectToTakeover(ctx context.Context, token, id string) error
	RecordCheckpoint(ctx context.Context, token, id string, n int, r peers.CheckpointReport) error
}

// outcomeRoutes serves the outcomes' forms.
func (s *site) outcomeRoutes(mux *http.ServeMux) {
	mux.HandleFunc("POST /dossiers/creation/{id}/immatriculation", s.register)
	mux.HandleFunc("POST /dossiers/creation/{id}/abandon", s.abandon)
	mux.HandleFunc("POST /dossiers/creation/{id}/reprise", s.redirectToTakeover)
	mux.HandleFunc("POST /dossiers/creation/{id}/points-de-suivi/{n}", s.recordCheckpoint)
}

// outcomesView is what the case page shows of the case's outcome, and the
// forms that reach one.
type outcomesView struct {
	// Outcome is how the case ended, or that its business is registered
	// (nil: in the journey).
	Outcome *outcomeLine
	// Register: the registration form (the formalities stage).
	Register    bool
	RegisterURL string
	LegalForms  []casefile.Choice
	// Checkpoints are the follow-up's, shown to the lead chamber; Next is
	// the first not recorded, whose form RecordNext shows once it is due.
	Checkpoints   []checkpointLine
	Next          *checkpointLine
	RecordNext    bool
	CheckpointURL string
	// Close: the closing forms (abandon, redirect), in the journey.
	Close                   bool
	AbandonURL, RedirectURL string
	AbandonReasons          []casefile.Choice
	Token                   string
	// Form is the forms as sent, after a refusal; Errors their fields'
	// messages, by id.
	Form   outcomesForm
	Errors map[string]string
}

// outcomesForm is the outcomes' forms as sent.
type outcomesForm struct {
	SIREN, RegisteredOn, LegalForm string
	Reason                         string
	StillActive, Headcount         string
	Difficulties                   bool
}

// outcomeLine is the case's outcome in its header.
type outcomeLine struct {
	Kind, Label, Reason string
	At                  time.Time
	// Registration, shown to the lead chamber's follow-up.
	SIREN, RegisteredOn, LegalForm string
}

// checkpointLine is a checkpoint of the follow-up; N counts from 1.
type checkpointLine struct {
	N                         int
	Label, Due                string
	Recorded                  *time.Time
	StillActive, Difficulties bool
	Headcount                 int
	IsDue                     bool
}

// fillOutcomes fills j's outcomes and funding rows from the case, for the
// reader (j.Follow: its advisor, while in progress), on day today
// (YYYY-MM-DD).
func fillOutcomes(j *journeyView, cs peers.CreationCase, token, today string) {
	o := &j.Outcomes
	o.Outcome, o.Token, o.Errors = outcomeOf(cs), token, j.Errors
	withErrors(j.Facts.Funding, j.Errors)
	base := "/dossiers/creation/" + url.PathEscape(cs.ID)
	o.Register = j.Follow && cs.Stage == casefile.StageFormalities
	o.RegisterURL, o.LegalForms = base+"/immatriculation", casefile.LegalForms()
	o.Close = j.Follow && casefile.InJourney(cs.Stage)
	o.AbandonURL, o.RedirectURL, o.AbandonReasons = base+"/abandon", base+"/reprise", casefile.AbandonReasons()
	o.Checkpoints, o.Next = checkpointsOf(cs.Checkpoints, today)
	if o.Next != nil {
		o.RecordNext = j.Follow && cs.Stage == casefile.StageFollowUp && o.Next.IsDue
		o.CheckpointURL = base + "/points-de-suivi/" + strconv.Itoa(o.Next.N)
	}
}

// outcomeOf is the case's outcome, with its registration when the reader
// may see it.
func outcomeOf(cs peers.CreationCase) *outcomeLine {
	if cs.Outcome == nil {
		return nil
	}
	o := &outcomeLine{Kind: cs.Outcome.Kind, Label: casefile.OutcomeLabel(cs.Outcome.Kind), At: cs.Outcome.At}
	if cs.Outcome.Reason != "" {
		o.Reason = casefile.AbandonLabel(cs.Outcome.Reason)
	}
	if r := cs.Registration; r != nil {
		o.SIREN, o.RegisteredOn, o.LegalForm = sirenText(r.SIREN), r.RegisteredOn, casefile.LegalFormLabel(r.LegalForm)
	}
	return o
}

// sirenText is a SIREN as it is printed, 732 829 320.
func sirenText(s string) string {
	if len(s) != 9 {
		return s
	}
	return s[:3] + " " + s[3:6] + " " + s[6:]
}

// checkpointsOf lists the checkpoints and the first not recorded, due
// when its date is today or past.
func checkpointsOf(cps []peers.Checkpoint, today string) ([]checkpointLine, *checkpointLine) {
	var lines []checkpointLine
	next := -1
	for i, cp := range cps {
		lines = append(lines, checkpointLine{N: i + 1, Label: cp.Label, Due: cp.Due, Recorded: cp.RecordedAt,
			StillActive: cp.StillActive, Difficulties: cp.Difficulties, Headcount: cp.Headcount, IsDue: cp.Due <= today})
		if cp.RecordedAt == nil && next < 0 {
			next = i
		}
	}
	if next < 0 {
		return lines, nil
	}
	return lines, &lines[next]
}

// today is the date creation-support holds a checkpoint due from.
func today() string { return time.Now().UTC().Format(time.DateOnly) }

// readRegistration reads the registration form: the SIREN as typed
// (spaces allowed), a date, a legal form. creation-support checks the
// SIREN's key.
func readRegistration(form url.Values) (peers.Registration, outcomesForm, []peers.FieldError) {
	sent := outcomesForm{SIREN: strings.TrimSpace(form.Get("siren")), RegisteredOn: form.Get("date-immatriculation"),
		LegalForm: form.Get("forme-juridique")}
	reg := peers.Registration{SIREN: strings.Map(func(r rune) rune {
		if r == ' ' || r == '\u00a0' || r == '\u202f' {
			return -1
		}
		return r
	}, sent.SIREN), RegisteredOn: sent.RegisteredOn, LegalForm: sent.LegalForm}
	var bad []peers.FieldError
	if len(reg.SIREN) != 9 || strings.Trim(reg.SIREN, "0123456789") != "" {
		bad = append(bad, peers.FieldError{Field: "siren", Code: "invalid", Message: "Indiquez le numéro SIREN de l'entreprise : neuf chiffres."})
	}
	if _, err := time.Parse(time.DateOnly, reg.RegisteredOn); err != nil {
		bad = append(bad, peers.FieldError{Field: "date-immatriculation", Code: "invalid", Message: "Indiquez la date d'immatriculation (jj/mm/aaaa)."})
	}
	if !casefile.Valid(casefile.LegalForms(), reg.LegalForm) {
		bad = append(bad, peers.FieldError{Field: "forme-juridique", Code: "invalid", Message: "Choisissez la forme juridique de l'entreprise."})
	}
	return reg, sent, bad
}

// readCheckpoint reads a checkpoint's form: whether the business is still
// active (asked, never assumed: « no » closes the case), its headcount,
// and whether the advisor saw difficulties.
func readCheckpoint(form url.Values) (peers.CheckpointReport, outcomesForm, []peers.FieldError) {
	sent := outcomesForm{StillActive: form.Get("toujours-active"), Headcount: strings.TrimSpace(form.Get("effectif")),
		Difficulties: form.Get("difficultes") == "oui"}
	var bad []peers.FieldError
	if sent.StillActive != "oui" && sent.StillActive != "non" {
		bad = append(bad, peers.FieldError{Field: "toujours-active-oui", Code: "required", Message: "Dites si l'entreprise est toujours en activité."})
	}
	n, err := strconv.Atoi(sent.Headcount)
	if err != nil || n < 0 {
		bad = append(bad, peers.FieldError{Field: "effectif", Code: "invalid", Message: "Indiquez l'effectif salarié (un nombre entier, 0 s'il n'y en a pas)."})
	}
	return peers.CheckpointReport{StillActive: sent.StillActive == "oui", Headcount: n, Difficulties: sent.Difficulties}, sent, bad
}

// outcomeForm is a case page with the outcomes' forms as sent.
func outcomeForm(sent outcomesForm) creationView {
	return creationView{Journey: journeyView{Outcomes: outcomesView{Form: sent}}}
}

// register records the registration: the case moves to its follow-up.
func (s *site) register(w http.ResponseWriter, r *http.Request) {
	c, ok := s.caseForm(w, r)
	if !ok {
		return
	}
	reg, sent, bad := readRegistration(r.PostForm)
	if len(bad) > 0 {
		s.refuseForm(w, r, c, outcomeForm(sent), bad)
		return
	}
	s.afterAction(w, r, c, s.Cases.Register(r.Context(), c.bearer, c.id, reg), doneRegistered, outcomeForm(sent), registrationFields)
}

// abandon closes the case of a project that stopped, for a reason.
func (s *site) abandon(w http.ResponseWriter, r *http.Request) {
	c, ok := s.caseForm(w, r)
	if !ok {
		return
	}
	sent := outcomesForm{Reason: r.PostForm.Get("motif-abandon")}
	if !casefile.Valid(casefile.AbandonReasons(), sent.Reason) {
		s.refuseForm(w, r, c, outcomeForm(sent), []peers.FieldError{{Field: "motif-abandon", Code: "required",
			Message: "Choisissez le motif de l'abandon."}})
		return
	}
	s.afterAction(w, r, c, s.Cases.Abandon(r.Context(), c.bearer, c.id, sent.Reason), doneAbandoned, outcomeForm(sent), abandonFields)
}

// redirectToTakeover closes the case for takeover-matching to open a
// draft buyer search.
func (s *site) redirectToTakeover(w http.ResponseWriter, r *http.Request) {
	c, ok := s.caseForm(w, r)
	if !ok {
		return
	}
	s.afterAction(w, r, c, s.Cases.RedirectToTakeover(r.Context(), c.bearer, c.id), doneRedirected, creationView{}, nil)
}

// recordCheckpoint records the n-th checkpoint of the follow-up.
func (s *site) recordCheckpoint(w http.ResponseWriter, r *http.Request) {
	c, ok := s.caseForm(w, r)
	if !ok {
		return
	}
	n, err := strconv.Atoi(r.PathValue("n"))
	if err != nil || n < 1 || n > 4 {
		s.caseError(w, r, c, &peers.Refused{Status: http.StatusNotFound})
		return
	}
	report, sent, bad := readCheckpoint(r.PostForm)
	if len(bad) > 0 {
		s.refuseForm(w, r, c, outcomeForm(sent), bad)
		return
	}
	err = s.Cases.RecordCheckpoint(r.Context(), c.bearer, c.id, n, report)
	s.afterAction(w, r, c, err, doneCheckpoint, outcomeForm(sent), checkpointFields)
}
