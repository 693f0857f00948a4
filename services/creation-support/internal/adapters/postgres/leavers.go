package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// CasesOfLeavers implements app.LeaverCases.
func (s *Store) CasesOfLeavers(ctx context.Context, absentBeyond time.Time, limit int) ([]string, error) {
	rows, err := s.pool.Query(ctx, `SELECT c.case_id::text FROM creation_cases c
		JOIN advisors a ON a.advisor_id = c.advisor_id
		WHERE c.stage <> 'closed' AND (NOT a.active OR a.absent_until > $1)
		ORDER BY c.case_id LIMIT $2`, absentBeyond, limit)
	if err != nil {
		return nil, fmt.Errorf("find cases of leaving advisors: %w", err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("read cases of leaving advisors: %w", err)
	}
	return ids, nil
}
