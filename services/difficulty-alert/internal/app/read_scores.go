package app

import (
	"context"
	"fmt"
	"time"

	"github.com/ccicma/platform/pkg/audit"
	"github.com/ccicma/platform/pkg/auth"

	"github.com/ccicma/platform/services/difficulty-alert/internal/domain/access"
	"github.com/ccicma/platform/services/difficulty-alert/internal/domain/scoring"
)

// ResourceBusinessScore names a business's score in the audit log (its id
// is the SIREN), whether read alone or listed.
const ResourceBusinessScore = "business_score"

// TrendDays is how far back a business's trend looks.
const TrendDays = 30

// BusinessScore is a business as the cell reads it: its record, its trend,
// its court state (apart from the score) and its open prevention case.
type BusinessScore struct {
	ScoredBusiness
	// Trend is the score's change since TrendDays ago (a business not
	// scored then had 0).
	Trend int
	// Court is its court state, nil when no judgment is in force.
	Court *CourtState
	// OpenCaseID is its open prevention case, if any.
	OpenCaseID string
}

// ScorePage asks for a page of the cell's list: the businesses at Level
// (all when empty), highest scores first, after the cursor (score and
// SIREN of the last one of the page before), at most Limit.
type ScorePage struct {
	Level      scoring.Level
	AfterScore *int
	AfterSIREN string
	// AfterBusinessID, when set, names the last one by its number instead
	// of its SIREN, so that a client may page without handling a SIREN.
	AfterBusinessID string
	Limit           int
	// TrendFrom is the day the trend compares with.
	TrendFrom time.Time
}

// ScoreReader reads the businesses' scores.
type ScoreReader interface {
	BusinessesByLevel(ctx context.Context, q ScorePage) ([]BusinessScore, error)
	// BusinessScore reads one business; found is false when it has no
	// record (it never had a signal).
	BusinessScore(ctx context.Context, siren string, trendFrom time.Time) (b BusinessScore, found bool, err error)
}

// ReadScores serves the businesses' scores to the prevention cell, and
// to nobody else, recording every business sent in the audit log first.
type ReadScores struct {
	Scores ScoreReader
	Audit  AuditLog
	Now    Clock
	// Views reads a business by its number (GetByNumber).
	Views BusinessViews
}

// List returns a page of the cell's list to p; each business listed is
// audited.
func (uc ReadScores) List(ctx context.Context, p auth.Principal, q ScorePage) ([]BusinessScore, error) {
	if !access.ReadScores(p) {
		return nil, ErrForbidden
	}
	q.TrendFrom = uc.Now().AddDate(0, 0, -TrendDays)
	bs, err := uc.Scores.BusinessesByLevel(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("list businesses: %w", err)
	}
	if len(bs) == 0 {
		return bs, nil
	}
	at, trace := uc.Now(), audit.TraceID(ctx)
	entries := make([]audit.Entry, len(bs))
	for i, b := range bs {
		entries[i] = audit.Entry{At: at, ActorID: p.Subject, ActorChamber: p.Chamber, Action: ActionList,
			Resource: ResourceBusinessScore, ResourceID: b.SIREN, Chambers: []string{p.Chamber}, TraceID: trace}
	}
	if err := uc.Audit.Record(ctx, entries...); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrNotAudited, err)
	}
	return bs, nil
}

// Get returns the score of the business siren (9 valid digits) to p,
// audited first, also when it has none: a business without a record is
// at 0 points, with no alert.
func (uc ReadScores) Get(ctx context.Context, p auth.Principal, siren string) (BusinessScore, error) {
	if !access.ReadScores(p) {
		return BusinessScore{}, ErrForbidden
	}
	now := uc.Now()
	e := audit.Entry{At: now, ActorID: p.Subject, ActorChamber: p.Chamber, Action: ActionRead,
		Resource: ResourceBusinessScore, ResourceID: siren, Chambers: []string{p.Chamber}, TraceID: audit.TraceID(ctx)}
	if err := uc.Audit.Record(ctx, e); err != nil {
		return BusinessScore{}, fmt.Errorf("%w: %w", ErrNotAudited, err)
	}
	b, found, err := uc.Scores.BusinessScore(ctx, siren, now.AddDate(0, 0, -TrendDays))
	if err != nil {
		return BusinessScore{}, fmt.Errorf("read score: %w", err)
	}
	if !found {
		b = BusinessScore{ScoredBusiness: ScoredBusiness{SIREN: siren, Score: scoring.Score{Level: scoring.LevelNone,
			Explanation: "Aucun signal reçu : 0 point, aucune alerte."}}}
	}
	return b, nil
}
