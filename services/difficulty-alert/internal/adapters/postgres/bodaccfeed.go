package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ccicma/platform/pkg/pgdb"

	"github.com/ccicma/platform/services/difficulty-alert/internal/app"
)

var _ app.FeedCursors = (*Store)(nil)

// WithFeedCursor implements app.FeedCursors. The cursor's row is locked
// FOR UPDATE SKIP LOCKED in a transaction held for the whole run (another
// replica's run skips it rather than wait), and updated in it: a run that
// fails, or a replica that dies, leaves the cursor as it was. The notices
// the run imports commit in their own transactions (run's ctx carries no
// unit of work), whole batches each, which a later run reads again as
// duplicates.
func (s *Store) WithFeedCursor(ctx context.Context, departement string, run func(app.FeedCursor) (*app.FeedCursor, error)) (bool, error) {
	// The row is made first, on its own: two replicas inserting it in
	// their runs' transactions would wait for each other.
	if _, err := s.pool.Exec(ctx, `INSERT INTO bodacc_feed_cursors (departement) VALUES ($1) ON CONFLICT DO NOTHING`,
		departement); err != nil {
		return false, fmt.Errorf("feed cursor %s: %w", departement, err)
	}
	claimed := false
	err := pgdb.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		var through, polled *time.Time
		err := tx.QueryRow(ctx, `SELECT imported_through, polled_at FROM bodacc_feed_cursors WHERE departement = $1
			FOR UPDATE SKIP LOCKED`, departement).Scan(&through, &polled)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("lock feed cursor %s: %w", departement, err)
		}
		claimed = true
		c := app.FeedCursor{Departement: departement}
		if through != nil {
			c.ImportedThrough = through.UTC()
		}
		if polled != nil {
			c.PolledAt = polled.UTC()
		}
		next, err := run(c)
		if err != nil || next == nil {
			return err
		}
		var nextThrough *time.Time
		if !next.ImportedThrough.IsZero() {
			nextThrough = &next.ImportedThrough
		}
		if _, err := tx.Exec(ctx, `UPDATE bodacc_feed_cursors SET imported_through = $2, polled_at = $3 WHERE departement = $1`,
			departement, nextThrough, next.PolledAt); err != nil {
			return fmt.Errorf("move feed cursor %s: %w", departement, err)
		}
		return nil
	})
	return claimed, err
}
