package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ccicma/platform/pkg/directory/projection"
	"github.com/ccicma/platform/pkg/events"
	"github.com/ccicma/platform/pkg/outbox"

	"github.com/ccicma/platform/services/takeover-matching/internal/app"
	"github.com/ccicma/platform/services/takeover-matching/internal/domain/takeover"
)

var _ app.CareStore = (*Store)(nil)

// CareOffer implements app.CareStore. The offer's row is locked first,
// then the advisors' loads are changed in advisor order (as registrations
// do, after their own lock), so the two cannot deadlock.
func (s *Store) CareOffer(ctx context.Context, id string,
	decide func(takeover.Offer, app.CareDirectory) (app.OfferCare, error)) (takeover.Offer, error) {
	var done takeover.Offer
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		o, err := lockOne(ctx, tx, `SELECT `+offerColumns+` FROM takeover_offers WHERE offer_id = $1 FOR UPDATE`, id, scanOffer)
		if err != nil {
			return err
		}
		out, err := decide(o, careDirectory{tx: tx, offerID: id})
		if err != nil {
			return err
		}
		n := out.Offer
		if _, err := tx.Exec(ctx, `UPDATE takeover_offers SET advisor_id = NULLIF($2, ''),
			taken_at = NULLIF($3, '0001-01-01Z'::timestamptz), taken_by = NULLIF($4, '') WHERE offer_id = $1`,
			id, n.AdvisorID, n.Care.TakenAt, n.Care.TakenBy); err != nil {
			return fmt.Errorf("update offer %s: %w", id, err)
		}
		if err := storeHandBack(ctx, tx, "offer", id, n.AdvisorID, out.HandBack); err != nil {
			return err
		}
		done = n
		return finishCare(ctx, tx, o.AdvisorID, n.AdvisorID, out.Event)
	})
	return done, err
}

// CareSearch implements app.CareStore, as CareOffer.
func (s *Store) CareSearch(ctx context.Context, id string,
	decide func(takeover.Search, app.CareDirectory) (app.SearchCare, error)) (takeover.Search, error) {
	var done takeover.Search
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		search, err := lockOne(ctx, tx, `SELECT `+searchColumns+` FROM buyer_searches WHERE search_id = $1 FOR UPDATE`, id, scanSearch)
		if err != nil {
			return err
		}
		out, err := decide(search, careDirectory{tx: tx, searchID: id})
		if err != nil {
			return err
		}
		n := out.Search
		if _, err := tx.Exec(ctx, `UPDATE buyer_searches SET advisor_id = NULLIF($2, ''),
			taken_at = NULLIF($3, '0001-01-01Z'::timestamptz), taken_by = NULLIF($4, '') WHERE search_id = $1`,
			id, n.AdvisorID, n.Care.TakenAt, n.Care.TakenBy); err != nil {
			return fmt.Errorf("update search %s: %w", id, err)
		}
		if err := storeHandBack(ctx, tx, "search", id, n.AdvisorID, out.HandBack); err != nil {
			return err
		}
		done = n
		return finishCare(ctx, tx, search.AdvisorID, n.AdvisorID, out.Event)
	})
	return done, err
}

// inTx runs f in a transaction and wakes the relay after it commits.
func (s *Store) inTx(ctx context.Context, f func(tx pgx.Tx) error) error {
	err := pgx.BeginFunc(ctx, s.pool, f)
	if err == nil {
		s.relay.Wake()
	}
	return err
}

// storeHandBack keeps a hand-back (none for a taking in charge) and puts
// the new advisor on the side's matches, so that the match steps reach
// the advisor who now follows it. side is "offer" or "search".
func storeHandBack(ctx context.Context, tx pgx.Tx, side, id, to string, h *takeover.HandBack) error {
	if h == nil {
		return nil
	}
	if _, err := tx.Exec(ctx, `INSERT INTO takeover_hand_backs (`+side+`_id, advisor_id, reason, comment, to_advisor_id, handed_back_at)
		VALUES ($1, $2, $3, $4, NULLIF($5, ''), $6)`, id, h.AdvisorID, h.Reason, h.Comment, to, h.At); err != nil {
		return fmt.Errorf("store hand-back of %s %s: %w", side, id, err)
	}
	if _, err := tx.Exec(ctx, `UPDATE takeover_matches SET `+side+`_advisor_id = NULLIF($2, '') WHERE `+side+`_id = $1`, id, to); err != nil {
		return fmt.Errorf("move matches of %s %s: %w", side, id, err)
	}
	return nil
}

// finishCare counts the offer or search out of the previous advisor's
// load and into the new one's, and stores the event.
func finishCare(ctx context.Context, tx pgx.Tx, from, to string, ev events.Event) error {
	if from != to {
		counts := map[string]int{}
		if from != "" {
			counts[from]--
		}
		if to != "" {
			counts[to]++
		}
		if err := projection.AddCases(ctx, tx, counts); err != nil {
			return err
		}
	}
	return outbox.Add(ctx, tx, ev)
}

// careDirectory reads the advisor projection and the hand-backs within a
// taking in charge's transaction.
type careDirectory struct {
	tx                pgx.Tx
	offerID, searchID string
}

// Candidates implements app.CareDirectory.
func (d careDirectory) Candidates(ctx context.Context, chamber string, place takeover.Place, now time.Time) ([]takeover.AdvisorLoad, error) {
	return loadCandidates(ctx, d.tx, chamber, place, now)
}

// HandedBack implements app.CareDirectory.
func (d careDirectory) HandedBack(ctx context.Context) ([]string, error) {
	rows, err := d.tx.Query(ctx, `SELECT DISTINCT advisor_id FROM takeover_hand_backs
		WHERE CASE WHEN $1 <> '' THEN offer_id = NULLIF($1, '')::uuid ELSE search_id = NULLIF($2, '')::uuid END
		ORDER BY advisor_id`, d.offerID, d.searchID)
	if err != nil {
		return nil, fmt.Errorf("read hand-backs: %w", err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("read hand-backs: %w", err)
	}
	return ids, nil
}
