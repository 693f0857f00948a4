package prevention

import (
	"errors"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/ccicma/platform/pkg/events"
)

// The lifecycle of a case: opened (waiting for a prevention advisor),
// taken in charge (an advisor made or planned contact; actions are
// recorded from then on), closed with a reason. A closed case is kept and
// changes no more; the business struggling again opens a new case.
const (
	// StatusTakenInCharge: a prevention advisor took the case in charge;
	// reminders stop, actions are recorded.
	StatusTakenInCharge Status = "taken_in_charge"
	// StatusClosed: the case ended, with its CloseReason.
	StatusClosed Status = "closed"
)

// Label names the status in French, for advisors.
func (s Status) Label() string {
	switch s {
	case StatusOpened:
		return "En attente de prise en charge"
	case StatusTakenInCharge:
		return "Pris en charge"
	case StatusClosed:
		return "Clos"
	}
	return string(s)
}

// SourceScore is a case opened because the business's risk level
// (scoring) rose to "risque modéré" or "risque fort"; the case names the
// business (SIREN), not a request.
const SourceScore Source = events.DifficultySourceScore

// CloseReason is why a case closed (events.DifficultyCloseReasons).
type CloseReason string

// Close reasons.
const (
	CloseRecovered       CloseReason = events.DifficultyCloseRecovered
	CloseProcedureOpened CloseReason = events.DifficultyCloseProcedureOpened
	CloseBusinessClosed  CloseReason = events.DifficultyCloseBusinessClosed
	CloseDeclinedByOwner CloseReason = events.DifficultyCloseDeclinedByOwner
)

// CloseReasons lists the reasons, in the order the desk offers them.
func CloseReasons() []CloseReason {
	return []CloseReason{CloseRecovered, CloseProcedureOpened, CloseBusinessClosed, CloseDeclinedByOwner}
}

// Label names the reason in French.
func (r CloseReason) Label() string {
	switch r {
	case CloseRecovered:
		return "Entreprise redressée"
	case CloseProcedureOpened:
		return "Procédure collective ouverte"
	case CloseBusinessClosed:
		return "Entreprise fermée"
	case CloseDeclinedByOwner:
		return "Refus du dirigeant"
	}
	return string(r)
}

// ActionKind is what an advisor did for the business
// (events.DifficultyActionKinds).
type ActionKind string

// Action kinds.
const (
	ActionCall                     ActionKind = events.DifficultyActionCall
	ActionMeeting                  ActionKind = events.DifficultyActionMeeting
	ActionReferralCourtPrevention  ActionKind = events.DifficultyActionReferralCourtPrevention
	ActionReferralPreventionCentre ActionKind = events.DifficultyActionReferralPreventionCentre
	ActionReferralCreditMediator   ActionKind = events.DifficultyActionReferralCreditMediator
	ActionReferralCCSF             ActionKind = events.DifficultyActionReferralCCSF
	ActionPsychologicalSupport     ActionKind = events.DifficultyActionPsychologicalSupport
)

// ActionKinds lists the kinds, in the order the desk offers them.
func ActionKinds() []ActionKind {
	return []ActionKind{ActionCall, ActionMeeting, ActionReferralCourtPrevention, ActionReferralPreventionCentre,
		ActionReferralCreditMediator, ActionReferralCCSF, ActionPsychologicalSupport}
}

// Label names the kind in French.
func (k ActionKind) Label() string {
	switch k {
	case ActionCall:
		return "Appel"
	case ActionMeeting:
		return "Rendez-vous"
	case ActionReferralCourtPrevention:
		return "Orientation vers la prévention du tribunal de commerce (mandat ad hoc, conciliation)"
	case ActionReferralPreventionCentre:
		return "Orientation vers un centre d'information sur la prévention (CIP)"
	case ActionReferralCreditMediator:
		return "Orientation vers la Médiation du crédit"
	case ActionReferralCCSF:
		return "Orientation vers la CCSF (dettes fiscales et sociales)"
	case ActionPsychologicalSupport:
		return "Soutien psychologique du dirigeant (APESA)"
	}
	return string(k)
}

// Outcome is what came of an action (events.DifficultyActionOutcomes).
type Outcome string

