package events

import (
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
)

// Sources of a prevention case: what made difficulty-alert open it.
const (
	// DifficultySourceSelfReport: the business reported its difficulties
	// through intake's self-diagnosis (intake.difficulty.reported).
	DifficultySourceSelfReport = "self_report"
	// DifficultySourceAdvisorObservation: an advisor saw difficulties of a
	// business they follow: a creation advisor at a post-creation
	// checkpoint (creation.case.difficulty_seen) or between two
	// (creation.case.concern_raised), a takeover advisor following its
	// sale (takeover.offer.difficulty_seen).
	DifficultySourceAdvisorObservation = "advisor_observation"
)

// Where an advisor's observation was made (DifficultyCaseOpened.ObservedIn).
const (
	ObservedInCreationCase  = "creation_case"  // a post-creation checkpoint
	ObservedInTakeoverOffer = "takeover_offer" // the sale of the business
)

// DifficultyCaseOpened (difficulty.case.opened.v1): difficulty-alert opened a
// prevention case, for a difficulty report or for difficulties a creation
// advisor saw at a post-creation checkpoint, and assigned it to prevention
// advisors of the routed chambers. It carries no SIRET, no free text and no
// questionnaire answers: the case is confidential, and only the assigned
// advisors and the joint prevention cell read it, through difficulty-alert's
// API, each read audited. Subject: the case id.
type DifficultyCaseOpened struct {
	// CaseID is difficulty-alert's id of the case (UUIDv7).
	CaseID string `json:"case_id"`
	// RequestID is the intake report the case comes from; empty for a
	// case opened by a risk level (source score), which comes from none.
	RequestID string `json:"request_id"`
	// Chamber is the lead chamber (CCI or CMA).
	Chamber string `json:"chamber"`
	// SecondaryChamber is the other routed chamber, if any.
	SecondaryChamber string `json:"secondary_chamber,omitempty"`
	// AdvisorIDs are the prevention advisors assigned, lead chamber's first;
	// empty when none was available, in which case the prevention cell must
	// pick the case up.
	AdvisorIDs []string `json:"advisor_ids,omitempty"`
	// Level is none, vigilance or call_back (always call_back for an
	// advisor's observation: the prevention cell calls back).
	Level string `json:"level"`
	// Source is what opened the case: self_report (a difficulty report) or
	// advisor_observation (a post-creation checkpoint), so that the
	// notification can say where the case comes from. Absent in events
	// emitted before it existed, which all came from self reports.
	Source string `json:"source,omitempty"`
	// ObservedIn says, for an advisor's observation, which file the
	// advisor follows the business in: creation_case or takeover_offer.
	// Absent in events emitted before it existed, which all came from
	// creation cases.
	ObservedIn string `json:"observed_in,omitempty"`
	// Departement is the business's département.
	Departement string `json:"departement"`
	// OpenedAt is when the case was opened.
	OpenedAt time.Time `json:"opened_at"`
}

// EventName implements Payload.
func (DifficultyCaseOpened) EventName() Name {
	return Name{Producer: "difficulty", Aggregate: "case", Verb: "opened", Version: 1}
}

// Validate checks the invariants consumers rely on.
func (p *DifficultyCaseOpened) Validate() error {
	var errs []error
	if p.Source == DifficultySourceScore && p.RequestID == "" {
		errs = append(errs, validDifficultyCase(p.CaseID, p.Chamber, p.Departement))
	} else {
		errs = append(errs, validAggregate("case_id", p.CaseID, p.RequestID, p.Chamber), required("departement", p.Departement))
	}
	switch p.Level {
	case DifficultyNone, DifficultyVigilance, DifficultyCallBack:
	default:
		errs = append(errs, errors.New("level must be none, vigilance or call_back"))
	}
	switch p.Source {
	case "", DifficultySourceSelfReport, DifficultySourceAdvisorObservation, DifficultySourceScore:
	default:
		errs = append(errs, errors.New("source must be self_report, advisor_observation or score"))
	}
	switch {
	case p.ObservedIn == "":
	case p.Source != DifficultySourceAdvisorObservation:
		errs = append(errs, errors.New("observed_in is for an advisor_observation only"))
	case p.ObservedIn != ObservedInCreationCase && p.ObservedIn != ObservedInTakeoverOffer:
		errs = append(errs, errors.New("observed_in must be creation_case or takeover_offer"))
	}
	return errors.Join(errs...)
}

