package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ccicma/platform/pkg/events"
	"github.com/ccicma/platform/pkg/outbox"

	"github.com/ccicma/platform/services/takeover-matching/internal/app"
	"github.com/ccicma/platform/services/takeover-matching/internal/domain/takeover"
)

var (
	_ app.Lifecycle = (*Store)(nil)
	_ app.Periodic  = (*Store)(nil)
)

// ChangeOffer implements app.Lifecycle.
func (s *Store) ChangeOffer(ctx context.Context, id string,
	decide func(takeover.Offer, app.SearchesFor) (app.OfferChange, error)) (takeover.Offer, error) {
	var done takeover.Offer
	err := s.inLock(ctx, func(tx pgx.Tx) error {
		o, err := lockOne(ctx, tx, `SELECT `+offerColumns+` FROM takeover_offers WHERE offer_id = $1 FOR UPDATE`, id, scanOffer)
		if err != nil {
			return err
		}
		out, err := decide(o, func(o takeover.Offer, lookup takeover.SearchQuery) ([]takeover.Search, error) {
			return unmatchedSearches(ctx, tx, o, lookup)
		})
		if err != nil {
			return err
		}
		if err := storeOfferChange(ctx, tx, out); err != nil {
			return err
		}
		done = out.Offer
		return storeOutcome(ctx, tx, out.Matches, out.Events)
	})
	return done, err
}

// ChangeSearch implements app.Lifecycle.
func (s *Store) ChangeSearch(ctx context.Context, id string,
	decide func(takeover.Search, app.OffersFor) (app.SearchChange, error)) (takeover.Search, error) {
	var done takeover.Search
	err := s.inLock(ctx, func(tx pgx.Tx) error {
		search, err := lockOne(ctx, tx, `SELECT `+searchColumns+` FROM buyer_searches WHERE search_id = $1 FOR UPDATE`, id, scanSearch)
		if err != nil {
			return err
		}
		out, err := decide(search, func(c takeover.Search, lookup takeover.OfferQuery) ([]takeover.Offer, error) {
			return unmatchedOffers(ctx, tx, c, lookup)
		})
		if err != nil {
			return err
		}
		if err := storeSearchChange(ctx, tx, out); err != nil {
			return err
		}
		done = out.Search
		return storeOutcome(ctx, tx, out.Matches, out.Events)
	})
	return done, err
}

// inLock runs f in a transaction holding the registration lock, and wakes
// the relay after it commits.
func (s *Store) inLock(ctx context.Context, f func(tx pgx.Tx) error) error {
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(registerLock)); err != nil {
			return fmt.Errorf("take registration lock: %w", err)
		}
		return f(tx)
	})
	if err == nil {
		s.relay.Wake()
	}
	return err
}

// lockOne reads the one row of query (locked by it): app.ErrNotFound when
// there is none.
func lockOne[T any](ctx context.Context, tx pgx.Tx, query, id string, scan pgx.RowToFunc[T]) (T, error) {
	rows, err := tx.Query(ctx, query, id)
	if err != nil {
		var zero T
		return zero, fmt.Errorf("read %s: %w", id, err)
	}
	v, err := pgx.CollectExactlyOneRow(rows, scan)
	if errors.Is(err, pgx.ErrNoRows) {
		return v, app.ErrNotFound
	} else if err != nil {
		return v, fmt.Errorf("read %s: %w", id, err)
	}
	return v, nil
}

// storeOfferChange writes what changes in an offer's row, its vetted file
// and its history step.
func storeOfferChange(ctx context.Context, tx pgx.Tx, out app.OfferChange) error {
	o := out.Offer
	if _, err := tx.Exec(ctx, `UPDATE takeover_offers SET status = $2, updated_at = $3, teaser = $4, deal_types = $5,
		timeline = $6, asking_price = $7, headcount = $8 WHERE offer_id = $1`,
		o.ID, o.Status, o.UpdatedAt, o.Teaser, arr(o.DealTypes), o.Timeline, o.AskingPrice, o.Headcount); err != nil {
		return fmt.Errorf("update offer %s: %w", o.ID, err)
	}
	if o.File != nil && out.Change.To == takeover.OfferPublished && out.Change.From == takeover.OfferSubmitted {
		if _, err := tx.Exec(ctx, `INSERT INTO takeover_offer_files (offer_id, file, vetted_by, vetted_at) VALUES ($1, $2, $3, $4)`,
			o.ID, o.File, out.Change.By, out.Change.At); err != nil {
			return fmt.Errorf("store file of offer %s: %w", o.ID, err)
		}
	}
	return addChange(ctx, tx, o.ID, "", out.Change)
}

