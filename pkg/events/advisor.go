package events

import (
	"errors"
	"time"
)

// Advisor specialities.
const (
	SpecialityCreation   = "creation"
	SpecialityTakeover   = "takeover"
	SpecialityDifficulty = "difficulty"
)

// AdvisorUpdated (advisor.directory.updated.v1): the directory entry of an
// advisor was created or changed. It carries the whole assignment-relevant
// state (event-carried state transfer), so a projection only keeps the
// entry with the highest Revision. Names and e-mails stay in advisor-desk.
// Subject: the advisor id. Territory: the advisor's home département.
type AdvisorUpdated struct {
	// AdvisorID is the directory's opaque id of the advisor (no name in it).
	AdvisorID string `json:"advisor_id"`
	// Revision increases with every change of this advisor.
	Revision int64 `json:"revision"`
	// Chamber is CCI or CMA.
	Chamber string `json:"chamber"`
	// Departements the advisor covers.
	Departements []string `json:"departements"`
	// Specialities among creation, takeover, difficulty.
	Specialities []string `json:"specialities"`
	// Capacity is the number of open cases the advisor can carry.
	Capacity int `json:"capacity"`
	// Active is false for an advisor who must get no new case (left the
	// chamber, or disabled by an admin).
	Active bool `json:"active"`
	// AbsentUntil, when set and in the future, is the end of an absence:
	// until then the advisor gets no new case, and their open cases may be
	// reassigned.
	AbsentUntil *time.Time `json:"absent_until,omitempty"`
	// Communes narrow the territory within Departements to these INSEE
	// commune codes (with EPCIs); both empty means the whole départements.
	Communes []string `json:"communes,omitempty"`
	// EPCIs narrow the territory to these intercommunalités (SIRENs).
	EPCIs []string `json:"epcis,omitempty"`
	// Roles among advisor, manager, prevention_cell and admin: the joint
	// prevention cell's members receive difficulty cases.
	Roles []string `json:"roles,omitempty"`
	// UpdatedAt is when the entry changed.
	UpdatedAt time.Time `json:"updated_at"`
}

// AvailableAt tells whether the advisor may get a new case at t.
func (p *AdvisorUpdated) AvailableAt(t time.Time) bool {
	return p.Active && (p.AbsentUntil == nil || !p.AbsentUntil.After(t))
}

// EventName implements Payload.
func (AdvisorUpdated) EventName() Name {
	return Name{Producer: "advisor", Aggregate: "directory", Verb: "updated", Version: 1}
}

// Validate checks the invariants consumers rely on.
func (p *AdvisorUpdated) Validate() error {
	var errs []error
	if p.AdvisorID == "" {
		errs = append(errs, errors.New("advisor_id is required"))
	}
	if p.Chamber != ChamberCCI && p.Chamber != ChamberCMA {
		errs = append(errs, errors.New("chamber must be CCI or CMA"))
	}
	if p.Revision <= 0 {
		errs = append(errs, errors.New("revision must be positive"))
	}
	return errors.Join(errs...)
}
