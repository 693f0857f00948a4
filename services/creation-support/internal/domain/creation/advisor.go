package creation

import (
	"slices"
	"time"

	"github.com/ccicma/platform/pkg/events"
)

// Advisor is the projection of a directory entry that assignment needs.
type Advisor struct {
	AdvisorID    string
	Revision     int64
	Chamber      string
	Departements []string
	Specialities []string
	Capacity     int
	Active       bool
	// AbsentUntil is the end of a current or planned absence (zero: none).
	AbsentUntil time.Time
	// Communes and EPCIs narrow the territory (kept for later routing).
	Communes []string
	EPCIs    []string
	// Roles held in the directory (advisor, manager, ...).
	Roles []string
}

// AdvisorFrom reads a directory event.
func AdvisorFrom(p events.AdvisorUpdated) Advisor {
	a := Advisor{
		AdvisorID: p.AdvisorID, Revision: p.Revision, Chamber: p.Chamber,
		Departements: slices.Clone(p.Departements), Specialities: slices.Clone(p.Specialities),
		Capacity: p.Capacity, Active: p.Active,
		Communes: slices.Clone(p.Communes), EPCIs: slices.Clone(p.EPCIs), Roles: slices.Clone(p.Roles),
	}
	if p.AbsentUntil != nil {
		a.AbsentUntil = p.AbsentUntil.UTC()
	}
	return a
}

// AvailableAt tells whether the advisor may get a new case at t: active
// and not absent (the same rule as events.AdvisorUpdated.AvailableAt).
func (a Advisor) AvailableAt(t time.Time) bool {
	return a.Active && !a.AbsentUntil.After(t)
}