// DifficultySourceScore is the source of a case opened because a
// business's risk level rose to "risque modéré" or "risque fort"
// (difficulty-alert's scoring); the case names no intake request.
const DifficultySourceScore = "score"

// Reasons a prevention case closes (difficulty.case.closed.v1).
const (
	DifficultyCloseRecovered       = "recovered"         // the business recovered
	DifficultyCloseProcedureOpened = "procedure_opened"  // a collective procedure was opened
	DifficultyCloseBusinessClosed  = "business_closed"   // the business closed (liquidation, cessation)
	DifficultyCloseDeclinedByOwner = "declined_by_owner" // the owner declined the chambers' support
)

// DifficultyCloseReasons lists the close reason codes.
func DifficultyCloseReasons() []string {
	return []string{DifficultyCloseRecovered, DifficultyCloseProcedureOpened, DifficultyCloseBusinessClosed,
		DifficultyCloseDeclinedByOwner}
}

// Kinds of the actions taken on a prevention case
// (difficulty.case.action_recorded.v1).
const (
	DifficultyActionCall                     = "call"
	DifficultyActionMeeting                  = "meeting"
	DifficultyActionReferralCourtPrevention  = "referral_court_prevention"  // the commercial court's prevention unit: mandat ad hoc, conciliation
	DifficultyActionReferralPreventionCentre = "referral_prevention_centre" // a free and confidential prevention centre (CIP)
	DifficultyActionReferralCreditMediator   = "referral_credit_mediator"
	DifficultyActionReferralCCSF             = "referral_ccsf" // the CCSF, for tax and social debts
	DifficultyActionPsychologicalSupport     = "psychological_support"
)

// DifficultyActionKinds lists the action kind codes.
func DifficultyActionKinds() []string {
	return []string{DifficultyActionCall, DifficultyActionMeeting, DifficultyActionReferralCourtPrevention,
		DifficultyActionReferralPreventionCentre, DifficultyActionReferralCreditMediator, DifficultyActionReferralCCSF,
		DifficultyActionPsychologicalSupport}
}

// Outcomes of an action on a prevention case.
const (
	DifficultyOutcomeDone     = "done"      // done, nothing more to follow from it
	DifficultyOutcomeFollowUp = "follow_up" // done, a follow-up is needed
	DifficultyOutcomeDeclined = "declined"  // the owner declined it
	DifficultyOutcomeNoAnswer = "no_answer" // the owner could not be reached
)

// DifficultyActionOutcomes lists the outcome codes.
func DifficultyActionOutcomes() []string {
	return []string{DifficultyOutcomeDone, DifficultyOutcomeFollowUp, DifficultyOutcomeDeclined, DifficultyOutcomeNoAnswer}
}

// DifficultyClosedBySystem is who closed a case no advisor closed: the
// scoring, on a court event (a liquidation).
const DifficultyClosedBySystem = "system"

// DifficultyCaseTakenInCharge (difficulty.case.taken_in_charge.v1): a
// prevention advisor took the case in charge (contact made or planned): the
// reminders stop. A member of the prevention cell who was not assigned
// joins the assigned advisors. Like every difficulty event it carries no
// SIREN, no name and no free text. Subject: the case id.
type DifficultyCaseTakenInCharge struct {
	// CaseID is difficulty-alert's id of the case.
	CaseID string `json:"case_id"`
	// Chamber is the lead chamber (CCI or CMA).
	Chamber string `json:"chamber"`
	// SecondaryChamber is the other routed chamber, if any.
	SecondaryChamber string `json:"secondary_chamber,omitempty"`
	// AdvisorIDs are the case's assigned advisors from now on, the one who
	// took it in charge included.
	AdvisorIDs []string `json:"advisor_ids"`
	// AdvisorID is who took it in charge.
	AdvisorID string `json:"advisor_id"`
	// Departement is the business's département.
	Departement string `json:"departement"`
	// TakenAt is when they did.
	TakenAt time.Time `json:"taken_at"`
}

// EventName implements Payload.
func (DifficultyCaseTakenInCharge) EventName() Name {
	return Name{Producer: "difficulty", Aggregate: "case", Verb: "taken_in_charge", Version: 1}
}

// Validate checks the invariants consumers rely on.
func (p *DifficultyCaseTakenInCharge) Validate() error {
	return errors.Join(validDifficultyCase(p.CaseID, p.Chamber, p.Departement), required("advisor_id", p.AdvisorID),
		requiredIn("advisor_ids", p.AdvisorID, p.AdvisorIDs))
}

