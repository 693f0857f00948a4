package app

import (
	"context"
	"fmt"

	"github.com/ccicma/platform/pkg/auth"
	"github.com/ccicma/platform/pkg/events"

	"github.com/ccicma/platform/services/creation-support/internal/domain/access"
	"github.com/ccicma/platform/services/creation-support/internal/domain/creation"
)

// Reassign is a manager of the case's chamber giving it to another advisor
// of that chamber (creation.case.reassigned, reason manager): how an absent
// advisor's open cases are moved, or a hand-back nobody could take.
type Reassign struct {
	Cases CaseChanges
	Now   Clock
}

// Do gives the case to advisorID as p.
func (uc Reassign) Do(ctx context.Context, p auth.Principal, caseID, advisorID string) (creation.Case, error) {
	c, err := uc.Cases.Update(ctx, caseID, func(c *creation.Case, dir Directory) ([]events.Event, error) {
		// Access first: only a manager learns whether advisorID exists.
		if err := access.Reassign(p, *c); err != nil {
			return nil, err
		}
		to, found, err := dir.Advisor(ctx, advisorID)
		if err != nil {
			return nil, err
		}
		now := uc.Now()
		moved, err := c.Reassign(to, found, now)
		if err != nil {
			return nil, err
		}
		return emit(c, moved, now)
	})
	if err != nil {
		return creation.Case{}, fmt.Errorf("reassign case %s: %w", caseID, err)
	}
	return c, nil
}
