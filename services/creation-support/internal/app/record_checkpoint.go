package app

import (
	"context"

	"github.com/ccicma/platform/pkg/auth"
	"github.com/ccicma/platform/pkg/events"

	"github.com/ccicma/platform/services/creation-support/internal/domain/creation"
)

// RecordCheckpoint records a post-creation follow-up (6 months, 1, 2, 3
// years); a business no longer active, or the last checkpoint, closes the
// case (creation.case.closed).
type RecordCheckpoint struct {
	Cases CaseChanges
	Now   Clock
}

// Do records the i-th checkpoint (from 0) as p. Whether the advisor saw
// difficulties is kept with it; raising a signal for the prevention cell
// from it belongs to the difficulty journey.
func (uc RecordCheckpoint) Do(ctx context.Context, p auth.Principal, caseID string, i int, r creation.CheckpointReport) (creation.Case, error) {
	now := uc.Now()
	return followUp(ctx, uc.Cases, now, p, caseID, "record checkpoint", func(c *creation.Case) ([]events.Payload, error) {
		res, err := c.RecordCheckpoint(i, r, p.Subject, now)
		if err != nil || res.Closed == nil {
			return nil, err
		}
		return []events.Payload{*res.Closed}, nil
	})
}