// Outcomes.
const (
	OutcomeDone     Outcome = events.DifficultyOutcomeDone
	OutcomeFollowUp Outcome = events.DifficultyOutcomeFollowUp
	OutcomeDeclined Outcome = events.DifficultyOutcomeDeclined
	OutcomeNoAnswer Outcome = events.DifficultyOutcomeNoAnswer
)

// Outcomes lists the outcomes, in the order the desk offers them.
func Outcomes() []Outcome {
	return []Outcome{OutcomeDone, OutcomeFollowUp, OutcomeDeclined, OutcomeNoAnswer}
}

// Label names the outcome in French.
func (o Outcome) Label() string {
	switch o {
	case OutcomeDone:
		return "Réalisé"
	case OutcomeFollowUp:
		return "Réalisé, suite à donner"
	case OutcomeDeclined:
		return "Refusé par le dirigeant"
	case OutcomeNoAnswer:
		return "Dirigeant injoignable"
	}
	return string(o)
}

// MaxOutcomeText bounds an action's account, in characters: a few
// paragraphs, not a file.
const MaxOutcomeText = 2000

// ClosedBySystem is who closes a case no advisor closed (the scoring, on a
// liquidation).
const ClosedBySystem = events.DifficultyClosedBySystem

// Errors of the lifecycle (the API answers 409 for the state ones).
var (
	// ErrClosed: the case is closed and changes no more.
	ErrClosed = errors.New("prevention case closed")
	// ErrAlreadyTaken: the case is taken in charge already.
	ErrAlreadyTaken = errors.New("prevention case already taken in charge")
	// ErrNotTakenInCharge: actions are recorded on a case taken in charge.
	ErrNotTakenInCharge = errors.New("prevention case not taken in charge")
	// ErrNotAssigned: only an assigned advisor hands a case back.
	ErrNotAssigned = errors.New("advisor not assigned to the prevention case")
)

// FieldProblem is one bad field of an advisor's input.
type FieldProblem struct {
	Field   string
	Code    string
	Message string // in French
}

// InvalidInput lists the bad fields of an input (the API answers 422).
type InvalidInput struct{ Fields []FieldProblem }

func (e *InvalidInput) Error() string {
	names := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		names[i] = f.Field
	}
	return "invalid input: " + strings.Join(names, ", ")
}

// Action is one thing an advisor did for the business, with its outcome.
type Action struct {
	ID         string
	Kind       ActionKind
	OccurredOn time.Time // a day (UTC midnight)
	AdvisorID  string
	Outcome    Outcome
	// OutcomeText is the advisor's account (at most MaxOutcomeText
	// characters); it stays in difficulty-alert.
	OutcomeText string
	RecordedAt  time.Time
}

// ActionInput is an action as an advisor describes it.
type ActionInput struct {
	Kind        string
	OccurredOn  string // YYYY-MM-DD
	Outcome     string
	OutcomeText string
}

// Open tells whether the case is not closed.
func (c Case) Open() bool { return c.Status != StatusClosed }

// TakeInCharge records that advisor by took the case in charge at at. A
// member of the prevention cell who was not assigned joins the assigned
// advisors: the case is theirs from now on. Whether by may act on the case
// is the access rules' business (access.ActOnCase).
func (c *Case) TakeInCharge(by string, at time.Time) (events.DifficultyCaseTakenInCharge, error) {
	switch c.Status {
	case StatusClosed:
		return events.DifficultyCaseTakenInCharge{}, ErrClosed
	case StatusTakenInCharge:
		return events.DifficultyCaseTakenInCharge{}, ErrAlreadyTaken
	}
	if !slices.Contains(c.AdvisorIDs, by) {
		c.AdvisorIDs = append(slices.Clone(c.AdvisorIDs), by)
	}
	c.Status, c.TakenBy, c.TakenAt = StatusTakenInCharge, by, at.UTC()
	return events.DifficultyCaseTakenInCharge{
		CaseID: c.ID, Chamber: c.Chamber, SecondaryChamber: c.SecondaryChamber, AdvisorIDs: slices.Clone(c.AdvisorIDs),
		AdvisorID: by, Departement: c.Departement, TakenAt: c.TakenAt,
	}, nil
}

