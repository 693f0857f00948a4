package takeover

import (
	"time"

	"github.com/ccicma/platform/pkg/directory"
	"github.com/ccicma/platform/pkg/events"
)

// Advisor is the projection of a directory entry that assignment needs
// (pkg/directory, shared with the other assigning services).
type Advisor = directory.Advisor

// Place is where a new offer or search lies, for assignment: a
// département, and when known a commune and an EPCI (directory.Advisor
// Covers decides whose territory holds it).
type Place = directory.Place

// Assignable tells whether the advisor may be given a new offer or search
// lying at place at t: available, a takeover advisor, and with a territory
// that covers place.
func Assignable(a Advisor, place Place, t time.Time) bool {
	return a.AvailableAt(t) && a.HasSpeciality(events.SpecialityTakeover) && a.Covers(place)
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