// DifficultyCaseActionRecorded (difficulty.case.action_recorded.v1): an
// advisor recorded an action taken on a prevention case (a call, a meeting,
// a referral) with its outcome. The codes only: the advisor's account of it
// stays in difficulty-alert. Subject: the case id.
type DifficultyCaseActionRecorded struct {
	// CaseID is difficulty-alert's id of the case.
	CaseID string `json:"case_id"`
	// ActionID is difficulty-alert's id of the action (UUIDv7).
	ActionID string `json:"action_id"`
	// Chamber is the lead chamber (CCI or CMA).
	Chamber string `json:"chamber"`
	// SecondaryChamber is the other routed chamber, if any.
	SecondaryChamber string `json:"secondary_chamber,omitempty"`
	// AdvisorIDs are the case's assigned advisors.
	AdvisorIDs []string `json:"advisor_ids"`
	// AdvisorID is who took the action.
	AdvisorID string `json:"advisor_id"`
	// Kind is one of DifficultyActionKinds.
	Kind string `json:"kind"`
	// Outcome is one of DifficultyActionOutcomes.
	Outcome string `json:"outcome"`
	// OccurredOn is the day of the action (YYYY-MM-DD).
	OccurredOn string `json:"occurred_on"`
	// Departement is the business's département.
	Departement string `json:"departement"`
	// RecordedAt is when it was recorded.
	RecordedAt time.Time `json:"recorded_at"`
}

// EventName implements Payload.
func (DifficultyCaseActionRecorded) EventName() Name {
	return Name{Producer: "difficulty", Aggregate: "case", Verb: "action_recorded", Version: 1}
}

// Validate checks the invariants consumers rely on.
func (p *DifficultyCaseActionRecorded) Validate() error {
	errs := []error{validDifficultyCase(p.CaseID, p.Chamber, p.Departement), required("advisor_id", p.AdvisorID)}
	if _, err := uuid.Parse(p.ActionID); err != nil {
		errs = append(errs, errors.New("action_id must be a UUID"))
	}
	if !slices.Contains(DifficultyActionKinds(), p.Kind) {
		errs = append(errs, errors.New("kind must be one of "+strings.Join(DifficultyActionKinds(), ", ")))
	}
	if !slices.Contains(DifficultyActionOutcomes(), p.Outcome) {
		errs = append(errs, errors.New("outcome must be one of "+strings.Join(DifficultyActionOutcomes(), ", ")))
	}
	if _, err := time.Parse(time.DateOnly, p.OccurredOn); err != nil {
		errs = append(errs, errors.New("occurred_on must be a date (YYYY-MM-DD)"))
	}
	return errors.Join(errs...)
}

// DifficultyCaseClosed (difficulty.case.closed.v1): the prevention case
// closed with its reason, by an advisor or, on a court event, by the
// system; its reminders stop and its advisors' load drops. Subject: the
// case id.
type DifficultyCaseClosed struct {
	// CaseID is difficulty-alert's id of the case.
	CaseID string `json:"case_id"`
	// Chamber is the lead chamber (CCI or CMA).
	Chamber string `json:"chamber"`
	// SecondaryChamber is the other routed chamber, if any.
	SecondaryChamber string `json:"secondary_chamber,omitempty"`
	// AdvisorIDs are the case's assigned advisors (empty when nobody took
	// it and none was available).
	AdvisorIDs []string `json:"advisor_ids,omitempty"`
	// ClosedBy is the advisor who closed it, or "system"
	// (DifficultyClosedBySystem).
	ClosedBy string `json:"closed_by"`
	// Reason is one of DifficultyCloseReasons.
	Reason string `json:"reason"`
	// From is the status the case was at: opened or taken_in_charge.
	From string `json:"from"`
	// Departement is the business's département.
	Departement string `json:"departement"`
	// ClosedAt is when the case closed.
	ClosedAt time.Time `json:"closed_at"`
}

// EventName implements Payload.
func (DifficultyCaseClosed) EventName() Name {
	return Name{Producer: "difficulty", Aggregate: "case", Verb: "closed", Version: 1}
}

// Validate checks the invariants consumers rely on.
func (p *DifficultyCaseClosed) Validate() error {
	errs := []error{validDifficultyCase(p.CaseID, p.Chamber, p.Departement), required("closed_by", p.ClosedBy)}
	if !slices.Contains(DifficultyCloseReasons(), p.Reason) {
		errs = append(errs, errors.New("reason must be one of "+strings.Join(DifficultyCloseReasons(), ", ")))
	}
	if p.From != "opened" && p.From != "taken_in_charge" {
		errs = append(errs, errors.New("from must be opened or taken_in_charge"))
	}
	return errors.Join(errs...)
}

