package app

import (
	"context"
	"fmt"
	"time"

	"github.com/ccicma/platform/pkg/audit"
	"github.com/ccicma/platform/pkg/auth"

	"github.com/ccicma/platform/services/difficulty-alert/internal/domain/access"
)

// QueryAudit lets a manager see who read which difficulty case when, in
// their own chamber (reads by its advisors, reads of cases routed to it).
type QueryAudit struct {
	Audit AuditLog
}

// AuditQuery narrows the log; empty fields do not.
type AuditQuery struct {
	CaseID    string
	AdvisorID string
	Since     time.Time
	After     int64
	Limit     int
}

// Query returns the entries p may read that match q, oldest first.
func (uc QueryAudit) Query(ctx context.Context, p auth.Principal, q AuditQuery) ([]audit.Entry, error) {
	chamber, ok := access.ReadAuditLog(p)
	if !ok {
		return nil, ErrForbidden
	}
	es, err := uc.Audit.Query(ctx, audit.Filter{Chamber: chamber, Resource: ResourceCase, ResourceID: q.CaseID,
		ActorID: q.AdvisorID, Since: q.Since, After: q.After, Limit: q.Limit})
	if err != nil {
		return nil, fmt.Errorf("query audit log: %w", err)
	}
	return es, nil
}
