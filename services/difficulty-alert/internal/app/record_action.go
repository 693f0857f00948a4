package app

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/ccicma/platform/pkg/auth"
	"github.com/ccicma/platform/pkg/events"

	"github.com/ccicma/platform/services/difficulty-alert/internal/domain/prevention"
)

// RecordAction records an action taken on a case taken in charge (a call,
// a meeting, a referral) with its outcome
// (difficulty.case.action_recorded, codes only).
type RecordAction struct {
	Cases CaseChanges
	Now   Clock
}

// Do records in on case id as p: ErrForbidden for a case p may not act on,
// a *prevention.InvalidInput naming each bad field, ErrNotTakenInCharge or
// ErrClosed for a case not taken in charge.
func (uc RecordAction) Do(ctx context.Context, p auth.Principal, id string, in prevention.ActionInput) (prevention.Case, error) {
	return actOn(ctx, uc.Cases, uc.Now, p, id, ActionRecordAction, func(c *prevention.Case, at time.Time) ([]events.Payload, error) {
		actionID, err := uuid.NewV7()
		if err != nil {
			return nil, fmt.Errorf("action id: %w", err)
		}
		_, ev, err := c.RecordAction(actionID.String(), p.Subject, in, at)
		if err != nil {
			return nil, err
		}
		return []events.Payload{ev}, nil
	})
}