// validDifficultyCase checks what every event of a prevention case after
// its opening carries: its id, its lead chamber, its département.
func validDifficultyCase(caseID, chamber, departement string) error {
	var errs []error
	if _, err := uuid.Parse(caseID); err != nil {
		errs = append(errs, errors.New("case_id must be a UUID"))
	}
	if chamber != ChamberCCI && chamber != ChamberCMA {
		errs = append(errs, errors.New("chamber must be CCI or CMA"))
	}
	return errors.Join(append(errs, required("departement", departement))...)
}

// requiredIn reports a value missing from the list that must hold it.
func requiredIn(field, v string, list []string) error {
	if v != "" && !slices.Contains(list, v) {
		return errors.New(field + " must include " + v)
	}
	return nil
}

// Reasons a prevention advisor hands a case back ("pas pour moi").
const (
	DifficultyHandBackNoCapacity = "no_capacity"          // they cannot take more
	DifficultyHandBackAbsence    = "absence"              // they will be away
	DifficultyHandBackConflict   = "conflict_of_interest" // they know the business or its owner
	DifficultyHandBackOther      = "other"
)

// DifficultyHandBackReasons lists the hand-back reason codes.
func DifficultyHandBackReasons() []string {
	return []string{DifficultyHandBackNoCapacity, DifficultyHandBackAbsence, DifficultyHandBackConflict, DifficultyHandBackOther}
}

// DifficultyCaseHandedBack (difficulty.case.handed_back.v1): an assigned
// prevention advisor handed a case not yet taken in charge back; it went to
// the least loaded other available prevention advisor of their chamber, or
// to nobody (the chamber's prevention cell picks it up). Subject: the case
// id.
type DifficultyCaseHandedBack struct {
	// CaseID is difficulty-alert's id of the case.
	CaseID string `json:"case_id"`
	// Chamber is the lead chamber (CCI or CMA).
	Chamber string `json:"chamber"`
	// SecondaryChamber is the other routed chamber, if any.
	SecondaryChamber string `json:"secondary_chamber,omitempty"`
	// AdvisorIDs are the case's assigned advisors from now on.
	AdvisorIDs []string `json:"advisor_ids,omitempty"`
	// PreviousAdvisorID handed it back.
	PreviousAdvisorID string `json:"previous_advisor_id"`
	// AdvisorID is who it went to; empty when nobody was available.
	AdvisorID string `json:"advisor_id,omitempty"`
	// HandBackChamber is the chamber of both (CCI or CMA).
	HandBackChamber string `json:"hand_back_chamber"`
	// Reason is one of DifficultyHandBackReasons.
	Reason string `json:"reason"`
	// Departement is the business's département.
	Departement string `json:"departement"`
	// HandedBackAt is when it was handed back.
	HandedBackAt time.Time `json:"handed_back_at"`
}

// EventName implements Payload.
func (DifficultyCaseHandedBack) EventName() Name {
	return Name{Producer: "difficulty", Aggregate: "case", Verb: "handed_back", Version: 1}
}

// Validate checks the invariants consumers rely on.
func (p *DifficultyCaseHandedBack) Validate() error {
	errs := []error{validDifficultyCase(p.CaseID, p.Chamber, p.Departement), required("previous_advisor_id", p.PreviousAdvisorID),
		requiredIn("advisor_ids", p.AdvisorID, p.AdvisorIDs)}
	if p.HandBackChamber != ChamberCCI && p.HandBackChamber != ChamberCMA {
		errs = append(errs, errors.New("hand_back_chamber must be CCI or CMA"))
	}
	if !slices.Contains(DifficultyHandBackReasons(), p.Reason) {
		errs = append(errs, errors.New("reason must be one of "+strings.Join(DifficultyHandBackReasons(), ", ")))
	}
	if slices.Contains(p.AdvisorIDs, p.PreviousAdvisorID) {
		errs = append(errs, errors.New("advisor_ids must no longer include previous_advisor_id"))
	}
	return errors.Join(errs...)
}

// Alert levels of a business's difficulty score, as the State's
// early-warning programme names them: "aucune alerte", "risque modéré",
// "risque fort".
const (
	BusinessLevelNone     = "none"
	BusinessLevelModerate = "moderate"
	BusinessLevelHigh     = "high"
)