// storeSearchChange writes a search's status, dates and history step.
func storeSearchChange(ctx context.Context, tx pgx.Tx, out app.SearchChange) error {
	s := out.Search
	if _, err := tx.Exec(ctx, `UPDATE buyer_searches SET status = $2, updated_at = NULLIF($3, '0001-01-01Z'::timestamptz),
		renewed_at = NULLIF($4, '0001-01-01Z'::timestamptz) WHERE search_id = $1`,
		s.ID, s.Status, s.UpdatedAt, s.RenewedAt); err != nil {
		return fmt.Errorf("update search %s: %w", s.ID, err)
	}
	return addChange(ctx, tx, "", s.ID, out.Change)
}

// addChange keeps a status change in the history (none when c is empty).
func addChange(ctx context.Context, tx pgx.Tx, offerID, searchID string, c takeover.StatusChange) error {
	if c.To == "" {
		return nil
	}
	_, err := tx.Exec(ctx, `INSERT INTO takeover_status_changes (offer_id, search_id, from_status, to_status, changed_by, changed_at, reason)
		VALUES (NULLIF($1, '')::uuid, NULLIF($2, '')::uuid, $3, $4, $5, $6, $7)`, offerID, searchID, c.From, c.To, c.By, c.At, c.Reason)
	if err != nil {
		return fmt.Errorf("store status change: %w", err)
	}
	return nil
}

// storeOutcome stores matches and events.
func storeOutcome(ctx context.Context, tx pgx.Tx, matches []takeover.Match, evs []events.Event) error {
	for _, m := range matches {
		if err := insertMatch(ctx, tx, m); err != nil {
			return err
		}
	}
	return outbox.Add(ctx, tx, evs...)
}

// unmatchedSearches reads the candidate searches of a listing (as
// searchCandidates) that are not matched with it yet: a republished
// listing meets only the searches it has not met.
func unmatchedSearches(ctx context.Context, tx pgx.Tx, o takeover.Offer, lookup takeover.SearchQuery) ([]takeover.Search, error) {
	if len(lookup.Keys) == 0 || len(lookup.Means) == 0 {
		return nil, nil
	}
	rows, err := tx.Query(ctx, `SELECT `+searchColumns+` FROM buyer_searches s
		WHERE status = 'open' AND match_keys && $1 AND deal_types && $2 AND `+searchFits+`
		  AND NOT EXISTS (SELECT 1 FROM takeover_matches m WHERE m.offer_id = $6 AND m.search_id = s.search_id)
		ORDER BY search_id`, searchFitArgs(lookup, arr(o.DealTypes), o.ID)...)
	if err != nil {
		return nil, fmt.Errorf("query candidate searches: %w", err)
	}
	return pgx.CollectRows(rows, scanSearch)
}

// unmatchedOffers reads the candidate listings of a search (as
// offerCandidates) that are not matched with it yet.
func unmatchedOffers(ctx context.Context, tx pgx.Tx, s takeover.Search, lookup takeover.OfferQuery) ([]takeover.Offer, error) {
	if len(lookup.Keys) == 0 {
		return nil, nil
	}
	rows, err := tx.Query(ctx, `SELECT `+offerColumns+` FROM takeover_offers o
		WHERE status = 'published' AND match_keys && $1 AND deal_types && $2 AND `+offerFits+`
		  AND NOT EXISTS (SELECT 1 FROM takeover_matches m WHERE m.search_id = $6 AND m.offer_id = o.offer_id)
		ORDER BY offer_id`, offerFitArgs(lookup, arr(s.DealTypes), s.ID)...)
	if err != nil {
		return nil, fmt.Errorf("query candidate offers: %w", err)
	}
	return pgx.CollectRows(rows, scanOffer)
}

