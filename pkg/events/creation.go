package events

import (
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
)

// CreationCaseOpened (creation.case.opened.v1): creation-support opened a
// case for a creation request and, when one was available, assigned an
// advisor. Subject: the case id.
type CreationCaseOpened struct {
	// CaseID is creation-support's id of the case (UUIDv7).
	CaseID string `json:"case_id"`
	// RequestID is the intake request the case comes from.
	RequestID string `json:"request_id"`
	// Chamber is the lead chamber that owns the case (CCI or CMA).
	Chamber string `json:"chamber"`
	// SecondaryChamber is the chamber the case is shared with, if any.
	SecondaryChamber string `json:"secondary_chamber,omitempty"`
	// AdvisorID is the assigned advisor; empty when none was available, in
	// which case the chamber's advisors must pick the case up.
	AdvisorID string `json:"advisor_id,omitempty"`
	// NAFCode is the activity's NAF sub-class ("10.71C"), if known.
	NAFCode string `json:"naf_code,omitempty"`
	// CommuneCode is the INSEE code of the project's commune.
	CommuneCode string `json:"commune_code"`
	// Departement is the département code of the commune.
	Departement string `json:"departement"`
	// OpenedAt is when the case was opened.
	OpenedAt time.Time `json:"opened_at"`
}

// EventName implements Payload.
func (CreationCaseOpened) EventName() Name {
	return Name{Producer: "creation", Aggregate: "case", Verb: "opened", Version: 1}
}

// Validate checks the invariants consumers rely on.
func (p *CreationCaseOpened) Validate() error {
	var errs []error
	if _, err := uuid.Parse(p.CaseID); err != nil {
		errs = append(errs, errors.New("case_id must be a UUID"))
	}
	if _, err := uuid.Parse(p.RequestID); err != nil {
		errs = append(errs, errors.New("request_id must be a UUID"))
	}
	if p.Chamber != ChamberCCI && p.Chamber != ChamberCMA {
		errs = append(errs, errors.New("chamber must be CCI or CMA"))
	}
	return errors.Join(errs...)
}

// CreationCaseTakenInCharge (creation.case.taken_in_charge.v1): the assigned
// advisor took the case in charge (first contact made or planned). Pending
// reminders stop; the applicant's status shows "pris en charge".
// Subject: the case id.
type CreationCaseTakenInCharge struct {
	// CaseID is creation-support's id of the case.
	CaseID string `json:"case_id"`
	// RequestID is the intake request the case comes from.
	RequestID string `json:"request_id"`
	// Chamber owns the case (CCI or CMA).
	Chamber string `json:"chamber"`
	// AdvisorID is the advisor who took it in charge.
	AdvisorID string `json:"advisor_id"`
	// TakenAt is when they did.
	TakenAt time.Time `json:"taken_at"`
}

// EventName implements Payload.
func (CreationCaseTakenInCharge) EventName() Name {
	return Name{Producer: "creation", Aggregate: "case", Verb: "taken_in_charge", Version: 1}
}

// Validate checks the invariants consumers rely on.
func (p *CreationCaseTakenInCharge) Validate() error {
	return errors.Join(validCase(p.CaseID, p.RequestID, p.Chamber),
		required("advisor_id", p.AdvisorID))
}

// Reasons an advisor gives when handing a case back ("pas pour moi"), and
// the other causes of a reassignment. The advisor's own words stay in the
// owning service; events carry the code only.
const (
	ReassignWrongChamber    = "wrong_chamber"    // the other chamber is competent
	ReassignWrongSpeciality = "wrong_speciality" // another advisor's speciality
	ReassignNoCapacity      = "no_capacity"      // the advisor cannot take more
	ReassignAbsence         = "absence"          // the advisor is absent
	ReassignDeparture       = "departure"        // the advisor left (no longer active)
	ReassignManager         = "manager"          // a manager moved the case
	ReassignOther           = "other"
)

// ReassignReasons lists the reassignment reason codes.
func ReassignReasons() []string {
	return []string{ReassignWrongChamber, ReassignWrongSpeciality, ReassignNoCapacity,
		ReassignAbsence, ReassignDeparture, ReassignManager, ReassignOther}
}

