package app

import (
	"context"
	"fmt"

	"github.com/ccicma/platform/pkg/audit"
	"github.com/ccicma/platform/pkg/auth"

	"github.com/ccicma/platform/services/difficulty-alert/internal/domain/access"
)

// QueryAudit lets a manager see who read which difficulty case or which
// business's signals when, in their own chamber (reads by its advisors,
// reads of cases routed to it).
type QueryAudit struct {
	Audit AuditLog
}

// Query returns the entries p may read that match f (its chamber scope
// is set here), oldest first. The log holds only this service's
// confidential reads (ResourceCase, ResourceBusinessSignals): a manager
// oversees both.
func (uc QueryAudit) Query(ctx context.Context, p auth.Principal, f audit.Filter) ([]audit.Entry, error) {
	chamber, ok := access.ReadAuditLog(p)
	if !ok {
		return nil, ErrForbidden
	}
	f.Chamber, f.AllChambers, f.Resource = chamber, false, ""
	es, err := uc.Audit.Query(ctx, f)
	if err != nil {
		return nil, fmt.Errorf("query audit log: %w", err)
	}
	return es, nil
}
