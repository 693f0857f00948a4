package events

import (
	"errors"
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
