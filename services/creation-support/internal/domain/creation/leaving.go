package creation

import (
	"time"

	"github.com/ccicma/platform/pkg/events"
)

// Leaving tells why an advisor's open cases must move to others: they
// left (no longer active: ReassignDeparture), or their absence lasts
// beyond now+after (ReassignAbsence). ok is false for an advisor who
// stays, or whose absence is shorter: their cases wait for them.
func Leaving(a Advisor, now time.Time, after time.Duration) (reason string, ok bool) {
	switch {
	case !a.Active:
		return events.ReassignDeparture, true
	case a.AbsentUntil != nil && a.AbsentUntil.After(now.Add(after)):
		return events.ReassignAbsence, true
	}
	return "", false
}

// HandOver moves the open case of an advisor who leaves (reason, from
// Leaving) by the rules of an opening: the least loaded available
// candidate of its chamber whose territory covers the project, or nobody,
// for the chamber's managers to reassign. The case keeps its stage and
// waits for its new advisor to take it up.
func (c *Case) HandOver(reason string, candidates []AdvisorLoad, now time.Time) (events.CreationCaseReassigned, error) {
	if c.Stage == StageClosed {
		return events.CreationCaseReassigned{}, ErrClosed
	}
	others := make([]AdvisorLoad, 0, len(candidates))
	for _, a := range Covering(candidates, c.Place()) {
		if a.AdvisorID != c.AdvisorID {
			others = append(others, a)
		}
	}
	advisor, _ := ChooseAdvisor(others, now)
	return c.moveTo(c.Chamber, advisor, reason, now), nil
}