// CreationCaseReassigned (creation.case.reassigned.v1): the case changed
// hands, because its advisor handed it back or a manager moved it. It may
// move to the other chamber. Subject: the case id.
type CreationCaseReassigned struct {
	// CaseID is creation-support's id of the case.
	CaseID string `json:"case_id"`
	// RequestID is the intake request the case comes from.
	RequestID string `json:"request_id"`
	// Chamber owns the case from now on (CCI or CMA).
	Chamber string `json:"chamber"`
	// SecondaryChamber is the chamber the case is shared with, if any.
	SecondaryChamber string `json:"secondary_chamber,omitempty"`
	// AdvisorID is the new advisor; empty when none was available, in which
	// case the chamber's advisors must pick the case up.
	AdvisorID string `json:"advisor_id,omitempty"`
	// PreviousChamber owned the case before.
	PreviousChamber string `json:"previous_chamber"`
	// PreviousAdvisorID had the case before, if anybody did.
	PreviousAdvisorID string `json:"previous_advisor_id,omitempty"`
	// Reason is one of ReassignReasons.
	Reason string `json:"reason"`
	// ReassignedAt is when the case changed hands.
	ReassignedAt time.Time `json:"reassigned_at"`
}

// EventName implements Payload.
func (CreationCaseReassigned) EventName() Name {
	return Name{Producer: "creation", Aggregate: "case", Verb: "reassigned", Version: 1}
}

// Validate checks the invariants consumers rely on.
func (p *CreationCaseReassigned) Validate() error {
	errs := []error{validCase(p.CaseID, p.RequestID, p.Chamber)}
	if p.PreviousChamber != ChamberCCI && p.PreviousChamber != ChamberCMA {
		errs = append(errs, errors.New("previous_chamber must be CCI or CMA"))
	}
	if !slices.Contains(ReassignReasons(), p.Reason) {
		errs = append(errs, errors.New("reason must be one of "+strings.Join(ReassignReasons(), ", ")))
	}
	return errors.Join(errs...)
}

// validCase checks the ids and chamber every case event carries.
func validCase(caseID, requestID, chamber string) error {
	return validAggregate("case_id", caseID, requestID, chamber)
}

// validSecondary checks an optional secondary chamber: the other chamber
// than the lead one.
func validSecondary(lead, secondary string) error {
	if secondary != "" && (secondary == lead || (secondary != ChamberCCI && secondary != ChamberCMA)) {
		return errors.New("secondary_chamber must be the other chamber (CCI or CMA)")
	}
	return nil
}

// required reports an empty field.
func required(field, v string) error {
	if v == "" {
		return errors.New(field + " is required")
	}
	return nil
}

// CreationCaseStageChanged (creation.case.stage_changed.v1): an advisor
// moved a case along the creation journey: to the next stage, beyond it
// (with a skip reason) or back (with a back reason). It names who, from,
// to and why by codes; the advisor's comment and the journey's facts stay
// in creation-support. Stages: welcome, diagnosis, training,
// business_plan, funding, formalities, follow_up. Subject: the case id.
type CreationCaseStageChanged struct {
	// CaseID is creation-support's id of the case.
	CaseID string `json:"case_id"`
	// RequestID is the intake request the case comes from.
	RequestID string `json:"request_id"`
	// Chamber owns the case (CCI or CMA).
	Chamber string `json:"chamber"`
	// SecondaryChamber is the chamber the case is shared with, if any.
	SecondaryChamber string `json:"secondary_chamber,omitempty"`
	// AdvisorID is who moved the case.
	AdvisorID string `json:"advisor_id"`
	// From is the stage the case left.
	From string `json:"from"`
	// To is the stage the case reached.
	To string `json:"to"`
	// Reason is the code of a skip or a step back; empty for a move to
	// the next stage.
	Reason string `json:"reason,omitempty"`
	// ChangedAt is when the case moved.
	ChangedAt time.Time `json:"changed_at"`
}

// EventName implements Payload.
func (CreationCaseStageChanged) EventName() Name {
	return Name{Producer: "creation", Aggregate: "case", Verb: "stage_changed", Version: 1}
}

// Validate checks the invariants consumers rely on.
func (p *CreationCaseStageChanged) Validate() error {
	return errors.Join(validCase(p.CaseID, p.RequestID, p.Chamber), required("advisor_id", p.AdvisorID),
		required("from", p.From), required("to", p.To))
}

