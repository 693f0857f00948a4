package app

import (
	"context"
	"fmt"

	"github.com/ccicma/platform/pkg/audit"
	"github.com/ccicma/platform/pkg/auth"

	"github.com/ccicma/platform/services/intake/internal/domain/access"
)

// ReadAuditLog lets a manager query the reads of their chamber's requests.
type ReadAuditLog struct {
	Log ReadLog
}

// Query returns the entries of the reader's chamber matching f, or
// ErrForbidden.
func (uc ReadAuditLog) Query(ctx context.Context, reader auth.Principal, f audit.Filter) ([]audit.Entry, error) {
	if !access.ReadAuditLog(reader) {
		return nil, ErrForbidden
	}
	f.Chamber, f.AllChambers = reader.Chamber, false
	es, err := uc.Log.Reads(ctx, f)
	if err != nil {
		return nil, fmt.Errorf("query audit log: %w", err)
	}
	return es, nil
}
