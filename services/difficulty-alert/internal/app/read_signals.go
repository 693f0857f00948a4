package app

import (
	"context"
	"fmt"

	"github.com/ccicma/platform/pkg/audit"
	"github.com/ccicma/platform/pkg/auth"

	"github.com/ccicma/platform/services/difficulty-alert/internal/domain/access"
)

// ResourceBusinessSignals names a business's signals in the audit log
// (its id is the SIREN): that the cell looked a business up is itself
// confidential.
const ResourceBusinessSignals = "business_signals"

// BusinessSignals is what the cell reads of a business.
type BusinessSignals struct {
	SIREN   string
	Signals []StoredSignal
	Court   *CourtState
}

// ReadSignals serves a business's signals and court state to the
// prevention cell, recording the read in the audit log first (every
// lookup, even of a business without signals).
type ReadSignals struct {
	Signals Signals
	Audit   AuditLog
	Now     Clock
}

// Get returns the signals of the business siren (9 valid digits) to p.
func (uc ReadSignals) Get(ctx context.Context, p auth.Principal, siren string) (BusinessSignals, error) {
	if !access.ReadSignals(p) {
		return BusinessSignals{}, ErrForbidden
	}
	e := audit.Entry{At: uc.Now(), ActorID: p.Subject, ActorChamber: p.Chamber, Action: ActionRead,
		Resource: ResourceBusinessSignals, ResourceID: siren, Chambers: []string{p.Chamber}, TraceID: audit.TraceID(ctx)}
	if err := uc.Audit.Record(ctx, e); err != nil {
		return BusinessSignals{}, fmt.Errorf("%w: %w", ErrNotAudited, err)
	}
	ss, court, found, err := uc.Signals.BusinessSignals(ctx, siren)
	if err != nil {
		return BusinessSignals{}, fmt.Errorf("read signals: %w", err)
	}
	out := BusinessSignals{SIREN: siren, Signals: ss}
	if found {
		out.Court = &court
	}
	return out, nil
}