// Outcomes of a creation case.
const (
	OutcomeRegistered           = "registered"             // the business exists; followed up for 3 years
	OutcomeAbandoned            = "abandoned"              // the project stopped (AbandonReasons)
	OutcomeRedirectedToTakeover = "redirected_to_takeover" // the holder would rather buy a business
	OutcomeCeased               = "ceased"                 // the business stopped during its follow-up
	OutcomeFollowedUp           = "followed_up"            // the 3-year follow-up is complete
)

// Reasons a creation project is abandoned.
const (
	AbandonHolderChoice = "holder_choice" // the project holder gave it up
	AbandonNotViable    = "not_viable"    // the project is not viable
	AbandonNoFunding    = "no_funding"    // the funding was not obtained
	AbandonEmployment   = "employment"    // the holder took a salaried job
	AbandonUnreachable  = "unreachable"   // the holder no longer answers
	AbandonOther        = "other"
)

// AbandonReasons lists the abandon reason codes.
func AbandonReasons() []string {
	return []string{AbandonHolderChoice, AbandonNotViable, AbandonNoFunding, AbandonEmployment,
		AbandonUnreachable, AbandonOther}
}

// CreationCaseRegistered (creation.case.registered.v1): the project became
// a business, registered on the national one-stop service; the case moves
// to its post-creation follow-up. The SIREN stays in creation-support.
// Subject: the case id.
type CreationCaseRegistered struct {
	// CaseID is creation-support's id of the case.
	CaseID string `json:"case_id"`
	// RequestID is the intake request the case comes from.
	RequestID string `json:"request_id"`
	// Chamber owns the case (CCI or CMA).
	Chamber string `json:"chamber"`
	// SecondaryChamber is the chamber the case is shared with, if any.
	SecondaryChamber string `json:"secondary_chamber,omitempty"`
	// AdvisorID is who recorded the registration.
	AdvisorID string `json:"advisor_id"`
	// LegalForm is the business's legal form (EI, SARL, SAS, ...).
	LegalForm string `json:"legal_form"`
	// RegisteredOn is the registration date (YYYY-MM-DD).
	RegisteredOn string `json:"registered_on"`
	// RecordedAt is when the advisor recorded it.
	RecordedAt time.Time `json:"recorded_at"`
}

// EventName implements Payload.
func (CreationCaseRegistered) EventName() Name {
	return Name{Producer: "creation", Aggregate: "case", Verb: "registered", Version: 1}
}

// Validate checks the invariants consumers rely on.
func (p *CreationCaseRegistered) Validate() error {
	errs := []error{validCase(p.CaseID, p.RequestID, p.Chamber), required("advisor_id", p.AdvisorID),
		required("legal_form", p.LegalForm)}
	if _, err := time.Parse(time.DateOnly, p.RegisteredOn); err != nil {
		errs = append(errs, errors.New("registered_on must be a date (YYYY-MM-DD)"))
	}
	return errors.Join(errs...)
}

// CreationCaseClosed (creation.case.closed.v1): the case ended: abandoned
// (with its reason), or after its follow-up (ceased, followed_up). A
// redirection to takeover closes a case with its own event,
// CreationCaseRedirectedToTakeover. Subject: the case id.
type CreationCaseClosed struct {
	// CaseID is creation-support's id of the case.
	CaseID string `json:"case_id"`
	// RequestID is the intake request the case comes from.
	RequestID string `json:"request_id"`
	// Chamber owns the case (CCI or CMA).
	Chamber string `json:"chamber"`
	// SecondaryChamber is the chamber the case is shared with, if any.
	SecondaryChamber string `json:"secondary_chamber,omitempty"`
	// AdvisorID is who closed it.
	AdvisorID string `json:"advisor_id"`
	// From is the stage the case was at.
	From string `json:"from"`
	// Outcome is abandoned, ceased or followed_up.
	Outcome string `json:"outcome"`
	// Reason is one of AbandonReasons for an abandoned case.
	Reason string `json:"reason,omitempty"`
	// ClosedAt is when the case closed.
	ClosedAt time.Time `json:"closed_at"`
}

