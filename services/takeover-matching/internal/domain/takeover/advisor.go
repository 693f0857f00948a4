package takeover

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
	Communes     []string
	EPCIs        []string
	Specialities []string
	Roles        []string
	Capacity     int
	Active       bool
	AbsentUntil  *time.Time
}

// AdvisorFrom reads a directory event.
func AdvisorFrom(p events.AdvisorUpdated) Advisor {
	a := Advisor{
		AdvisorID: p.AdvisorID, Revision: p.Revision, Chamber: p.Chamber,
		Departements: slices.Clone(p.Departements), Communes: slices.Clone(p.Communes), EPCIs: slices.Clone(p.EPCIs),
		Specialities: slices.Clone(p.Specialities), Roles: slices.Clone(p.Roles), Capacity: p.Capacity, Active: p.Active,
	}
	if p.AbsentUntil != nil {
		t := p.AbsentUntil.UTC()
		a.AbsentUntil = &t
	}
	return a
}

// Place is where a new offer or search lies, for assignment: a
// département, and when known a commune and an EPCI.
type Place struct {
	Departement string
	Commune     string
	EPCI        string
}

// AdvisorLoad is an assignable advisor with their current load.
type AdvisorLoad struct {
	AdvisorID string
	OpenCases int
	Capacity  int
}

// ChooseAdvisor picks the advisor with the fewest open offers and searches
// among those below capacity, ties broken by id so the choice is
// deterministic. When everyone is at capacity the least loaded still gets
// it: a request must have an owner, and the manager sees the overload. It
// reports false when there is no candidate at all.
func ChooseAdvisor(candidates []AdvisorLoad) (string, bool) {
	if len(candidates) == 0 {
		return "", false
	}
	best := candidates[0]
	for _, c := range candidates[1:] {
		if better(c, best) {
			best = c
		}
	}
	return best.AdvisorID, true
}

func better(a, b AdvisorLoad) bool {
	if fa, fb := a.OpenCases < a.Capacity, b.OpenCases < b.Capacity; fa != fb {
		return fa
	}
	if a.OpenCases != b.OpenCases {
		return a.OpenCases < b.OpenCases
	}
	return a.AdvisorID < b.AdvisorID
}
