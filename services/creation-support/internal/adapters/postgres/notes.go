package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/ccicma/platform/services/creation-support/internal/domain/creation"
)

// AddNote implements app.NoteStore.
func (s *Store) AddNote(ctx context.Context, n creation.Note) (creation.Note, error) {
	err := s.pool.QueryRow(ctx, `INSERT INTO case_notes (case_id, chamber, author_id, body, shared, written_at)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING note_id`,
		n.CaseID, n.Chamber, n.AuthorID, n.Text, n.Shared, n.WrittenAt).Scan(&n.ID)
	if err != nil {
		return creation.Note{}, fmt.Errorf("insert note: %w", err)
	}
	return n, nil
}

// Notes implements app.NoteStore.
func (s *Store) Notes(ctx context.Context, caseID string) ([]creation.Note, error) {
	rows, err := s.pool.Query(ctx, `SELECT note_id, case_id, chamber, author_id, body, shared, written_at
		FROM case_notes WHERE case_id = $1 ORDER BY note_id`, caseID)
	if err != nil {
		return nil, fmt.Errorf("list notes: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (creation.Note, error) {
		var n creation.Note
		err := r.Scan(&n.ID, &n.CaseID, &n.Chamber, &n.AuthorID, &n.Text, &n.Shared, &n.WrittenAt)
		n.WrittenAt = n.WrittenAt.UTC()
		return n, err
	})
	if err != nil {
		return nil, fmt.Errorf("read notes: %w", err)
	}
	return out, nil
}
