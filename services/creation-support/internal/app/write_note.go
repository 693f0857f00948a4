package app

import (
	"context"
	"fmt"

	"github.com/ccicma/platform/pkg/auth"

	"github.com/ccicma/platform/services/creation-support/internal/domain/access"
	"github.com/ccicma/platform/services/creation-support/internal/domain/creation"
)

// WriteNote adds a follow-up note to a case, in the writer's chamber's
// notes: the other chamber reads it only when the writer shares it. Notes
// never leave this service.
type WriteNote struct {
	Cases CaseReader
	Notes NoteStore
	Now   Clock
}

// Do writes the note as p. Input errors come first (*creation.InvalidInput).
func (uc WriteNote) Do(ctx context.Context, p auth.Principal, caseID, text string, shared bool) (creation.Note, error) {
	n, err := creation.NewNote(caseID, p.Chamber, p.Subject, text, shared, uc.Now())
	if err != nil {
		return creation.Note{}, err
	}
	c, err := visibleCase(ctx, uc.Cases, p, caseID)
	if err != nil {
		return creation.Note{}, err
	}
	if err := access.WriteNote(p, c); err != nil {
		return creation.Note{}, err
	}
	if n, err = uc.Notes.AddNote(ctx, n); err != nil {
		return creation.Note{}, fmt.Errorf("write note on case %s: %w", caseID, err)
	}
	return n, nil
}
