package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ccicma/platform/pkg/events"
	"github.com/ccicma/platform/pkg/inbox"

	"github.com/ccicma/platform/services/intake/internal/domain/request"
)

// Consumer names intake in inbox rows.
const Consumer = "intake"

// MarkAssigned implements app.Progress.
func (s *Store) MarkAssigned(ctx context.Context, trigger events.Event, requestID string, at time.Time) error {
	_, err := inbox.Apply(ctx, s.pool, Consumer, trigger, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `UPDATE requests SET status = $2, updated_at = greatest(updated_at, $3)
			WHERE request_id = $1 AND status = $4`,
			requestID, string(request.StatusAssigned), at, string(request.StatusReceived))
		if err != nil {
			return fmt.Errorf("update request status: %w", err)
		}
		return nil
	})
	return err
}
