package app

import (
	"context"
	"fmt"
	"time"

	"github.com/ccicma/platform/pkg/events"

	"github.com/ccicma/platform/services/advisor-desk/internal/domain/directory"
)

// DirectoryBatch stores several advisors in one transaction: change runs
// for each id with the current entry locked (found=false for a new one) and
// returns the entry to store and its events, or ok=false to leave it; an
// error rolls every entry back.
type DirectoryBatch interface {
	SaveAdvisors(ctx context.Context, ids []string,
		change func(id string, cur directory.Advisor, found bool) (next directory.Advisor, evs []events.Event, ok bool, err error)) error
}

// revised applies next over the current entry: nothing to write when the
// data is the same, else the next revision and its
// advisor.directory.updated event.
func revised(cur directory.Advisor, found bool, next directory.Advisor, now time.Time) (directory.Advisor, []events.Event, bool, error) {
	a, changed := directory.Revise(cur, found, next)
	if !changed {
		return cur, nil, false, nil
	}
	ev, err := events.New(Name, a.AdvisorID, a.HomeDepartement(), a.Changed(now), now)
	if err != nil {
		return cur, nil, false, fmt.Errorf("advisor %s event: %w", a.AdvisorID, err)
	}
	return a, []events.Event{ev}, true, nil
}