// EventName implements Payload.
func (CreationCaseClosed) EventName() Name {
	return Name{Producer: "creation", Aggregate: "case", Verb: "closed", Version: 1}
}

// Validate checks the invariants consumers rely on.
func (p *CreationCaseClosed) Validate() error {
	errs := []error{validCase(p.CaseID, p.RequestID, p.Chamber), required("advisor_id", p.AdvisorID),
		required("from", p.From)}
	switch p.Outcome {
	case OutcomeAbandoned:
		if !slices.Contains(AbandonReasons(), p.Reason) {
			errs = append(errs, errors.New("reason must be one of "+strings.Join(AbandonReasons(), ", ")))
		}
	case OutcomeCeased, OutcomeFollowedUp:
	default:
		errs = append(errs, errors.New("outcome must be abandoned, ceased or followed_up"))
	}
	return errors.Join(errs...)
}

// CreationCaseRedirectedToTakeover is creation.case.redirected_to_takeover.v1:
// the project holder would rather take over an existing business. The
// creation case is closed; takeover-matching opens a draft buyer search
// from the event, linked to the same request, for the chamber's advisor
// to complete. Subject: the case id.
type CreationCaseRedirectedToTakeover struct {
	// CaseID is creation-support's id of the case.
	CaseID string `json:"case_id"`
	// RequestID is the intake request the case comes from.
	RequestID string `json:"request_id"`
	// Chamber owns the case (CCI or CMA).
	Chamber string `json:"chamber"`
	// SecondaryChamber is the chamber the case is shared with, if any.
	SecondaryChamber string `json:"secondary_chamber,omitempty"`
	// AdvisorID is who redirected it.
	AdvisorID string `json:"advisor_id"`
	// NAFCode is the activity of the project ("10.71C"), if known: the
	// first sector of the buyer search.
	NAFCode string `json:"naf_code,omitempty"`
	// CommuneCode is the INSEE code of the project's commune: the centre
	// of the search's area.
	CommuneCode string `json:"commune_code"`
	// Departement is the département code of the commune.
	Departement string `json:"departement"`
	// RedirectedAt is when the case closed.
	RedirectedAt time.Time `json:"redirected_at"`
}

// EventName implements Payload.
func (CreationCaseRedirectedToTakeover) EventName() Name {
	return Name{Producer: "creation", Aggregate: "case", Verb: "redirected_to_takeover", Version: 1}
}

// Validate checks the invariants consumers rely on.
func (p *CreationCaseRedirectedToTakeover) Validate() error {
	return errors.Join(validCase(p.CaseID, p.RequestID, p.Chamber), required("advisor_id", p.AdvisorID),
		required("commune_code", p.CommuneCode), required("departement", p.Departement))
}

// CreationCaseNextActionOverdue (creation.case.next_action_overdue.v1):
// the next action the case's advisor planned is past its due date and
// was not replanned; advisor-desk reminds the advisor. Sent once per
// planned action. The action's label is the advisor's free text and stays
// in creation-support. Subject: the case id.
type CreationCaseNextActionOverdue struct {
	// CaseID is creation-support's id of the case.
	CaseID string `json:"case_id"`
	// RequestID is the intake request the case comes from.
	RequestID string `json:"request_id"`
	// Chamber owns the case (CCI or CMA).
	Chamber string `json:"chamber"`
	// AdvisorID is the case's advisor, reminded; empty when the case has
	// none (the chamber's creation advisors are told).
	AdvisorID string `json:"advisor_id,omitempty"`
	// Stage is the stage of the journey the case is at.
	Stage string `json:"stage"`
	// Due is when the action was due.
	Due time.Time `json:"due"`
	// DetectedAt is when the delay was noticed.
	DetectedAt time.Time `json:"detected_at"`
}

// EventName implements Payload.
func (CreationCaseNextActionOverdue) EventName() Name {
	return Name{Producer: "creation", Aggregate: "case", Verb: "next_action_overdue", Version: 1}
}

// Validate checks the invariants consumers rely on.
func (p *CreationCaseNextActionOverdue) Validate() error {
	errs := []error{validCase(p.CaseID, p.RequestID, p.Chamber), required("stage", p.Stage)}
	if p.Due.IsZero() {
		errs = append(errs, errors.New("due is required"))
	}
	return errors.Join(errs...)
}

