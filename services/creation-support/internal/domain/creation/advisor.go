package creation

import (
	"slices"

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
}

// AdvisorFrom reads a directory event.
func AdvisorFrom(p events.AdvisorUpdated) Advisor {
	return Advisor{
		AdvisorID: p.AdvisorID, Revision: p.Revision, Chamber: p.Chamber,
		Departements: slices.Clone(p.Departements), Specialities: slices.Clone(p.Specialities),
		Capacity: p.Capacity, Active: p.Active,
	}
}
