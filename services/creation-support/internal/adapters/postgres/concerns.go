package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/ccicma/platform/services/creation-support/internal/domain/creation"
)

// loadConcerns reads the concerns raised about a case, oldest first: one
// query on the case's (case, day) key. Within a change it runs once the
// case's row is locked, so that two advisors raising one at the same
// moment are served in turn and the second finds the first's; the unique
// (case, day) key holds the rule should anything else write.
func loadConcerns(ctx context.Context, q querier, caseID string) ([]creation.Concern, error) {
	rows, err := q.Query(ctx, `SELECT concern_id::text, advisor_id, concerns, raised_at
		FROM case_difficulty_concerns WHERE case_id = $1 ORDER BY raised_on`, caseID)
	if err != nil {
		return nil, fmt.Errorf("get concerns: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (creation.Concern, error) {
		var c creation.Concern
		err := r.Scan(&c.ID, &c.AdvisorID, &c.Kinds, &c.RaisedAt)
		c.RaisedAt = c.RaisedAt.UTC()
		return c, err
	})
	if err != nil {
		return nil, fmt.Errorf("read concerns: %w", err)
	}
	return out, nil
}

// saveConcerns inserts the concerns from index from on, with the UTC day
// each counts for.
func saveConcerns(ctx context.Context, tx pgx.Tx, c creation.Case, from int) error {
	for _, con := range c.Concerns[from:] {
		if _, err := tx.Exec(ctx, `INSERT INTO case_difficulty_concerns (concern_id, case_id, advisor_id, concerns, raised_at, raised_on)
			VALUES ($1, $2, $3, $4, $5, $6)`, con.ID, c.ID, con.AdvisorID, con.Kinds, con.RaisedAt, creation.ConcernDay(con.RaisedAt)); err != nil {
			return fmt.Errorf("insert concern: %w", err)
		}
	}
	return nil
}