// CreationCaseDifficultySeen (creation.case.difficulty_seen.v1): at a
// post-creation checkpoint, the case's advisor saw that the business, still
// active, is in difficulty. Emitted with the checkpoint, in the same
// transaction; difficulty-alert opens a prevention case of source
// advisor_observation for the case's chambers (one per request, however
// many checkpoints see difficulties), which its prevention cell calls back.
// Subject: the case id.
//
// It carries codes only: no SIREN, no name, no free text, no personal
// data. The prevention advisors of the case's chambers read the business
// (its SIREN, its people, the advisors' notes) on the creation case
// itself, whose id the event carries, under creation-support's access
// rules; a stream that keeps events for replay must hold nothing a
// right-to-erasure request would have to rewrite.
type CreationCaseDifficultySeen struct {
	// CaseID is creation-support's id of the case.
	CaseID string `json:"case_id"`
	// RequestID is the intake request the case comes from; the prevention
	// case is unique by it.
	RequestID string `json:"request_id"`
	// Chamber owns the case (CCI or CMA): the lead chamber of the
	// prevention case.
	Chamber string `json:"chamber"`
	// SecondaryChamber is the chamber the case is shared with, if any: its
	// prevention cell is told too.
	SecondaryChamber string `json:"secondary_chamber,omitempty"`
	// AdvisorID is the creation advisor who recorded the checkpoint.
	AdvisorID string `json:"advisor_id"`
	// NAFCode is the business's activity ("10.71C"), if the case has one.
	NAFCode string `json:"naf_code,omitempty"`
	// NAFVersion names the nomenclature of NAFCode ("NAFRev2"), when the
	// case knows it (cases opened before it was kept do not).
	NAFVersion string `json:"naf_version,omitempty"`
	// Departement is the département code of the business's commune.
	Departement string `json:"departement"`
	// EPCI is the SIREN of the commune's intercommunalité, when known: with
	// the département it places the business in a prevention advisor's
	// territory.
	EPCI string `json:"epci,omitempty"`
	// CheckpointIndex is the checkpoint, from 0: 0 at 6 months, 1 at one
	// year, 2 at two years, 3 at three years after registration.
	CheckpointIndex int `json:"checkpoint_index"`
	// CheckpointLabel names the checkpoint in French ("6 mois", "1 an",
	// "2 ans", "3 ans").
	CheckpointLabel string `json:"checkpoint_label"`
	// SeenAt is when the advisor recorded the checkpoint.
	SeenAt time.Time `json:"seen_at"`
}

// EventName implements Payload.
func (CreationCaseDifficultySeen) EventName() Name {
	return Name{Producer: "creation", Aggregate: "case", Verb: "difficulty_seen", Version: 1}
}

// Validate checks the invariants consumers rely on.
func (p *CreationCaseDifficultySeen) Validate() error {
	errs := []error{validCase(p.CaseID, p.RequestID, p.Chamber), required("advisor_id", p.AdvisorID),
		required("departement", p.Departement), required("checkpoint_label", p.CheckpointLabel)}
	errs = append(errs, validSecondary(p.Chamber, p.SecondaryChamber))
	if p.CheckpointIndex < 0 {
		errs = append(errs, errors.New("checkpoint_index must be 0 or more"))
	}
	if p.NAFVersion != "" && p.NAFCode == "" {
		errs = append(errs, errors.New("naf_version without naf_code"))
	}
	if p.SeenAt.IsZero() {
		errs = append(errs, errors.New("seen_at is required"))
	}
	return errors.Join(errs...)
}

