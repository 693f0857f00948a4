package app

import (
	"context"
	"time"

	"github.com/ccicma/platform/pkg/auth"
	"github.com/ccicma/platform/pkg/events"

	"github.com/ccicma/platform/services/difficulty-alert/internal/domain/prevention"
)

// TakeInCharge lets an assigned prevention advisor, or a member of the
// prevention cell of the case's chambers (who then joins the assigned
// advisors), take the case in charge (difficulty.case.taken_in_charge);
// the desk's reminders stop.
type TakeInCharge struct {
	Cases CaseChanges
	Now   Clock
}

// Do takes case id in charge as p: ErrForbidden for a case p may not act
// on, prevention.ErrAlreadyTaken or ErrClosed for a case past opened.
func (uc TakeInCharge) Do(ctx context.Context, p auth.Principal, id string) (prevention.Case, error) {
	return actOn(ctx, uc.Cases, uc.Now, p, id, ActionTakeInCharge, func(c *prevention.Case, at time.Time) ([]events.Payload, error) {
		ev, err := c.TakeInCharge(p.Subject, at)
		if err != nil {
			return nil, err
		}
		return []events.Payload{ev}, nil
	})
}