// DifficultyBusinessLevelChanged (difficulty.business.level_changed.v1):
// difficulty-alert rescored a business (a new signal, or the daily decay)
// and its alert level changed, up or down. It names the business by its
// opaque number in difficulty-alert, never by its SIREN, SIRET or name:
// that a business is in difficulty is confidential, and the prevention
// cell reads the business, its score and the explanation through
// difficulty-alert's API, each read audited. Subject: the business
// number, no territory.
type DifficultyBusinessLevelChanged struct {
	// BusinessID is difficulty-alert's opaque number of the business (a
	// UUID).
	BusinessID string `json:"business_id"`
	// PreviousLevel is the level before: none, moderate or high (none for
	// a business scored for the first time).
	PreviousLevel string `json:"previous_level"`
	// Level is the new level: none, moderate or high, never PreviousLevel.
	Level string `json:"level"`
	// RulesVersion is the edition of the scoring rules that scored it.
	RulesVersion string `json:"rules_version"`
	// ChangedAt is when the business was rescored.
	ChangedAt time.Time `json:"changed_at"`
}

// EventName implements Payload.
func (DifficultyBusinessLevelChanged) EventName() Name {
	return Name{Producer: "difficulty", Aggregate: "business", Verb: "level_changed", Version: 1}
}

// Validate checks the invariants consumers rely on.
func (p *DifficultyBusinessLevelChanged) Validate() error {
	var errs []error
	if _, err := uuid.Parse(p.BusinessID); err != nil {
		errs = append(errs, errors.New("business_id must be a UUID"))
	}
	valid := func(l string) bool {
		return l == BusinessLevelNone || l == BusinessLevelModerate || l == BusinessLevelHigh
	}
	if !valid(p.PreviousLevel) || !valid(p.Level) {
		errs = append(errs, errors.New("previous_level and level must be none, moderate or high"))
	} else if p.PreviousLevel == p.Level {
		errs = append(errs, errors.New("level must differ from previous_level"))
	}
	errs = append(errs, required("rules_version", p.RulesVersion))
	if p.ChangedAt.IsZero() {
		errs = append(errs, errors.New("changed_at is required"))
	}
	return errors.Join(errs...)
}

// DifficultyCaseEscalated (difficulty.case.escalated.v1): the business of an
// open prevention case rose to a higher risk level (difficulty-alert's
// scoring), and the case's level was raised with it: its advisors (or,
// when none is assigned, the prevention cell of its chambers) should act
// sooner. The case number and the levels only. Subject: the case id.
type DifficultyCaseEscalated struct {
	// CaseID is difficulty-alert's id of the case.
	CaseID string `json:"case_id"`
	// Chamber is the lead chamber (CCI or CMA).
	Chamber string `json:"chamber"`
	// SecondaryChamber is the other routed chamber, if any.
	SecondaryChamber string `json:"secondary_chamber,omitempty"`
	// AdvisorIDs are the case's assigned advisors (empty when none is).
	AdvisorIDs []string `json:"advisor_ids,omitempty"`
	// PreviousLevel is the case's level before: none, vigilance or
	// call_back.
	PreviousLevel string `json:"previous_level"`
	// Level is the case's level now, above PreviousLevel: vigilance or
	// call_back.
	Level string `json:"level"`
	// Departement is the business's département.
	Departement string `json:"departement"`
	// EscalatedAt is when the level was raised.
	EscalatedAt time.Time `json:"escalated_at"`
}

// EventName implements Payload.
func (DifficultyCaseEscalated) EventName() Name {
	return Name{Producer: "difficulty", Aggregate: "case", Verb: "escalated", Version: 1}
}

// Validate checks the invariants consumers rely on.
func (p *DifficultyCaseEscalated) Validate() error {
	errs := []error{validDifficultyCase(p.CaseID, p.Chamber, p.Departement)}
	rank := map[string]int{DifficultyNone: 1, DifficultyVigilance: 2, DifficultyCallBack: 3}
	if rank[p.PreviousLevel] == 0 || rank[p.Level] == 0 {
		errs = append(errs, errors.New("previous_level and level must be none, vigilance or call_back"))
	} else if rank[p.Level] <= rank[p.PreviousLevel] {
		errs = append(errs, errors.New("level must be above previous_level"))
	}
	if p.EscalatedAt.IsZero() {
		errs = append(errs, errors.New("escalated_at is required"))
	}
	return errors.Join(errs...)
}
