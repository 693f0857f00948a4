package app

import (
	"context"
	"fmt"

	"github.com/ccicma/platform/pkg/audit"
	"github.com/ccicma/platform/pkg/auth"

	"github.com/ccicma/platform/services/difficulty-alert/internal/domain/access"
	"github.com/ccicma/platform/services/difficulty-alert/internal/domain/prevention"
)

// ReadCases serves prevention cases to the advisors the access rules let
// read them, and records every read in the audit log before handing the
// case over: when the record fails, the read fails (ErrNotAudited).
type ReadCases struct {
	Cases CaseReader
	Audit AuditLog
	Now   Clock
	// Businesses finds a case's business for GetView (none when nil).
	Businesses BusinessViews
}

// Get returns case id to p. An unknown id and a case p may not read give
// the same ErrForbidden, so that the answer tells nobody whether a case
// they may not see exists.
func (uc ReadCases) Get(ctx context.Context, p auth.Principal, id string) (prevention.Case, error) {
	c, found, err := uc.Cases.Case(ctx, id)
	if err != nil {
		return prevention.Case{}, fmt.Errorf("read case: %w", err)
	}
	if !found || !access.ReadCase(p, c) {
		return prevention.Case{}, ErrForbidden
	}
	if err := uc.record(ctx, p, ActionRead, c); err != nil {
		return prevention.Case{}, err
	}
	return c, nil
}

// List returns the cases p may read, newest first, older than the case
// before (from the newest when empty), at most limit; each one listed is
// audited.
func (uc ReadCases) List(ctx context.Context, p auth.Principal, before string, limit int) ([]prevention.Case, error) {
	cs, err := uc.Cases.VisibleCases(ctx, access.ListScope(p), before, limit)
	if err != nil {
		return nil, fmt.Errorf("list cases: %w", err)
	}
	// The query applies the rule; applying it again costs nothing and
	// keeps a faulty query from ever leaking a case.
	visible := cs[:0]
	for _, c := range cs {
		if access.ReadCase(p, c) {
			visible = append(visible, c)
		}
	}
	if err := uc.record(ctx, p, ActionList, visible...); err != nil {
		return nil, err
	}
	return visible, nil
}

func (uc ReadCases) record(ctx context.Context, p auth.Principal, action string, cs ...prevention.Case) error {
	if len(cs) == 0 {
		return nil
	}
	at, trace := uc.Now(), audit.TraceID(ctx)
	entries := make([]audit.Entry, len(cs))
	for i, c := range cs {
		entries[i] = audit.Entry{At: at, ActorID: p.Subject, ActorChamber: p.Chamber, Action: action,
			Resource: ResourceCase, ResourceID: c.ID, Chambers: c.Chambers(), TraceID: trace}
	}
	if err := uc.Audit.Record(ctx, entries...); err != nil {
		return fmt.Errorf("%w: %w", ErrNotAudited, err)
	}
	return nil
}
