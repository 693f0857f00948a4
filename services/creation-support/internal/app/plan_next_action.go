package app

import (
	"context"
	"time"

	"github.com/ccicma/platform/pkg/auth"
	"github.com/ccicma/platform/pkg/events"

	"github.com/ccicma/platform/services/creation-support/internal/domain/creation"
)

// PlanNextAction sets a case's next action and its due date, which both
// chambers see on the case's header.
type PlanNextAction struct {
	Cases CaseChanges
	Now   Clock
}

// Do sets the next action as p.
func (uc PlanNextAction) Do(ctx context.Context, p auth.Principal, caseID, label string, due time.Time) (creation.Case, error) {
	now := uc.Now()
	return followUp(ctx, uc.Cases, now, p, caseID, "plan next action", func(c *creation.Case) ([]events.Payload, error) {
		return nil, c.PlanNext(label, due, p.Subject, now)
	})
}
