// Package directory is the advisor directory as the services that assign
// work see it: the projection of advisor-desk's advisor.directory.updated
// events (Advisor, FromEvent) and the rules every assigning service reads
// the same way (availability, specialities, roles, territory).
//
// It does no I/O: domain packages use its types. The table, its
// migrations and its SQL are in the projection subpackage.
package directory

import (
	"cmp"
	"slices"
	"time"

	"github.com/ccicma/platform/pkg/events"
)

// Advisor is the projection of a directory entry: what assignment needs,
// never a name or an e-mail (those stay in advisor-desk).
type Advisor struct {
	AdvisorID string
	// Revision increases with every change: the projection keeps the
	// highest one it has seen.
	Revision     int64
	Chamber      string
	Departements []string
	// Communes and EPCIs narrow the territory within Departements (both
	// empty: the whole départements).
	Communes     []string
	EPCIs        []string
	Specialities []string
	Roles        []string
	Capacity     int
	Active       bool
	// AbsentUntil is the end of a current or planned absence (nil: none).
	AbsentUntil *time.Time
}

// FromEvent reads a directory event. The lists are copied, so the
// projection shares nothing with the payload, and the absence is in UTC.
func FromEvent(p events.AdvisorUpdated) Advisor {
	a := Advisor{
		AdvisorID: p.AdvisorID, Revision: p.Revision, Chamber: p.Chamber,
		Departements: slices.Clone(p.Departements), Communes: slices.Clone(p.Communes), EPCIs: slices.Clone(p.EPCIs),
		Specialities: slices.Clone(p.Specialities), Roles: slices.Clone(p.Roles),
		Capacity: p.Capacity, Active: p.Active,
	}
	if p.AbsentUntil != nil {
		t := p.AbsentUntil.UTC()
		a.AbsentUntil = &t
	}
	return a
}

// AvailableAt tells whether the advisor may get a new case at t: active and
// not absent (the same rule as events.AdvisorUpdated.AvailableAt). An
// absence ending at t is over.
func (a Advisor) AvailableAt(t time.Time) bool {
	return a.Active && (a.AbsentUntil == nil || !a.AbsentUntil.After(t))
}

// HasSpeciality tells whether the advisor holds speciality s (one of
// events.Speciality*).
func (a Advisor) HasSpeciality(s string) bool { return slices.Contains(a.Specialities, s) }

// HasRole tells whether the advisor holds directory role r.
func (a Advisor) HasRole(r string) bool { return slices.Contains(a.Roles, r) }

// Narrowed tells whether the advisor's territory is narrowed to communes
// or EPCIs within their départements.
func (a Advisor) Narrowed() bool { return len(a.Communes) > 0 || len(a.EPCIs) > 0 }

// Place is where a business lies, as far as it is known: a département
// (empty: any, for a search without one), and a commune and an EPCI when
// known (a confidential offer has no commune).
type Place struct {
	Departement string
	Commune     string
	EPCI        string
}

// Covers tells whether the advisor's territory holds place. The
// département must be theirs (unless the place names none). An advisor
// narrowed to communes or EPCIs covers the place when its commune or its
// EPCI is listed, or when neither is known: the département is then all
// there is to go by.
func (a Advisor) Covers(p Place) bool {
	if p.Departement != "" && !slices.Contains(a.Departements, p.Departement) {
		return false
	}
	switch {
	case !a.Narrowed(), p.Commune == "" && p.EPCI == "":
		return true
	case p.Commune != "" && slices.Contains(a.Communes, p.Commune):
		return true
	}
	return p.EPCI != "" && slices.Contains(a.EPCIs, p.EPCI)
}

// Load is an advisor with their current load: the open cases (or offers
// and searches) the service counts against Capacity.
type Load struct {
	Advisor   Advisor
	OpenCases int
}

// ChooseAdvisor picks the candidate with the fewest open cases among those
// below capacity (a zero capacity counts as full), ties broken by id so the
// choice is deterministic. When everyone is at capacity the least loaded
// still gets the work: it must have an owner, and the manager sees the
// overload. It reports false when there is no candidate at all. Callers
// filter the candidates first (availability, speciality, territory): every
// assigning service reads the load the same way, not who may take the work.
func ChooseAdvisor(candidates []Load) (string, bool) {
	if len(candidates) == 0 {
		return "", false
	}
	return slices.MinFunc(candidates, compareLoads).Advisor.AdvisorID, true
}

// compareLoads orders candidates for ChooseAdvisor: below capacity first,
// then fewest open cases, then id.
func compareLoads(a, b Load) int {
	if fa, fb := a.OpenCases < a.Advisor.Capacity, b.OpenCases < b.Advisor.Capacity; fa != fb {
		if fa {
			return -1
		}
		return 1
	}
	if c := cmp.Compare(a.OpenCases, b.OpenCases); c != 0 {
		return c
	}
	return cmp.Compare(a.Advisor.AdvisorID, b.Advisor.AdvisorID)
}
