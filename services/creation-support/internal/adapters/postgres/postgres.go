// Package postgres stores creation-support's cases and its projection of
// the advisor directory. Every write commits together with the inbox claim
// of the event that caused it and the outbox rows of the events it emits.
package postgres

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ccicma/platform/pkg/directory/projection"
	"github.com/ccicma/platform/pkg/events"
	"github.com/ccicma/platform/pkg/inbox"
	"github.com/ccicma/platform/pkg/outbox"
	"github.com/ccicma/platform/pkg/pgdb"

	"github.com/ccicma/platform/services/creation-support/internal/domain/creation"
)

// Consumer names this service in inbox rows.
const Consumer = "creation-support"

// Waker is told after a commit that wrote outbox rows (the relay).
type Waker interface{ Wake() }

// Store is the Postgres adapter.
type Store struct {
	pool  *pgxpool.Pool
	relay Waker
}

// New returns a store over pool.
func New(pool *pgxpool.Pool, relay Waker) *Store { return &Store{pool: pool, relay: relay} }

// OpenCase implements app.Cases.
func (s *Store) OpenCase(ctx context.Context, trigger events.Event, req creation.Request,
	decide func([]creation.AdvisorLoad) (creation.Case, []events.Event, error)) (bool, error) {
	applied, err := inbox.Apply(ctx, s.pool, Consumer, trigger, func(tx pgx.Tx) error {
		f, batched := pgdb.Deferred(ctx, batchKey{}, func() pgdb.Flusher { return newBatchLoads() })
		var state *batchLoads
		if batched {
			state = f.(*batchLoads)
		}
		candidates, err := state.candidates(ctx, tx, req.Chamber, req.Departement)
		if err != nil {
			return err
		}
		c, evs, err := decide(candidates)
		if err != nil {
			return err
		}
		opened, err := insertCase(ctx, tx, c)
		if err != nil || !opened {
			return err
		}
		if err := outbox.Add(ctx, tx, evs...); err != nil {
			return err
		}
		switch {
		case c.AdvisorID == "":
		case batched:
			state.assigned[c.AdvisorID]++
		default:
			return (&batchLoads{assigned: map[string]int{c.AdvisorID: 1}}).Flush(ctx, tx)
		}
		return nil
	})
	if applied {
		pgdb.AfterCommit(ctx, s.relay.Wake)
	}
	return applied, err
}

// batchLoads is what a batch of openings shares: the candidates read once
// per chamber and département, and the cases assigned so far, by advisor.
// The assignments are added to the loads read, and written once before
// commit, in advisor order: concurrent batches then lock advisor rows
// briefly and always in the same order, so they cannot deadlock.
type batchLoads struct {
	read     map[[2]string][]creation.AdvisorLoad
	assigned map[string]int
}

type batchKey struct{}

func newBatchLoads() *batchLoads {
	return &batchLoads{read: map[[2]string][]creation.AdvisorLoad{}, assigned: map[string]int{}}
}

// candidates returns the assignable advisors with their current load;
// outside a batch (b nil) it reads them every time.
func (b *batchLoads) candidates(ctx context.Context, tx pgx.Tx, chamber, dept string) ([]creation.AdvisorLoad, error) {
	if b == nil {
		return loadCandidates(ctx, tx, chamber, dept)
	}
	key := [2]string{chamber, dept}
	read, ok := b.read[key]
	if !ok {
		var err error
		if read, err = loadCandidates(ctx, tx, chamber, dept); err != nil {
			return nil, err
		}
		b.read[key] = read
	}
	out := slices.Clone(read)
	for i := range out {
		out[i].OpenCases += b.assigned[out[i].AdvisorID]
	}
	return out, nil
}

// Flush implements pgdb.Flusher.
func (b *batchLoads) Flush(ctx context.Context, tx pgx.Tx) error {
	if len(b.assigned) == 0 {
		return nil
	}
	ids := slices.Sorted(maps.Keys(b.assigned))
	counts := make([]int32, len(ids))
	for i, id := range ids {
		counts[i] = int32(b.assigned[id])
	}
	if _, err := tx.Exec(ctx, `UPDATE advisors a SET open_cases = a.open_cases + v.n
		FROM unnest($1::text[], $2::int[]) AS v(id, n) WHERE a.advisor_id = v.id`, ids, counts); err != nil {
		return fmt.Errorf("count cases in advisor loads: %w", err)
	}
	return nil
}

// loadCandidates reads the assignable advisors of a chamber covering the
// département with their load. It takes no lock: openings handled
// concurrently may see the same loads and pick the same advisor, a small
// imbalance that the next openings correct, whereas locking every candidate
// would serialise all openings of a chamber. The load itself is counted
// exactly (an atomic increment).
func loadCandidates(ctx context.Context, tx pgx.Tx, chamber, dept string) ([]creation.AdvisorLoad, error) {
	rows, err := tx.Query(ctx, `SELECT advisor_id, open_cases, capacity, absent_until FROM advisors
		WHERE chamber = $1 AND active AND $2 = ANY(specialities) AND $3 = ANY(departements)
		ORDER BY advisor_id`, chamber, events.SpecialityCreation, dept)
	if err != nil {
		return nil, fmt.Errorf("load candidate advisors: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (creation.AdvisorLoad, error) {
		var a creation.AdvisorLoad
		var absent *time.Time
		err := r.Scan(&a.AdvisorID, &a.OpenCases, &a.Capacity, &absent)
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

// insertCase stores the case unless the request already has one: a request
// replayed after its inbox row was pruned still opens one case only.
func insertCase(ctx context.Context, tx pgx.Tx, c creation.Case) (opened bool, err error) {
	tag, err := tx.Exec(ctx, `INSERT INTO creation_cases
		(case_id, request_id, chamber, secondary_chamber, advisor_id, stage, naf_code, commune_code, departement, routing_rule, opened_at, updated_at)
		VALUES ($1, $2, $3, NULLIF($4, ''), NULLIF($5, ''), $6, NULLIF($7, ''), $8, $9, $10, $11, $11)
		ON CONFLICT (request_id) DO NOTHING`,
		c.ID, c.RequestID, c.Chamber, c.SecondaryChamber, c.AdvisorID, string(c.Stage), c.NAFCode,
		c.CommuneCode, c.Departement, c.RoutingRule, c.OpenedAt)
	if err != nil {
		return false, fmt.Errorf("insert creation case: %w", err)
	}
	return tag.RowsAffected() == 1, nil
}

// UpsertAdvisor implements app.Advisors: a stale revision changes nothing.
func (s *Store) UpsertAdvisor(ctx context.Context, trigger events.Event, a creation.Advisor) error {
	return projection.Apply(ctx, s.pool, Consumer, trigger, a)
}

// nullTime stores the zero time as NULL.
func nullTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}
