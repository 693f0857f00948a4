package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/ccicma/platform/pkg/events"
	"github.com/ccicma/platform/pkg/pgdb"

	"github.com/ccicma/platform/services/intake/internal/app"
	"github.com/ccicma/platform/services/intake/internal/domain/request"
)

// Consumer names this service in inbox rows: its name (app.Name).
const Consumer = app.Name

// Advance implements app.Progress. The progress_at guard makes a step
// older than the last one applied a no-op, so events of one request that
// arrive from different streams in any order leave the newest state. One
// statement claims the event (inbox) and, only if the claim is new,
// applies the step: a duplicate changes nothing. Within a unit of work (a
// consumer's batch) the statements of the unit's steps are sent together,
// in order, in one round trip when the unit flushes.
func (s *Store) Advance(ctx context.Context, trigger events.Event, step request.Step) error {
	args := []any{step.RequestID, string(step.Status), step.Chamber, step.At, step.Advisors, Consumer, trigger.ID,
		step.Stage, step.Outcome}
	sql := advanceSQL
	if s.mail != nil {
		now := s.mail.now()
		sql, args = advanceMailSQL, append(args, now, now.Add(s.mail.followUpDelay), followUpStatuses(), request.KindDifficulty)
	}
	if f, batched := pgdb.Deferred(ctx, stepsKey{}, func() pgdb.Flusher { return &steps{} }); batched {
		f.(*steps).batch.Queue(sql, args...)
		return nil
	}
	return pgdb.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, sql, args...); err != nil {
			return fmt.Errorf("update request status: %w", err)
		}
		return nil
	})
}

const advanceSQL = `WITH claim AS (
		INSERT INTO inbox (consumer, event_id) VALUES ($6, $7) ON CONFLICT DO NOTHING RETURNING event_id
	)
	UPDATE requests
	SET status = $2, case_chamber = coalesce(NULLIF($3, ''), case_chamber), advisor_ids = coalesce($5, advisor_ids),
	    stage = coalesce(NULLIF($8, ''), stage), outcome = coalesce(NULLIF($9, ''), outcome),
	    progress_at = $4, updated_at = greatest(updated_at, $4)
	WHERE request_id = $1 AND (progress_at IS NULL OR progress_at <= $4) AND EXISTS (SELECT 1 FROM claim)`

// advanceMailSQL is advanceSQL that also queues the step's follow-up
// e-mail (notice.Key, "step:{id}:{status}:{chamber}[:{stage}]": each
// stage of the creation journey reached is a step), due at $11 ($10
// plus the follow-up delay), for a request not of kind $13 whose new
// status is one of $12. Throttle: a new follow-up supersedes the
// request's follow-ups still pending (skipped: the applicant gets the
// latest step only), so that steps within the delay of each other make
// one e-mail; a step already queued once (its key) is never queued again,
// so a step makes at most one e-mail.
const advanceMailSQL = `WITH claim AS (
		INSERT INTO inbox (consumer, event_id) VALUES ($6, $7) ON CONFLICT DO NOTHING RETURNING event_id
	), stepped AS (
		UPDATE requests
		SET status = $2, case_chamber = coalesce(NULLIF($3, ''), case_chamber), advisor_ids = coalesce($5, advisor_ids),
		    stage = coalesce(NULLIF($8, ''), stage), outcome = coalesce(NULLIF($9, ''), outcome),
		    progress_at = $4, updated_at = greatest(updated_at, $4)
		WHERE request_id = $1 AND (progress_at IS NULL OR progress_at <= $4) AND EXISTS (SELECT 1 FROM claim)
		RETURNING request_id, kind, status, case_chamber, stage
	), queued AS (
		INSERT INTO mail_queue (key, next_attempt_at, created_at)
		SELECT 'step:' || request_id || ':' || status || ':' || case_chamber || coalesce(':' || NULLIF(stage, ''), ''), $11, $10
		FROM stepped
		WHERE kind <> $13 AND status = ANY($12::text[]) AND case_chamber IS NOT NULL
		ON CONFLICT (key) DO NOTHING RETURNING key
	)
	UPDATE mail_queue m SET status = 'skipped', last_error = 'superseded by a later step'
	FROM queued q
	WHERE m.key LIKE 'step:' || split_part(q.key, ':', 2) || ':%' AND m.key <> q.key AND m.status = 'pending'`

type stepsKey struct{}

// steps are the step statements of a unit of work, in event order.
type steps struct{ batch pgx.Batch }

// Flush implements pgdb.Flusher.
func (s *steps) Flush(ctx context.Context, tx pgx.Tx) error {
	if s.batch.Len() == 0 {
		return nil
	}
	if err := tx.SendBatch(ctx, &s.batch).Close(); err != nil {
		return fmt.Errorf("update %d request statuses: %w", s.batch.Len(), err)
	}
	return nil
}
