package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ccicma/platform/pkg/events"
	"github.com/ccicma/platform/pkg/inbox"
	"github.com/ccicma/platform/pkg/mailer"
	"github.com/ccicma/platform/pkg/pgdb"

	"github.com/ccicma/platform/services/intake/internal/app"
	"github.com/ccicma/platform/services/intake/internal/domain/notice"
)

var (
	_ app.Market  = (*Store)(nil)
	_ app.Digests = (*Store)(nil)
)

// apply runs fn in a transaction (the consumer's batch, if any), with the
// inbox claim of trigger when there is one: a claimed event changes
// nothing again.
func (s *Store) apply(ctx context.Context, trigger *events.Event, fn func(pgx.Tx) error) error {
	if trigger != nil {
		_, err := inbox.Apply(ctx, s.pool, Consumer, *trigger, fn)
		return err
	}
	return pgdb.InTx(ctx, s.pool, fn)
}

// newerStatus is the guard of a status write: the row's status changes
// only for a newer one, or an equally recent one unless $5 says it is
// inferred (a registration's, or a search's from a proposal), which a
// status change of the same time overrides.
const newerStatus = `t.status_at IS NULL OR t.status_at < EXCLUDED.status_at OR (NOT $5 AND t.status_at = EXCLUDED.status_at)`

// KeepSearch implements app.Market.
func (s *Store) KeepSearch(ctx context.Context, trigger *events.Event, se app.Search) error {
	return s.apply(ctx, trigger, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO takeover_searches AS t (search_id, request_id, status, status_at)
			VALUES ($1, NULLIF($2, '')::uuid, $3, $4)
			ON CONFLICT (search_id) DO UPDATE SET request_id = coalesce(EXCLUDED.request_id, t.request_id),
				status = CASE WHEN `+newerStatus+` THEN EXCLUDED.status ELSE t.status END,
				status_at = CASE WHEN `+newerStatus+` THEN EXCLUDED.status_at ELSE t.status_at END`,
			se.SearchID, se.RequestID, se.Status, se.At, se.Inferred)
		if err != nil {
			return fmt.Errorf("keep search: %w", err)
		}
		return nil
	})
}

// KeepListing implements app.Market. The teaser, when given, replaces the
// one kept (a listing is published with one).
func (s *Store) KeepListing(ctx context.Context, trigger *events.Event, l app.Listing) error {
	var t app.Teaser
	if l.Teaser != nil {
		t = *l.Teaser
	}
	return s.apply(ctx, trigger, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO takeover_listings AS t (offer_id, departement, status, status_at, sector, sector_level,
				revenue_band, profit_band, headcount_band, price_band, deal_types, timeline)
			VALUES ($1, NULLIF($2, ''), $3, $4, NULLIF($6, ''), $7, $8, $9, $10, $11, $12, $13)
			ON CONFLICT (offer_id) DO UPDATE SET departement = coalesce(EXCLUDED.departement, t.departement),
				status = CASE WHEN `+newerStatus+` THEN EXCLUDED.status ELSE t.status END,
				status_at = CASE WHEN `+newerStatus+` THEN EXCLUDED.status_at ELSE t.status_at END,
				sector = coalesce(EXCLUDED.sector, t.sector),
				sector_level = CASE WHEN EXCLUDED.sector IS NULL THEN t.sector_level ELSE EXCLUDED.sector_level END,
				revenue_band = CASE WHEN EXCLUDED.sector IS NULL THEN t.revenue_band ELSE EXCLUDED.revenue_band END,
				profit_band = CASE WHEN EXCLUDED.sector IS NULL THEN t.profit_band ELSE EXCLUDED.profit_band END,
				headcount_band = CASE WHEN EXCLUDED.sector IS NULL THEN t.headcount_band ELSE EXCLUDED.headcount_band END,
				price_band = CASE WHEN EXCLUDED.sector IS NULL THEN t.price_band ELSE EXCLUDED.price_band END,
				deal_types = CASE WHEN EXCLUDED.sector IS NULL THEN t.deal_types ELSE EXCLUDED.deal_types END,
				timeline = CASE WHEN EXCLUDED.sector IS NULL THEN t.timeline ELSE EXCLUDED.timeline END`,
			l.OfferID, l.Departement, l.Status, l.At, l.Status == events.OfferSubmitted,
			t.Sector, t.SectorLevel, t.RevenueBand, t.ProfitBand, t.HeadcountBand, t.PriceBand, t.DealTypes, t.Timeline)
		if err != nil {
			return fmt.Errorf("keep listing: %w", err)
		}
		return nil
	})
}

// KeepMatch implements app.Market.
func (s *Store) KeepMatch(ctx context.Context, trigger *events.Event, m app.ProposedMatch) error {
	return s.apply(ctx, trigger, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO buyer_digest_matches (match_id, search_id, offer_id, score, proposed_at)
			VALUES ($1, $2, $3, $4, $5) ON CONFLICT (match_id) DO NOTHING`,
			m.MatchID, m.SearchID, m.OfferID, m.Score, m.ProposedAt)
		if err != nil {
			return fmt.Errorf("keep match: %w", err)
		}
		return nil
	})
}

// CloseMatch implements app.Market: a match not kept yet is kept closed,
// so that its proposal, should it come later, changes nothing.
func (s *Store) CloseMatch(ctx context.Context, m app.ProposedMatch, at time.Time) error {
	return s.apply(ctx, nil, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO buyer_digest_matches AS t (match_id, search_id, offer_id, score, proposed_at, closed_at)
			VALUES ($1, $2, $3, 0, $4, $4)
			ON CONFLICT (match_id) DO UPDATE SET closed_at = coalesce(t.closed_at, EXCLUDED.closed_at)`,
			m.MatchID, m.SearchID, m.OfferID, at)
		if err != nil {
			return fmt.Errorf("close match: %w", err)
		}
		return nil
	})
}

