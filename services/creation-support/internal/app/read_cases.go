package app

import (
	"context"
	"fmt"

	"github.com/ccicma/platform/pkg/auth"

	"github.com/ccicma/platform/services/creation-support/internal/domain/access"
	"github.com/ccicma/platform/services/creation-support/internal/domain/creation"
)

// ReadCases serves creation cases to the advisors and managers the access
// rules let see them.
type ReadCases struct {
	Cases CaseReader
}

// Get returns the case, with its hand-backs, to p: creation.ErrCaseNotFound
// for an unknown id, access.ErrNotVisible when the rules refuse.
func (uc ReadCases) Get(ctx context.Context, p auth.Principal, caseID string) (creation.Case, error) {
	c, found, err := uc.Cases.Case(ctx, caseID)
	if err != nil {
		return creation.Case{}, fmt.Errorf("read case %s: %w", caseID, err)
	}
	if !found {
		return creation.Case{}, creation.ErrCaseNotFound
	}
	if err := access.See(p, c); err != nil {
		return creation.Case{}, err
	}
	return c, nil
}

// List returns the page q selects among the cases p may see (q.Scope is
// set here), without their hand-backs: access.ErrNoScope for a principal
// who sees no creation case at all.
func (uc ReadCases) List(ctx context.Context, p auth.Principal, q CaseQuery) ([]creation.Case, error) {
	scope, ok := access.ScopeOf(p)
	if !ok {
		return nil, access.ErrNoScope
	}
	q.Scope = scope
	cs, err := uc.Cases.ListCases(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("list cases: %w", err)
	}
	return cs, nil
}