// OfferFile implements app.Lifecycle.
func (s *Store) OfferFile(ctx context.Context, id string) (*takeover.File, error) {
	var f *takeover.File
	err := s.pool.QueryRow(ctx, `SELECT file FROM takeover_offer_files WHERE offer_id = $1`, id).Scan(&f)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read file of offer %s: %w", id, err)
	}
	return f, nil
}

// History implements app.Lifecycle.
func (s *Store) History(ctx context.Context, offerID, searchID string) ([]takeover.StatusChange, error) {
	rows, err := s.pool.Query(ctx, `SELECT from_status, to_status, changed_by, changed_at, reason FROM takeover_status_changes
		WHERE CASE WHEN $1 <> '' THEN offer_id = NULLIF($1, '')::uuid ELSE search_id = NULLIF($2, '')::uuid END
		ORDER BY change_id`, offerID, searchID)
	if err != nil {
		return nil, fmt.Errorf("read history: %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (takeover.StatusChange, error) {
		var c takeover.StatusChange
		err := r.Scan(&c.From, &c.To, &c.By, &c.At, &c.Reason)
		return c, err
	})
}

// AskReviews implements app.Periodic.
func (s *Store) AskReviews(ctx context.Context, dueBy, now time.Time, limit int,
	ask func(takeover.Offer) (events.Event, error)) (int, error) {
	n := 0
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT `+offerColumns+` FROM takeover_offers
			WHERE status IN ('published', 'paused')
			  AND greatest(coalesce(updated_at, registered_at), coalesce(review_asked_at, registered_at)) <= $1
			ORDER BY greatest(coalesce(updated_at, registered_at), coalesce(review_asked_at, registered_at)), offer_id
			LIMIT $2 FOR UPDATE SKIP LOCKED`, dueBy, limit)
		if err != nil {
			return fmt.Errorf("read listings due for review: %w", err)
		}
		due, err := pgx.CollectRows(rows, scanOffer)
		if err != nil {
			return fmt.Errorf("read listings due for review: %w", err)
		}
		var evs []events.Event
		for _, o := range due {
			ev, err := ask(o)
			if err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `UPDATE takeover_offers SET review_asked_at = $2 WHERE offer_id = $1`, o.ID, now); err != nil {
				return fmt.Errorf("mark review asked: %w", err)
			}
			evs = append(evs, ev)
		}
		n = len(due)
		return outbox.Add(ctx, tx, evs...)
	})
	if err == nil && n > 0 {
		s.relay.Wake()
	}
	return n, err
}

// ExpireSearches implements app.Periodic.
func (s *Store) ExpireSearches(ctx context.Context, validBefore time.Time, limit int,
	expire func(takeover.Search) (app.SearchChange, error)) (int, error) {
	n := 0
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT `+searchColumns+` FROM buyer_searches
			WHERE status IN ('open', 'paused') AND coalesce(renewed_at, completed_at, registered_at) <= $1
			ORDER BY coalesce(renewed_at, completed_at, registered_at), search_id
			LIMIT $2 FOR UPDATE SKIP LOCKED`, validBefore, limit)
		if err != nil {
			return fmt.Errorf("read searches to expire: %w", err)
		}
		due, err := pgx.CollectRows(rows, scanSearch)
		if err != nil {
			return fmt.Errorf("read searches to expire: %w", err)
		}
		for _, search := range due {
			out, err := expire(search)
			if err != nil {
				return err
			}
			if err := storeSearchChange(ctx, tx, out); err != nil {
				return err
			}
			if err := outbox.Add(ctx, tx, out.Events...); err != nil {
				return err
			}
		}
		n = len(due)
		return nil
	})
	if err == nil && n > 0 {
		s.relay.Wake()
	}
	return n, err
}
