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
	ReassignManager         = "manager"          // a manager moved the case
	ReassignOther           = "other"
)

// ReassignReasons lists the reassignment reason codes.
func ReassignReasons() []string {
	return []string{ReassignWrongChamber, ReassignWrongSpeciality, ReassignNoCapacity,
		ReassignAbsence, ReassignManager, ReassignOther}
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

// required reports an empty field.
func required(field, v string) error {
	if v == "" {
		return errors.New(field + " is required")
	}
	return nil
}
