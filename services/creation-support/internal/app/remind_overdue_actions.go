package app

import (
	"context"
	"fmt"
	"time"

	"github.com/ccicma/platform/pkg/events"

	"github.com/ccicma/platform/services/creation-support/internal/domain/creation"
)

// OverdueActions finds the cases whose next action is overdue.
type OverdueActions interface {
	// RemindOverdue locks up to limit open cases whose next action was due
	// on or before dueBy and has not been reminded (cases another replica
	// holds are skipped), runs remind on each, and stores the events it
	// returns with the mark of the actions reminded (those it returned
	// events for), in one transaction, at now. It returns how many were
	// marked.
	RemindOverdue(ctx context.Context, dueBy, now time.Time, limit int, remind func(c *creation.Case) ([]events.Event, error)) (int, error)
}

// RemindOverdueActions reminds the advisors of cases whose next action is
// overdue, once per planned action (creation.case.next_action_overdue;
// advisor-desk notifies). Run by a periodic task on every replica.
type RemindOverdueActions struct {
	Cases OverdueActions
	Now   Clock
	// Batch bounds the cases of one transaction (default 100).
	Batch int
}

// Run reminds every overdue action, a batch at a time, and returns how
// many were reminded.
func (uc RemindOverdueActions) Run(ctx context.Context) (int, error) {
	batch := uc.Batch
	if batch <= 0 {
		batch = 100
	}
	now := uc.Now()
	total := 0
	for {
		n, err := uc.Cases.RemindOverdue(ctx, creation.OverdueIfDueBy(now), now, batch, func(c *creation.Case) ([]events.Event, error) {
			r, ok := c.OverdueReminder(now)
			if !ok {
				return nil, nil
			}
			return emit(c, r, now)
		})
		if err != nil {
			return total, fmt.Errorf("remind overdue next actions: %w", err)
		}
		total += n
		if n < batch { // the rest, if any, are held by another replica
			return total, nil
		}
	}
}
