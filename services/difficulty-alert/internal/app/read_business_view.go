package app

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/ccicma/platform/pkg/audit"
	"github.com/ccicma/platform/pkg/auth"

	"github.com/ccicma/platform/services/difficulty-alert/internal/domain/access"
	"github.com/ccicma/platform/services/difficulty-alert/internal/domain/prevention"
)

// ErrUnknownBusiness is the answer for a business number no business has.
var ErrUnknownBusiness = errors.New("unknown business")

// BusinessView is a business as the advisors' desk shows it: its score
// (with trend, court state and open case) and its active signals. It holds
// the SIREN, which the store needs; the HTTP port never sends it out of
// difficulty-alert in a view, so that the desk never handles it.
type BusinessView struct {
	BusinessScore
	// Signals are its active signals, newest first.
	Signals []StoredSignal
}

// BusinessViews finds businesses for the views.
type BusinessViews interface {
	// CaseBusiness finds the business of case c: its SIREN when the score
	// opened it, else the business of the signal of its self report (by
	// request) or of its observation (by creation case, whose checkpoints
	// and concerns write signals alike, or by takeover offer for a
	// takeover advisor's concern). found is false when the case names no
	// known business.
	CaseBusiness(ctx context.Context, c prevention.Case, trendFrom time.Time) (v BusinessView, found bool, err error)
	// BusinessByID reads the business numbered id (its opaque number, not
	// its SIREN); found is false when there is none.
	BusinessByID(ctx context.Context, id string, trendFrom time.Time) (v BusinessView, found bool, err error)
}

// CaseView is a case with its business, when known.
type CaseView struct {
	prevention.Case
	Business *BusinessView
}

// GetView returns case id to p as Get does (same rules, same audit), with
// its business's score and active signals: who may read the case may read
// what opened or feeds it. The business is nil when unknown or when no
// BusinessViews is set.
func (uc ReadCases) GetView(ctx context.Context, p auth.Principal, id string) (CaseView, error) {
	c, err := uc.Get(ctx, p, id)
	if err != nil {
		return CaseView{}, err
	}
	v := CaseView{Case: c}
	if uc.Businesses == nil {
		return v, nil
	}
	b, found, err := uc.Businesses.CaseBusiness(ctx, c, uc.Now().AddDate(0, 0, -TrendDays))
	if err != nil {
		return CaseView{}, fmt.Errorf("read case business: %w", err)
	}
	if found {
		v.Business = &b
	}
	return v, nil
}

// GetByNumber returns the business numbered id to the cell, with its
// active signals, recording both reads (score and signals) in the audit
// log before handing them over; the log names the business by its SIREN,
// as the reads by SIREN do, so that one query finds every look at it.
func (uc ReadScores) GetByNumber(ctx context.Context, p auth.Principal, id string) (BusinessView, error) {
	if !access.ReadScores(p) || !access.ReadSignals(p) {
		return BusinessView{}, ErrForbidden
	}
	now := uc.Now()
	b, found, err := uc.Views.BusinessByID(ctx, id, now.AddDate(0, 0, -TrendDays))
	if err != nil {
		return BusinessView{}, fmt.Errorf("read business by number: %w", err)
	}
	if !found {
		return BusinessView{}, ErrUnknownBusiness
	}
	trace := audit.TraceID(ctx)
	entries := []audit.Entry{
		{At: now, ActorID: p.Subject, ActorChamber: p.Chamber, Action: ActionRead, Resource: ResourceBusinessScore,
			ResourceID: b.SIREN, Chambers: []string{p.Chamber}, TraceID: trace},
		{At: now, ActorID: p.Subject, ActorChamber: p.Chamber, Action: ActionRead, Resource: ResourceBusinessSignals,
			ResourceID: b.SIREN, Chambers: []string{p.Chamber}, TraceID: trace},
	}
	if err := uc.Audit.Record(ctx, entries...); err != nil {
		return BusinessView{}, fmt.Errorf("%w: %w", ErrNotAudited, err)
	}
	return b, nil
}
