package app

import (
	"context"
	"fmt"

	"github.com/ccicma/platform/pkg/auth"
	"github.com/ccicma/platform/pkg/events"

	"github.com/ccicma/platform/services/creation-support/internal/domain/access"
	"github.com/ccicma/platform/services/creation-support/internal/domain/creation"
)

// TakeInCharge is the assigned advisor saying they take the case in charge
// (creation.case.taken_in_charge): reminders stop, the applicant sees it.
type TakeInCharge struct {
	Cases CaseChanges
	Now   Clock
}

// Do takes the case in charge as p.
func (uc TakeInCharge) Do(ctx context.Context, p auth.Principal, caseID string) (creation.Case, error) {
	c, err := uc.Cases.Update(ctx, caseID, func(c *creation.Case, _ Directory) ([]events.Event, error) {
		if err := access.ActAsAssignee(p, *c); err != nil {
			return nil, err
		}
		now := uc.Now()
		taken, err := c.TakeInCharge(now)
		if err != nil {
			return nil, err
		}
		return emit(c, taken, now)
	})
	if err != nil {
		return creation.Case{}, fmt.Errorf("take case %s in charge: %w", caseID, err)
	}
	return c, nil
}
