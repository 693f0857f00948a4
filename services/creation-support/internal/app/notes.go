package app

import (
	"context"
	"fmt"

	"github.com/ccicma/platform/pkg/auth"

	"github.com/ccicma/platform/services/creation-support/internal/domain/access"
	"github.com/ccicma/platform/services/creation-support/internal/domain/creation"
)

// NoteStore keeps cases' notes.
type NoteStore interface {
	// AddNote stores a note and returns it with its id.
	AddNote(ctx context.Context, n creation.Note) (creation.Note, error)
	// Notes returns the notes of a case, oldest first.
	Notes(ctx context.Context, caseID string) ([]creation.Note, error)
}

// visibleCase reads a case p may see: creation.ErrCaseNotFound or an
// access refusal otherwise.
func visibleCase(ctx context.Context, cases CaseReader, p auth.Principal, caseID string) (creation.Case, error) {
	c, found, err := cases.Case(ctx, caseID)
	if err != nil {
		return creation.Case{}, fmt.Errorf("read case %s: %w", caseID, err)
	}
	if !found {
		return creation.Case{}, creation.ErrCaseNotFound
	}
	return c, access.See(p, c)
}
