// Package postgres stores creation-support's cases and its projection of
// the advisor directory. Every write commits together with the inbox claim
// of the event that caused it and the outbox rows of the events it emits.
package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ccicma/platform/pkg/directory/projection"
	"github.com/ccicma/platform/pkg/events"
	"github.com/ccicma/platform/pkg/outbox"

	"github.com/ccicma/platform/services/creation-support/internal/app"
	"github.com/ccicma/platform/services/creation-support/internal/domain/creation"
)

// Consumer names this service in inbox rows: its name (app.Name).
const Consumer = app.Name

// Store is the Postgres adapter.
type Store struct {
	pool  *pgxpool.Pool
	relay outbox.Waker
}

// New returns a store over pool.
func New(pool *pgxpool.Pool, relay outbox.Waker) *Store { return &Store{pool: pool, relay: relay} }

// loadCandidates reads the assignable advisors of a chamber covering the
// département with their load. It takes no lock: openings handled
// concurrently may see the same loads and pick the same advisor, a small
// imbalance that the next openings correct, whereas locking every candidate
// would serialise all openings of a chamber. The load itself is counted
// exactly (an atomic increment).
func loadCandidates(ctx context.Context, tx pgx.Tx, chamber, dept string) ([]creation.AdvisorLoad, error) {
	rows, err := tx.Query(ctx, `SELECT advisor_id, open_cases, capacity, absent_until, communes, epcis FROM advisors
		WHERE chamber = $1 AND active AND $2 = ANY(specialities) AND $3 = ANY(departements)
		ORDER BY advisor_id`, chamber, events.SpecialityCreation, dept)
	if err != nil {
		return nil, fmt.Errorf("load candidate advisors: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (creation.AdvisorLoad, error) {
		var a creation.AdvisorLoad
		var absent *time.Time
		err := r.Scan(&a.AdvisorID, &a.OpenCases, &a.Capacity, &absent, &a.Communes, &a.EPCIs)
		if absent != nil {
			a.AbsentUntil = absent.UTC()
		}
		return a, err
	})
	if err != nil {
		return nil, fmt.Errorf("read candidate advisors: %w", err)
	}
	return out, nil
}

// UpsertAdvisor implements projection.Advisors: a stale revision changes
// nothing.
func (s *Store) UpsertAdvisor(ctx context.Context, a creation.Advisor) error {
	return projection.Apply(ctx, s.pool, a)
}

// nullTime stores the zero time as NULL.
func nullTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}
