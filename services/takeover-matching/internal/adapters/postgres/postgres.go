// Package postgres stores takeover-matching's offers, searches and matches
// and its projection of the advisor directory. Every write commits together
// with the inbox claim of the event that caused it and the outbox rows of
// the events it emits.
package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ccicma/platform/pkg/directory/projection"
	"github.com/ccicma/platform/pkg/events"
	"github.com/ccicma/platform/pkg/inbox"
	"github.com/ccicma/platform/pkg/outbox"
	"github.com/ccicma/platform/pkg/pgdb"

	"github.com/ccicma/platform/services/takeover-matching/internal/app"
	"github.com/ccicma/platform/services/takeover-matching/internal/domain/takeover"
)

// Consumer names this service in inbox rows: its name (app.Name).
const Consumer = app.Name

// registerLock is the advisory lock that serialises registrations: an
// offer and a search registered by two transactions at once would each
// miss the other, uncommitted, and their match would never be proposed.
// Registrations are rare next to the rest of the platform's traffic, and
// the lock is held for one short transaction.
const registerLock = 0x74616b656f766572 // "takeover"

// Store is the Postgres adapter.
type Store struct {
	pool  *pgxpool.Pool
	relay outbox.Waker
}

// New returns a store over pool.
func New(pool *pgxpool.Pool, relay outbox.Waker) *Store { return &Store{pool: pool, relay: relay} }

var _ app.Registry = (*Store)(nil)

// RegisterOffer implements app.Registry.
func (s *Store) RegisterOffer(ctx context.Context, trigger events.Event, o takeover.Offer, place takeover.Place, lookup takeover.SearchQuery, now time.Time,
	decide func([]takeover.AdvisorLoad, []takeover.Search) (app.OfferOutcome, error)) (bool, error) {
	applied, err := inbox.Apply(ctx, s.pool, Consumer, trigger, func(tx pgx.Tx) error {
		candidates, err := prepare(ctx, tx, o.Chamber, place, now)
		if err != nil {
			return err
		}
		searches, err := searchCandidates(ctx, tx, o, lookup)
		if err != nil {
			return err
		}
		out, err := decide(candidates, searches)
		if err != nil {
			return err
		}
		inserted, err := insertOffer(ctx, tx, out.Offer)
		if err != nil || !inserted {
			return err
		}
		return finish(ctx, tx, out.Offer.AdvisorID, out.Matches, out.Events)
	})
	if applied {
		pgdb.AfterCommit(ctx, s.relay.Wake)
	}
	return applied, err
}

// RegisterSearch implements app.Registry.
func (s *Store) RegisterSearch(ctx context.Context, trigger events.Event, search takeover.Search, place takeover.Place, lookup takeover.OfferQuery, now time.Time,
	decide func([]takeover.AdvisorLoad, []takeover.Offer) (app.SearchOutcome, error)) (bool, error) {
	applied, err := inbox.Apply(ctx, s.pool, Consumer, trigger, func(tx pgx.Tx) error {
		candidates, err := prepare(ctx, tx, search.Chamber, place, now)
		if err != nil {
			return err
		}
		var offers []takeover.Offer
		if search.Status != takeover.SearchDraft { // a draft meets no offer
			if offers, err = offerCandidates(ctx, tx, search, lookup); err != nil {
				return err
			}
		}
		out, err := decide(candidates, offers)
		if err != nil {
			return err
		}
		inserted, err := insertSearch(ctx, tx, out.Search)
		if err != nil || !inserted {
			return err
		}
		return finish(ctx, tx, out.Search.AdvisorID, out.Matches, out.Events)
	})
	if applied {
		pgdb.AfterCommit(ctx, s.relay.Wake)
	}
	return applied, err
}

// CompleteSearch implements app.Completer. An unknown search is
// app.ErrNotFound; nothing is stored when decide fails.
func (s *Store) CompleteSearch(ctx context.Context, id string,
	decide func(takeover.Search, app.OffersFor) (app.SearchOutcome, error)) (takeover.Search, error) {
	var done takeover.Search
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(registerLock)); err != nil {
			return fmt.Errorf("take registration lock: %w", err)
		}
		rows, err := tx.Query(ctx, `SELECT `+searchColumns+` FROM buyer_searches WHERE search_id = $1 FOR UPDATE`, id)
		if err != nil {
			return fmt.Errorf("read search: %w", err)
		}
		search, err := pgx.CollectExactlyOneRow(rows, scanSearch)
		if errors.Is(err, pgx.ErrNoRows) {
			return app.ErrNotFound
		} else if err != nil {
			return fmt.Errorf("read search: %w", err)
		}
		out, err := decide(search, func(c takeover.Search, lookup takeover.OfferQuery) ([]takeover.Offer, error) {
			return offerCandidates(ctx, tx, c, lookup)
		})
		if err != nil {
			return err
		}
		if err := updateCompleted(ctx, tx, out.Search); err != nil {
			return err
		}
		for _, m := range out.Matches {
			if err := insertMatch(ctx, tx, m); err != nil {
				return err
			}
		}
		done = out.Search
		return outbox.Add(ctx, tx, out.Events...)
	})
	if err != nil {
		return takeover.Search{}, err
	}
	s.relay.Wake()
	return done, nil
}

// prepare takes the registration lock and reads the candidate advisors.
func prepare(ctx context.Context, tx pgx.Tx, chamber string, place takeover.Place, now time.Time) ([]takeover.AdvisorLoad, error) {
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(registerLock)); err != nil {
		return nil, fmt.Errorf("take registration lock: %w", err)
	}
	return loadCandidates(ctx, tx, chamber, place, now)
}

// finish stores the matches and the events, and counts the new offer or
// search in its advisor's load.
func finish(ctx context.Context, tx pgx.Tx, advisorID string, matches []takeover.Match, evs []events.Event) error {
	for _, m := range matches {
		if err := insertMatch(ctx, tx, m); err != nil {
			return err
		}
	}
	if err := outbox.Add(ctx, tx, evs...); err != nil {
		return err
	}
	if advisorID == "" {
		return nil
	}
	return projection.AddCases(ctx, tx, map[string]int{advisorID: 1})
}

// loadCandidates reads the takeover advisors of a chamber whose territory
// covers place and who are available at now (takeover.Assignable), with
// their load, by id.
func loadCandidates(ctx context.Context, tx pgx.Tx, chamber string, place takeover.Place, now time.Time) ([]takeover.AdvisorLoad, error) {
	loads, err := projection.Loads(ctx, tx, chamber, place.Departement)
	if err != nil {
		return nil, err
	}
	var out []takeover.AdvisorLoad
	for _, l := range loads {
		if takeover.Assignable(l.Advisor, place, now) {
			out = append(out, takeover.AdvisorLoad{AdvisorID: l.Advisor.AdvisorID, OpenCases: l.OpenCases, Capacity: l.Advisor.Capacity})
		}
	}
	return out, nil
}

// UpsertAdvisor implements projection.Advisors: a stale revision changes
// nothing.
func (s *Store) UpsertAdvisor(ctx context.Context, a takeover.Advisor) error {
	return projection.Apply(ctx, s.pool, a)
}

// Advisor returns an advisor of the projection (for tests and diagnosis).
func (s *Store) Advisor(ctx context.Context, id string) (takeover.Advisor, bool, error) {
	return projection.Get(ctx, s.pool, id)
}

// arr keeps a nil slice from being written as NULL.
func arr(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
