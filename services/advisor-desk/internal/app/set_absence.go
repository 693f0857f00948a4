package app

import (
	"context"
	"fmt"
	"time"

	"github.com/ccicma/platform/pkg/events"

	"github.com/ccicma/platform/services/advisor-desk/internal/domain/directory"
)

// SetAbsence records when an advisor's absence ends, or (until nil) that
// they are back. An admin or the advisor themself does it (the HTTP port
// applies that rule).
type SetAbsence struct {
	Directory Directory
	Now       Clock
}

// Set stores the absence and returns the entry and whether it changed (an
// absence already recorded, or clearing none, changes nothing and emits
// nothing). Errors: a *directory.ValidationError for an end in the past or
// too far ahead, directory.ErrUnknown, directory.ErrStale (ifMatch).
func (uc SetAbsence) Set(ctx context.Context, advisorID string, until *time.Time, ifMatch *int64) (directory.Advisor, bool, error) {
	now := uc.Now()
	if until != nil {
		if err := directory.CheckAbsence(advisorID, *until, now); err != nil {
			return directory.Advisor{}, false, err
		}
	}
	var saved directory.Advisor
	var changed bool
	err := uc.Directory.SaveAdvisor(ctx, advisorID, func(cur directory.Advisor, found bool) (directory.Advisor, []events.Event, bool, error) {
		if !found {
			return cur, nil, false, directory.ErrUnknown
		}
		if err := directory.CheckRevision(cur, found, ifMatch); err != nil {
			return cur, nil, false, err
		}
		next := cur
		next.AbsentUntil = until
		var evs []events.Event
		var err error
		saved, evs, changed, err = revised(cur, found, next, now)
		return saved, evs, changed, err
	})
	if err != nil {
		return directory.Advisor{}, false, fmt.Errorf("absence of %s: %w", advisorID, err)
	}
	return saved, changed, nil
}
