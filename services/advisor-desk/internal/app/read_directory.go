package app

import (
	"context"
	"fmt"

	"github.com/ccicma/platform/services/advisor-desk/internal/domain/directory"
)

// ReadDirectory reads the advisor directory: the entries, for its
// administrators (the port applies access.ManageDirectory, as for every
// directory route), and an advisor's entry, for their name on the pages.
type ReadDirectory struct {
	Directory DirectoryReader
}

// List returns every entry.
func (uc ReadDirectory) List(ctx context.Context) ([]directory.Advisor, error) {
	as, err := uc.Directory.Advisors(ctx)
	if err != nil {
		return nil, fmt.Errorf("list advisors: %w", err)
	}
	return as, nil
}

// Get returns an entry, or directory.ErrUnknown.
func (uc ReadDirectory) Get(ctx context.Context, id string) (directory.Advisor, error) {
	a, found, err := uc.Directory.Advisor(ctx, id)
	switch {
	case err != nil:
		return directory.Advisor{}, fmt.Errorf("read advisor %s: %w", id, err)
	case !found:
		return directory.Advisor{}, directory.ErrUnknown
	}
	return a, nil
}
