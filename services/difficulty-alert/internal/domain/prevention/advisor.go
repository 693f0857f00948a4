package prevention

import (
	"slices"
	"time"

	"github.com/ccicma/platform/pkg/directory"
	"github.com/ccicma/platform/pkg/events"
)

// RolePreventionCell is the directory role of the joint prevention cell's
// members (auth.RolePreventionCell in tokens).
const RolePreventionCell = "prevention_cell"

// Advisor is the projection of a directory entry that assignment needs
// (pkg/directory, shared with the other assigning services).
type Advisor = directory.Advisor

// Prevention tells whether the advisor handles difficulty cases: a member
// of the prevention cell, or an advisor with the difficulty speciality.
func Prevention(a Advisor) bool {
	return a.HasRole(RolePreventionCell) || a.HasSpeciality(events.SpecialityDifficulty)
}

// Covers tells whether the advisor's territory holds the report's business.
// The département must be theirs. A report carries no commune (it is
// confidential), only the EPCI: an advisor narrowed to EPCIs alone covers
// the report when its EPCI is one of them, or when it is unknown (the
// directory's rule); an advisor who also lists communes may cover it
// through one of them, which cannot be checked, so the département decides.
func Covers(a Advisor, departement, epci string) bool {
	if !slices.Contains(a.Departements, departement) {
		return false
	}
	return len(a.Communes) > 0 || a.Covers(directory.Place{Departement: departement, EPCI: epci})
}

// Candidate is an advisor with their current load of open prevention cases.
type Candidate = directory.Load

// Eligible tells whether a candidate may be assigned the report for
// chamber at t.
func Eligible(c Candidate, r Report, chamber string, t time.Time) bool {
	a := c.Advisor
	return a.Chamber == chamber && a.AvailableAt(t) && Prevention(a) && Covers(a, r.Departement, r.Routing.EPCI)
}

// Assign picks the advisors of a new case: for each routed chamber, lead
// first, the least loaded eligible candidate of that chamber (see
// directory.ChooseAdvisor). A chamber without one gets none: its
// prevention cell sees the case and picks it up.
func Assign(r Report, candidates []Candidate, t time.Time) []string {
	var out []string
	for _, chamber := range r.Chambers() {
		var eligible []Candidate
		for _, c := range candidates {
			if Eligible(c, r, chamber, t) {
				eligible = append(eligible, c)
			}
		}
		if id, ok := directory.ChooseAdvisor(eligible); ok {
			out = append(out, id)
		}
	}
	return out
}
