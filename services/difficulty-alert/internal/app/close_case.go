package app

import (
	"context"
	"time"

	"github.com/ccicma/platform/pkg/auth"
	"github.com/ccicma/platform/pkg/events"

	"github.com/ccicma/platform/services/difficulty-alert/internal/domain/prevention"
)

// CloseCase closes a case with its reason (difficulty.case.closed): the
// case changes no more, its advisors' load drops, the desk's reminders
// stop. A new report of the same request opens a new case.
type CloseCase struct {
	Cases CaseChanges
	Now   Clock
}

// Do closes case id as p with reason: ErrForbidden for a case p may not act
// on, a *prevention.InvalidInput for an unknown reason, ErrClosed for a
// case closed already.
func (uc CloseCase) Do(ctx context.Context, p auth.Principal, id string, reason string) (prevention.Case, error) {
	return actOn(ctx, uc.Cases, uc.Now, p, id, ActionClose, func(c *prevention.Case, at time.Time) ([]events.Payload, error) {
		ev, err := c.Close(prevention.CloseReason(reason), p.Subject, at)
		if err != nil {
			return nil, err
		}
		return []events.Payload{ev}, nil
	})
}
