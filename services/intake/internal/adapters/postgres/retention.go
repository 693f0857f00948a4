package postgres

import (
	"context"
	"fmt"
	"time"
)

// anonymiseBatch bounds one transaction, so that a first run over years of
// requests does not hold locks (or the xmin horizon) for long.
const anonymiseBatch = 500

// AnonymiseSubmittedBefore implements app.Retention. Replicas may run it at
// once: SKIP LOCKED lets each take its own rows.
func (s *Store) AnonymiseSubmittedBefore(ctx context.Context, cutoff time.Time) (int64, error) {
	var total int64
	for {
		tag, err := s.pool.Exec(ctx, `WITH due AS (
				SELECT request_id FROM requests
				WHERE submitted_at < $1 AND anonymised_at IS NULL
				ORDER BY submitted_at LIMIT $2 FOR UPDATE SKIP LOCKED),
			forgotten AS (
				DELETE FROM idempotency_keys k USING due WHERE k.request_id = due.request_id),
			unmailed AS (
				DELETE FROM mail_queue m USING due
				WHERE m.key = 'receipt:' || due.request_id OR m.key LIKE 'step:' || due.request_id || ':%'
				   OR m.key LIKE 'session:' || due.request_id || ':%'
				   OR m.key LIKE 'intro:' || due.request_id || ':%' OR m.key LIKE 'digest:' || due.request_id || ':%'),
			unregistered AS (
				DELETE FROM session_registrations g USING due WHERE g.request_id = due.request_id)
			UPDATE requests r SET details = jsonb_build_object('anonymised', true),
				anonymised_at = now(), updated_at = now()
			FROM due WHERE r.request_id = due.request_id`, cutoff, anonymiseBatch)
		if err != nil {
			return total, fmt.Errorf("anonymise requests: %w", err)
		}
		total += tag.RowsAffected()
		if tag.RowsAffected() < anonymiseBatch {
			return total, nil
		}
	}
}
