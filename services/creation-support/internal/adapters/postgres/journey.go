package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ccicma/platform/services/creation-support/internal/domain/creation"
)

// loadTimeline reads a case's stage changes, oldest first.
func loadTimeline(ctx context.Context, q querier, caseID string) ([]creation.StageChange, error) {
	rows, err := q.Query(ctx, `SELECT from_stage, to_stage, reason, comment, advisor_id, changed_at
		FROM case_stage_changes WHERE case_id = $1 ORDER BY seq`, caseID)
	if err != nil {
		return nil, fmt.Errorf("get stage changes: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (creation.StageChange, error) {
		var ch creation.StageChange
		var from, to string
		err := r.Scan(&from, &to, &ch.Reason, &ch.Comment, &ch.AdvisorID, &ch.At)
		ch.From, ch.To, ch.At = creation.Stage(from), creation.Stage(to), ch.At.UTC()
		return ch, err
	})
	if err != nil {
		return nil, fmt.Errorf("read stage changes: %w", err)
	}
	return out, nil
}

// saveTimeline inserts the stage changes from index from on.
func saveTimeline(ctx context.Context, tx pgx.Tx, c creation.Case, from int) error {
	for i := from; i < len(c.Timeline); i++ {
		ch := c.Timeline[i]
		if _, err := tx.Exec(ctx, `INSERT INTO case_stage_changes
			(case_id, seq, from_stage, to_stage, reason, comment, advisor_id, changed_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
			c.ID, i+1, string(ch.From), string(ch.To), ch.Reason, ch.Comment, ch.AdvisorID, ch.At); err != nil {
			return fmt.Errorf("insert stage change: %w", err)
		}
	}
	return nil
}

// loadCheckpoints reads a case's post-creation checkpoints, in order.
func loadCheckpoints(ctx context.Context, q querier, caseID string) ([]creation.Checkpoint, error) {
	rows, err := q.Query(ctx, `SELECT label, due, recorded_at, still_active, headcount, difficulties
		FROM case_checkpoints WHERE case_id = $1 ORDER BY seq`, caseID)
	if err != nil {
		return nil, fmt.Errorf("get checkpoints: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (creation.Checkpoint, error) {
		var cp creation.Checkpoint
		var recorded *time.Time
		err := r.Scan(&cp.Label, &cp.Due, &recorded, &cp.StillActive, &cp.Headcount, &cp.Difficulties)
		cp.Due, cp.Recorded = cp.Due.UTC(), utc(recorded)
		return cp, err
	})
	if err != nil {
		return nil, fmt.Errorf("read checkpoints: %w", err)
	}
	return out, nil
}

// saveCheckpoints writes the case's checkpoints: planned once, then
// recorded one by one.
func saveCheckpoints(ctx context.Context, tx pgx.Tx, c creation.Case) error {
	for i, cp := range c.Checkpoints {
		if _, err := tx.Exec(ctx, `INSERT INTO case_checkpoints
			(case_id, seq, label, due, recorded_at, still_active, headcount, difficulties)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
			ON CONFLICT (case_id, seq) DO UPDATE SET recorded_at = EXCLUDED.recorded_at,
				still_active = EXCLUDED.still_active, headcount = EXCLUDED.headcount, difficulties = EXCLUDED.difficulties
			WHERE case_checkpoints.recorded_at IS DISTINCT FROM EXCLUDED.recorded_at`,
			c.ID, i+1, cp.Label, cp.Due, nullTime(cp.Recorded), cp.StillActive, cp.Headcount, cp.Difficulties); err != nil {
			return fmt.Errorf("save checkpoint: %w", err)
		}
	}
	return nil
}
