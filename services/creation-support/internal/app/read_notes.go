package app

import (
	"context"
	"fmt"

	"github.com/ccicma/platform/pkg/auth"

	"github.com/ccicma/platform/services/creation-support/internal/domain/creation"
)

// ReadNotes serves a case's notes to an advisor who sees the case: their
// own chamber's notes, and the other chamber's shared ones.
type ReadNotes struct {
	Cases CaseReader
	Notes NoteStore
}

// Do returns the notes p may read.
func (uc ReadNotes) Do(ctx context.Context, p auth.Principal, caseID string) ([]creation.Note, error) {
	if _, err := visibleCase(ctx, uc.Cases, p, caseID); err != nil {
		return nil, err
	}
	all, err := uc.Notes.Notes(ctx, caseID)
	if err != nil {
		return nil, fmt.Errorf("read notes of case %s: %w", caseID, err)
	}
	var out []creation.Note
	for _, n := range all {
		if n.ReadableBy(p.Chamber) {
			out = append(out, n)
		}
	}
	return out, nil
}