// RecordAction records an action advisor by took, checking the input (an
// *InvalidInput names each bad field): a known kind and outcome, a day
// neither before the case was reported nor after today, an account of at
// most MaxOutcomeText characters. The case must be taken in charge.
func (c *Case) RecordAction(id, by string, in ActionInput, at time.Time) (Action, events.DifficultyCaseActionRecorded, error) {
	a, err := NewAction(id, by, in, c.ReportedAt, at)
	if err != nil {
		return Action{}, events.DifficultyCaseActionRecorded{}, err
	}
	switch c.Status {
	case StatusClosed:
		return Action{}, events.DifficultyCaseActionRecorded{}, ErrClosed
	case StatusOpened:
		return Action{}, events.DifficultyCaseActionRecorded{}, ErrNotTakenInCharge
	}
	c.Actions = append(c.Actions, a)
	return a, events.DifficultyCaseActionRecorded{
		CaseID: c.ID, ActionID: a.ID, Chamber: c.Chamber, SecondaryChamber: c.SecondaryChamber,
		AdvisorIDs: slices.Clone(c.AdvisorIDs), AdvisorID: by, Kind: string(a.Kind), Outcome: string(a.Outcome),
		OccurredOn: a.OccurredOn.Format(time.DateOnly), Departement: c.Departement, RecordedAt: a.RecordedAt,
	}, nil
}

// NewAction checks an action's input (see RecordAction); notBefore is the
// earliest day it may have happened on, at the time it is recorded.
func NewAction(id, by string, in ActionInput, notBefore, at time.Time) (Action, error) {
	var probs []FieldProblem
	kind := ActionKind(in.Kind)
	if !slices.Contains(ActionKinds(), kind) {
		probs = append(probs, FieldProblem{"kind", "invalid", "Choisissez le type d'action."})
	}
	outcome := Outcome(in.Outcome)
	if !slices.Contains(Outcomes(), outcome) {
		probs = append(probs, FieldProblem{"outcome", "invalid", "Choisissez le résultat de l'action."})
	}
	day, err := time.Parse(time.DateOnly, strings.TrimSpace(in.OccurredOn))
	switch {
	case err != nil:
		probs = append(probs, FieldProblem{"occurred_on", "invalid", "Date attendue (AAAA-MM-JJ)."})
	// A day of slack: the advisor's day in France may be ahead of UTC.
	case day.After(at.UTC().AddDate(0, 0, 1)):
		probs = append(probs, FieldProblem{"occurred_on", "future", "La date ne peut pas être dans le futur."})
	case day.Before(dayOf(notBefore)):
		probs = append(probs, FieldProblem{"occurred_on", "before_case", "La date ne peut pas précéder le signalement."})
	}
	text := strings.TrimSpace(in.OutcomeText)
	if !utf8.ValidString(text) {
		probs = append(probs, FieldProblem{"outcome_text", "invalid", "Texte illisible."})
	} else if utf8.RuneCountInString(text) > MaxOutcomeText {
		probs = append(probs, FieldProblem{"outcome_text", "too_long", "2 000 caractères au plus."})
	}
	if len(probs) > 0 {
		return Action{}, &InvalidInput{Fields: probs}
	}
	return Action{ID: id, Kind: kind, OccurredOn: day, AdvisorID: by, Outcome: outcome, OutcomeText: text,
		RecordedAt: at.UTC()}, nil
}

// dayOf is t's day (UTC), at midnight.
func dayOf(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// Close closes the case with reason, by an advisor or ClosedBySystem. An
// unknown reason is an *InvalidInput (field reason). A case closes from
// opened (nobody took it: a liquidation, an owner declining at first
// contact) or taken in charge.
func (c *Case) Close(reason CloseReason, by string, at time.Time) (events.DifficultyCaseClosed, error) {
	if !slices.Contains(CloseReasons(), reason) {
		return events.DifficultyCaseClosed{}, &InvalidInput{Fields: []FieldProblem{{"reason", "invalid", "Choisissez le motif de clôture."}}}
	}
	if c.Status == StatusClosed {
		return events.DifficultyCaseClosed{}, ErrClosed
	}
	from := c.Status
	c.Status, c.CloseReason, c.ClosedBy, c.ClosedAt = StatusClosed, reason, by, at.UTC()
	return events.DifficultyCaseClosed{
		CaseID: c.ID, Chamber: c.Chamber, SecondaryChamber: c.SecondaryChamber, AdvisorIDs: slices.Clone(c.AdvisorIDs),
		ClosedBy: by, Reason: string(reason), From: string(from), Departement: c.Departement, ClosedAt: c.ClosedAt,
	}, nil
}
