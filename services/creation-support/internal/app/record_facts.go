package app

import (
	"context"

	"github.com/ccicma/platform/pkg/auth"
	"github.com/ccicma/platform/pkg/events"

	"github.com/ccicma/platform/services/creation-support/internal/domain/creation"
)

// RecordFacts stores what the advisor recorded along the journey (the
// meeting, the diagnosis, the training, the business plan's parts, the
// funding requests). Facts stay in this service: no event.
type RecordFacts struct {
	Cases CaseChanges
	Now   Clock
}

// Do replaces the case's facts as p (the registration is Register's).
func (uc RecordFacts) Do(ctx context.Context, p auth.Principal, caseID string, f creation.Facts) (creation.Case, error) {
	now := uc.Now()
	return followUp(ctx, uc.Cases, now, p, caseID, "record facts", func(c *creation.Case) ([]events.Payload, error) {
		return nil, c.RecordFacts(f, now)
	})
}
