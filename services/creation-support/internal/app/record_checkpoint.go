package app

import (
	"context"

	"github.com/ccicma/platform/pkg/auth"
	"github.com/ccicma/platform/pkg/events"

	"github.com/ccicma/platform/services/creation-support/internal/domain/creation"
)

// RecordCheckpoint records a post-creation follow-up (6 months, 1, 2, 3
// years); a business no longer active, or the last checkpoint, closes the
// case (creation.case.closed); difficulties seen in an active business
// raise a signal for the prevention cell (creation.case.difficulty_seen),
// in the same transaction as the checkpoint, and, when the case has a
// registered SIREN, the business's identity for difficulty-alert alone
// (prevention.observation.identified, on the confidential PREVENTION
// stream).
type RecordCheckpoint struct {
	Cases CaseChanges
	Now   Clock
}

// Do records the i-th checkpoint (from 0) as p.
func (uc RecordCheckpoint) Do(ctx context.Context, p auth.Principal, caseID string, i int, r creation.CheckpointReport) (creation.Case, error) {
	now := uc.Now()
	return followUp(ctx, uc.Cases, now, p, caseID, "record checkpoint", func(c *creation.Case) ([]events.Payload, error) {
		res, err := c.RecordCheckpoint(i, r, p.Subject, now)
		if err != nil {
			return nil, err
		}
		var out []events.Payload
		if res.Signal != nil {
			out = append(out, *res.Signal)
		}
		if res.Identified != nil {
			out = append(out, *res.Identified)
		}
		if res.Closed != nil {
			out = append(out, *res.Closed)
		}
		return out, nil
	})
}
