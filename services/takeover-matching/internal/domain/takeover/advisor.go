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

// ChooseAdvisor picks the least loaded candidate (directory.ChooseAdvisor:
// below capacity first, ties by id; when everyone is at capacity the least
// loaded still gets it, as a request must have an owner). It reports false
// when there is no candidate at all.
func ChooseAdvisor(candidates []AdvisorLoad) (string, bool) {
	loads := make([]directory.Load, len(candidates))
	for i, c := range candidates {
		loads[i] = directory.Load{Advisor: directory.Advisor{AdvisorID: c.AdvisorID, Capacity: c.Capacity}, OpenCases: c.OpenCases}
	}
	return directory.ChooseAdvisor(loads)
}
