package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/ccicma/platform/pkg/events"
	"github.com/ccicma/platform/pkg/pgdb"

	"github.com/ccicma/platform/services/intake/internal/domain/request"
)

// Consumer names intake in inbox rows.
const Consumer = "intake"

// Advance implements app.Progress. The progress_at guard makes a step
// older than the last one applied a no-op, so events of one request that
// arrive from different streams in any order leave the newest state. One
// statement claims the event (inbox) and, only if the claim is new,
// applies the step: a duplicate changes nothing.
func (s *Store) Advance(ctx context.Context, trigger events.Event, step request.Step) error {
	return pgdb.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `WITH claim AS (
				INSERT INTO inbox (consumer, event_id) VALUES ($6, $7) ON CONFLICT DO NOTHING RETURNING event_id
			)
			UPDATE requests
			SET status = $2, case_chamber = coalesce(NULLIF($3, ''), case_chamber), advisor_ids = coalesce($5, advisor_ids),
			    progress_at = $4, updated_at = greatest(updated_at, $4)
			WHERE request_id = $1 AND (progress_at IS NULL OR progress_at <= $4) AND EXISTS (SELECT 1 FROM claim)`,
			step.RequestID, string(step.Status), step.Chamber, step.At, step.Advisors, Consumer, trigger.ID)
		if err != nil {
			return fmt.Errorf("update request status: %w", err)
		}
		return nil
	})
}
