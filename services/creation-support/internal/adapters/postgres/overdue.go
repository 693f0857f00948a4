package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ccicma/platform/pkg/events"
	"github.com/ccicma/platform/pkg/outbox"
	"github.com/ccicma/platform/pkg/pgdb"

	"github.com/ccicma/platform/services/creation-support/internal/domain/creation"
)

// RemindOverdue implements app.OverdueActions. SKIP LOCKED lets replicas
// running the same task share the cases instead of waiting on each other;
// next_reminded_at, reset when the action is replanned (saveCase), makes
// the reminder once per planned action.
func (s *Store) RemindOverdue(ctx context.Context, dueBy, now time.Time, limit int,
	remind func(c *creation.Case) ([]events.Event, error)) (int, error) {
	marked := 0
	err := pgdb.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT `+caseColumns+` FROM creation_cases
			WHERE next_due <= $1 AND next_reminded_at IS NULL AND stage <> 'closed'
			ORDER BY next_due LIMIT $2 FOR UPDATE SKIP LOCKED`, dueBy, limit)
		if err != nil {
			return fmt.Errorf("find overdue next actions: %w", err)
		}
		cases, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (creation.Case, error) { return scanCase(r) })
		if err != nil {
			return fmt.Errorf("read overdue next actions: %w", err)
		}
		var ids []string
		var evs []events.Event
		for i := range cases {
			ev, err := remind(&cases[i])
			if err != nil {
				return err
			}
			if len(ev) > 0 {
				ids = append(ids, cases[i].ID)
				evs = append(evs, ev...)
			}
		}
		marked = len(ids)
		if _, err := tx.Exec(ctx, `UPDATE creation_cases SET next_reminded_at = $2 WHERE case_id = ANY($1::uuid[])`, ids, now); err != nil {
			return fmt.Errorf("mark next actions reminded: %w", err)
		}
		return outbox.Add(ctx, tx, evs...)
	})
	if err != nil {
		return 0, err
	}
	if marked > 0 {
		s.relay.Wake()
	}
	return marked, nil
}