// onMarket is what a match needs to be in a digest: not dropped nor
// concluded, its listing published with its teaser, its search open.
const onMarket = `m.closed_at IS NULL AND l.status = 'published' AND l.sector IS NOT NULL AND s.status = 'open'`

// waiting joins a waiting match (m) to its listing (l), search (s) and
// buyer request (r), when all are on the market and the request is held
// with its contact details. The search's status, not the request's, says
// whether the buyer still looks: a search opened from a creation project
// redirected to takeover belongs to the creation request, closed by the
// redirection.
const waiting = `FROM buyer_digest_matches m
	JOIN takeover_listings l ON l.offer_id = m.offer_id
	JOIN takeover_searches s ON s.search_id = m.search_id
	JOIN requests r ON r.request_id = s.request_id
	WHERE m.digest_day IS NULL AND ` + onMarket + ` AND r.anonymised_at IS NULL`

// BuyersDue implements app.Digests.
func (s *Store) BuyersDue(ctx context.Context, day string, cutoff time.Time) ([]string, error) {
	rows, err := s.pool.Query(ctx, `SELECT DISTINCT r.request_id::text `+waiting+` AND m.proposed_at < $2
		AND NOT EXISTS (SELECT 1 FROM buyer_digests d WHERE d.request_id = r.request_id AND d.day = $1::date)
		ORDER BY 1`, day, cutoff)
	if err != nil {
		return nil, fmt.Errorf("list buyers due a digest: %w", err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("list buyers due a digest: %w", err)
	}
	return out, nil
}

// errNoDigest rolls back a digest that found nothing to name.
var errNoDigest = errors.New("nothing for the digest")

// PrepareDigest implements app.Digests. The day's row of the buyer is
// inserted first: its primary key makes a concurrent run (another
// replica) wait, then find it and do nothing, so that a buyer's matches
// are never split between two digests of a day. The matches it takes are
// locked by the update, so a match closed meanwhile waits for it.
func (s *Store) PrepareDigest(ctx context.Context, requestID, day string, cutoff, now time.Time) (bool, error) {
	err := pgdb.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `INSERT INTO buyer_digests (request_id, day, listings, created_at) VALUES ($1, $2::date, 0, $3)
			ON CONFLICT DO NOTHING`, requestID, day, now)
		if err != nil {
			return fmt.Errorf("record digest: %w", err)
		}
		if tag.RowsAffected() == 0 {
			return errNoDigest
		}
		tag, err = tx.Exec(ctx, `UPDATE buyer_digest_matches t SET digest_day = $2::date, request_id = $1
			WHERE t.match_id IN (SELECT m.match_id `+waiting+` AND m.proposed_at < $3 AND r.request_id = $1)`,
			requestID, day, cutoff)
		if err != nil {
			return fmt.Errorf("take matches into digest: %w", err)
		}
		if tag.RowsAffected() == 0 {
			return errNoDigest
		}
		if _, err := tx.Exec(ctx, `UPDATE buyer_digests SET listings = $3 WHERE request_id = $1 AND day = $2::date`,
			requestID, day, tag.RowsAffected()); err != nil {
			return fmt.Errorf("count digest's listings: %w", err)
		}
		if s.mail == nil {
			return nil
		}
		if _, err := mailer.Enqueue(ctx, tx, notice.Key{RequestID: requestID, DigestDay: day}.String(), now); err != nil {
			return fmt.Errorf("queue digest e-mail: %w", err)
		}
		return nil
	})
	if errors.Is(err, errNoDigest) {
		return false, nil
	}
	return err == nil, err
}

// MailDigest implements app.MailContents: the teasers of the digest's
// matches still on the market, best score first. Nothing else of the
// listing is read: the table holds nothing else.
func (s *Store) MailDigest(ctx context.Context, requestID, day string) ([]notice.Listing, error) {
	rows, err := s.pool.Query(ctx, `SELECT l.sector, coalesce(l.sector_level, ''), coalesce(l.departement, ''),
			coalesce(l.revenue_band, ''), coalesce(l.profit_band, ''), coalesce(l.headcount_band, ''), coalesce(l.price_band, ''),
			coalesce(l.deal_types, '{}'), coalesce(l.timeline, ''), m.score
		FROM buyer_digest_matches m
		JOIN takeover_listings l ON l.offer_id = m.offer_id
		JOIN takeover_searches s ON s.search_id = m.search_id
		WHERE m.request_id = $1 AND m.digest_day = $2::date AND `+onMarket+`
		ORDER BY m.score DESC, m.proposed_at, m.match_id`, requestID, day)
	if err != nil {
		return nil, fmt.Errorf("load digest for e-mail: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (notice.Listing, error) {
		var l notice.Listing
		err := row.Scan(&l.Sector, &l.SectorLevel, &l.Departement, &l.RevenueBand, &l.ProfitBand, &l.HeadcountBand,
			&l.PriceBand, &l.DealTypes, &l.Timeline, &l.Score)
		return l, err
	})
	if err != nil {
		return nil, fmt.Errorf("load digest for e-mail: %w", err)
	}
	return out, nil
}