// CreationCaseConcernRaised (creation.case.concern_raised.v1): the
// advisor of a case in post-creation follow-up saw the business in
// difficulty between two checkpoints and raised a concern (at most one a
// case a day), emitted in the same transaction. As for a checkpoint's
// difficulties (creation.case.difficulty_seen), difficulty-alert opens a
// prevention case of source advisor_observation for the case's chambers
// (one open case a request), and, when the case has a registered SIREN,
// creation-support names the business to difficulty-alert alone on the
// confidential stream (prevention.creation_concern.identified, of the
// same concern id). Subject: the case id.
//
// Codes only: no SIREN, no name, no free text.
type CreationCaseConcernRaised struct {
	// CaseID is creation-support's id of the case.
	CaseID string `json:"case_id"`
	// ConcernID is the concern's id (UUIDv7): each concern is a signal of
	// its own.
	ConcernID string `json:"concern_id"`
	// RequestID is the intake request the case comes from.
	RequestID string `json:"request_id"`
	// Chamber owns the case (CCI or CMA): the lead chamber of the
	// prevention case.
	Chamber string `json:"chamber"`
	// SecondaryChamber is the chamber the case is shared with, if any.
	SecondaryChamber string `json:"secondary_chamber,omitempty"`
	// AdvisorID is the advisor who raised the concern.
	AdvisorID string `json:"advisor_id"`
	// NAFCode is the business's activity, if the case has one.
	NAFCode string `json:"naf_code,omitempty"`
	// NAFVersion names the nomenclature of NAFCode, when known.
	NAFVersion string `json:"naf_version,omitempty"`
	// Departement is the département code of the business's commune.
	Departement string `json:"departement"`
	// EPCI is the SIREN of the commune's intercommunalité, when known.
	EPCI string `json:"epci,omitempty"`
	// Concerns are what the advisor saw, one or more of ConcernKinds.
	Concerns []string `json:"concerns"`
	// RaisedAt is when the advisor raised the concern.
	RaisedAt time.Time `json:"raised_at"`
}

// EventName implements Payload.
func (CreationCaseConcernRaised) EventName() Name {
	return Name{Producer: "creation", Aggregate: "case", Verb: "concern_raised", Version: 1}
}

// Validate checks the invariants consumers rely on.
func (p *CreationCaseConcernRaised) Validate() error {
	errs := []error{validCase(p.CaseID, p.RequestID, p.Chamber), required("advisor_id", p.AdvisorID),
		required("departement", p.Departement), validSecondary(p.Chamber, p.SecondaryChamber), validConcerns(p.Concerns)}
	if _, err := uuid.Parse(p.ConcernID); err != nil {
		errs = append(errs, errors.New("concern_id must be a UUID"))
	}
	if p.NAFVersion != "" && p.NAFCode == "" {
		errs = append(errs, errors.New("naf_version without naf_code"))
	}
	if p.RaisedAt.IsZero() {
		errs = append(errs, errors.New("raised_at is required"))
	}
	return errors.Join(errs...)
}

// CreationSessionRegistered (creation.session.registered.v1): a project
// holder's case was registered to a chamber's collective information
// meeting or training; intake, which alone holds the holder's contact
// details, confirms it to them. Title and place are the chamber's words,
// not personal data. Subject: the session id.
type CreationSessionRegistered struct {
	// SessionID is creation-support's id of the session.
	SessionID string `json:"session_id"`
	// CaseID is the case registered.
	CaseID string `json:"case_id"`
	// RequestID is the intake request of the case.
	RequestID string `json:"request_id"`
	// Chamber holds the session (CCI or CMA).
	Chamber string `json:"chamber"`
	// Kind is information_meeting or training.
	Kind string `json:"kind"`
	// Title is the session's title ("Réunion d'information création").
	Title string `json:"title"`
	// StartsAt is when the session starts.
	StartsAt time.Time `json:"starts_at"`
	// Place is where it is held.
	Place string `json:"place"`
	// RegisteredAt is when the case was registered.
	RegisteredAt time.Time `json:"registered_at"`
}

// EventName implements Payload.
func (CreationSessionRegistered) EventName() Name {
	return Name{Producer: "creation", Aggregate: "session", Verb: "registered", Version: 1}
}

// Validate checks the invariants consumers rely on.
func (p *CreationSessionRegistered) Validate() error {
	errs := []error{validAggregate("session_id", p.SessionID, p.RequestID, p.Chamber), required("case_id", p.CaseID),
		required("title", p.Title), required("place", p.Place)}
	if p.Kind != "information_meeting" && p.Kind != "training" {
		errs = append(errs, errors.New("kind must be information_meeting or training"))
	}
	if p.StartsAt.IsZero() {
		errs = append(errs, errors.New("starts_at is required"))
	}
	return errors.Join(errs...)
}
