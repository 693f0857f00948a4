package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/ccicma/platform/services/takeover-matching/internal/domain/takeover"
)

const offerColumns = `offer_id::text, request_id::text, chamber, coalesce(secondary_chamber, ''), coalesce(advisor_id, ''),
	naf_code, departement, coalesce(region, ''), coalesce(commune_code, ''), coalesce(epci, ''), coalesce(siret, ''),
	headcount, revenue_band, profit_band, asking_price, deal_types, reason, timeline, confidential, registered_at,
	status, coalesce(updated_at, registered_at), teaser,
	coalesce(taken_at, '0001-01-01Z'), coalesce(taken_by, '')`

func scanOffer(r pgx.CollectableRow) (takeover.Offer, error) {
	var o takeover.Offer
	err := r.Scan(&o.ID, &o.RequestID, &o.Chamber, &o.SecondaryChamber, &o.AdvisorID, &o.NAFCode, &o.Departement,
		&o.Region, &o.CommuneCode, &o.EPCI, &o.SIRET, &o.Headcount, &o.RevenueBand, &o.ProfitBand, &o.AskingPrice,
		&o.DealTypes, &o.Reason, &o.Timeline, &o.Confidential, &o.RegisteredAt, &o.Status, &o.UpdatedAt, &o.Teaser,
		&o.Care.TakenAt, &o.Care.TakenBy)
	return o, err
}

// insertOffer stores the offer unless its request already has one: a
// request replayed after its inbox row was pruned still registers once.
func insertOffer(ctx context.Context, tx pgx.Tx, o takeover.Offer) (bool, error) {
	tag, err := tx.Exec(ctx, `INSERT INTO takeover_offers (offer_id, request_id, chamber, secondary_chamber, advisor_id,
		naf_code, naf_levels, departement, region, commune_code, epci, siret, headcount, revenue_band, profit_band,
		asking_price, deal_types, reason, timeline, confidential, registered_at, match_keys, status, updated_at)
		VALUES ($1, $2, $3, NULLIF($4, ''), NULLIF($5, ''), $6, $7, $8, NULLIF($9, ''), NULLIF($10, ''), NULLIF($11, ''),
		        NULLIF($12, ''), $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24)
		ON CONFLICT (request_id) DO NOTHING`,
		o.ID, o.RequestID, o.Chamber, o.SecondaryChamber, o.AdvisorID, o.NAFCode, takeover.NAFLevels(o.NAFCode),
		o.Departement, o.Region, o.CommuneCode, o.EPCI, o.SIRET, o.Headcount, o.RevenueBand, o.ProfitBand,
		o.AskingPrice, arr(o.DealTypes), o.Reason, o.Timeline, o.Confidential, o.RegisteredAt, arr(takeover.OfferKeys(o)),
		offerStatus(o), o.RegisteredAt)
	if err != nil {
		return false, fmt.Errorf("insert offer: %w", err)
	}
	return tag.RowsAffected() == 1, nil
}

// offerStatus is the status an offer is stored with: submitted unless
// its domain says otherwise.
func offerStatus(o takeover.Offer) string {
	if o.Status == "" {
		return takeover.OfferSubmitted
	}
	return o.Status
}

// offerCandidates reads the published listings that may fit a search: those
// stored with one of the lookup keys (takeover.Matcher.OfferLookup: a
// sector at the candidate level in a place the search covers) and a deal
// type it considers, through the keys' GIN index; the domain applies the
// other filters and scores what comes back.
func offerCandidates(ctx context.Context, tx pgx.Tx, s takeover.Search, lookup takeover.OfferQuery) ([]takeover.Offer, error) {
	if len(lookup.Keys) == 0 {
		return nil, nil
	}
	rows, err := tx.Query(ctx, `SELECT `+offerColumns+` FROM takeover_offers
		WHERE status = 'published' AND match_keys && $1 AND deal_types && $2 AND `+offerFits+` ORDER BY offer_id`,
		offerFitArgs(lookup, arr(s.DealTypes))...)
	if err != nil {
		return nil, fmt.Errorf("query candidate offers: %w", err)
	}
	out, err := pgx.CollectRows(rows, scanOffer)
	if err != nil {
		return nil, fmt.Errorf("read candidate offers: %w", err)
	}
	return out, nil
}

// offerFits is the price and size part of a search's hard filters
// (takeover.OfferQuery), on the query's arguments $3 to $5.
const offerFits = `asking_price > 0 AND asking_price <= $3 AND headcount BETWEEN $4 AND $5`

// offerFitArgs are the arguments of a query of listings: the keys, the
// deal types, then those of offerFits.
func offerFitArgs(q takeover.OfferQuery, dealTypes any, more ...any) []any {
	return append([]any{q.Keys, dealTypes, q.MaxPrice, q.MinHeadcount, q.MaxHeadcount}, more...)
}

// Offer returns an offer by id.
func (s *Store) Offer(ctx context.Context, id string) (takeover.Offer, bool, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+offerColumns+` FROM takeover_offers WHERE offer_id = $1`, id)
	if err != nil {
		return takeover.Offer{}, false, fmt.Errorf("get offer: %w", err)
	}
	o, err := pgx.CollectExactlyOneRow(rows, scanOffer)
	if errors.Is(err, pgx.ErrNoRows) {
		return takeover.Offer{}, false, nil
	}
	if err != nil {
		return takeover.Offer{}, false, fmt.Errorf("get offer: %w", err)
	}
	return o, true, nil
}

// OfferByRequest returns the offer registered for an intake request.
func (s *Store) OfferByRequest(ctx context.Context, requestID string) (takeover.Offer, bool, error) {
	var id string
	err := s.pool.QueryRow(ctx, `SELECT offer_id::text FROM takeover_offers WHERE request_id = $1`, requestID).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return takeover.Offer{}, false, nil
	}
	if err != nil {
		return takeover.Offer{}, false, fmt.Errorf("get offer by request: %w", err)
	}
	return s.Offer(ctx, id)
}
