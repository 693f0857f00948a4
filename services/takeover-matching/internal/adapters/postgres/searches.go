package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/ccicma/platform/services/takeover-matching/internal/domain/takeover"
)

const searchColumns = `search_id::text, request_id::text, chamber, coalesce(secondary_chamber, ''), coalesce(advisor_id, ''),
	sectors, commune_codes, epci_codes, departements, regions, mobility, budget_band, contribution_band,
	headcount_min, headcount_max, deal_types, timeline, experience, status, coalesce(creation_case_id::text, ''),
	registered_at, coalesce(completed_at, '0001-01-01Z'), coalesce(updated_at, '0001-01-01Z'), coalesce(renewed_at, '0001-01-01Z'),
	coalesce(taken_at, '0001-01-01Z'), coalesce(taken_by, '')`

func scanSearch(r pgx.CollectableRow) (takeover.Search, error) {
	var s takeover.Search
	err := r.Scan(&s.ID, &s.RequestID, &s.Chamber, &s.SecondaryChamber, &s.AdvisorID, &s.Sectors, &s.CommuneCodes,
		&s.EPCICodes, &s.Departements, &s.Regions, &s.Mobility, &s.BudgetBand, &s.ContributionBand,
		&s.HeadcountMin, &s.HeadcountMax, &s.DealTypes, &s.Timeline, &s.Experience, &s.Status, &s.CreationCaseID,
		&s.RegisteredAt, &s.CompletedAt, &s.UpdatedAt, &s.RenewedAt, &s.Care.TakenAt, &s.Care.TakenBy)
	return s, err
}

// insertSearch stores the search unless its request already has one.
func insertSearch(ctx context.Context, tx pgx.Tx, s takeover.Search) (bool, error) {
	tag, err := tx.Exec(ctx, `INSERT INTO buyer_searches (search_id, request_id, chamber, secondary_chamber, advisor_id,
		sectors, commune_codes, epci_codes, departements, regions, mobility, budget_band, contribution_band,
		headcount_min, headcount_max, deal_types, timeline, experience, status, creation_case_id, registered_at, match_keys)
		VALUES ($1, $2, $3, NULLIF($4, ''), NULLIF($5, ''), $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18,
		        $19, NULLIF($20, '')::uuid, $21, $22)
		ON CONFLICT (request_id) DO NOTHING`,
		s.ID, s.RequestID, s.Chamber, s.SecondaryChamber, s.AdvisorID, arr(s.Sectors), arr(s.CommuneCodes),
		arr(s.EPCICodes), arr(s.Departements), arr(s.Regions), s.Mobility, s.BudgetBand, s.ContributionBand,
		s.HeadcountMin, s.HeadcountMax, arr(s.DealTypes), s.Timeline, s.Experience, s.Status, s.CreationCaseID,
		s.RegisteredAt, arr(takeover.SearchKeys(s)))
	if err != nil {
		return false, fmt.Errorf("insert search: %w", err)
	}
	return tag.RowsAffected() == 1, nil
}

// updateCompleted stores the criteria of a completed draft.
func updateCompleted(ctx context.Context, tx pgx.Tx, s takeover.Search) error {
	_, err := tx.Exec(ctx, `UPDATE buyer_searches SET sectors = $2, commune_codes = $3, epci_codes = $4,
		departements = $5, regions = $6, mobility = $7, budget_band = $8, contribution_band = $9, headcount_min = $10,
		headcount_max = $11, deal_types = $12, timeline = $13, experience = $14, status = $15, completed_at = $16,
		match_keys = $17
		WHERE search_id = $1`,
		s.ID, arr(s.Sectors), arr(s.CommuneCodes), arr(s.EPCICodes), arr(s.Departements), arr(s.Regions), s.Mobility,
		s.BudgetBand, s.ContributionBand, s.HeadcountMin, s.HeadcountMax, arr(s.DealTypes), s.Timeline, s.Experience,
		s.Status, s.CompletedAt, arr(takeover.SearchKeys(s)))
	if err != nil {
		return fmt.Errorf("update search %s: %w", s.ID, err)
	}
	return nil
}

// searchCandidates reads the open searches that may fit an offer: those
// stored with one of the lookup keys (takeover.Matcher.SearchLookup: the
// offer's sector at the candidate level in one of its places) and one of
// its deal types, through the keys' GIN index; the domain applies the
// other filters and scores what comes back.
func searchCandidates(ctx context.Context, tx pgx.Tx, o takeover.Offer, lookup takeover.SearchQuery) ([]takeover.Search, error) {
	if len(lookup.Keys) == 0 || len(lookup.Means) == 0 {
		return nil, nil
	}
	rows, err := tx.Query(ctx, `SELECT `+searchColumns+` FROM buyer_searches
		WHERE status = 'open' AND match_keys && $1 AND deal_types && $2 AND `+searchFits+` ORDER BY search_id`,
		searchFitArgs(lookup, arr(o.DealTypes))...)
	if err != nil {
		return nil, fmt.Errorf("query candidate searches: %w", err)
	}
	out, err := pgx.CollectRows(rows, scanSearch)
	if err != nil {
		return nil, fmt.Errorf("read candidate searches: %w", err)
	}
	return out, nil
}

// searchFits is the price and size part of a search's hard filters
// (takeover.SearchQuery), on the query's arguments $3 to $5: its means
// accept the price, its headcount range (widened by the slack) holds
// the offer's.
const searchFits = `(budget_band || '|' || contribution_band) = ANY($3)
	AND headcount_min - greatest(1, headcount_min * $5 / 100) <= $4
	AND headcount_max + greatest(1, headcount_max * $5 / 100) >= $4`

// searchFitArgs are the arguments of a query of searches: the keys, the
// deal types, then those of searchFits.
func searchFitArgs(q takeover.SearchQuery, dealTypes any, more ...any) []any {
	return append([]any{q.Keys, dealTypes, q.Means, q.Headcount, q.SlackPercent}, more...)
}

// Search returns a search by id.
func (s *Store) Search(ctx context.Context, id string) (takeover.Search, bool, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+searchColumns+` FROM buyer_searches WHERE search_id = $1`, id)
	if err != nil {
		return takeover.Search{}, false, fmt.Errorf("get search: %w", err)
	}
	out, err := pgx.CollectExactlyOneRow(rows, scanSearch)
	if errors.Is(err, pgx.ErrNoRows) {
		return takeover.Search{}, false, nil
	}
	if err != nil {
		return takeover.Search{}, false, fmt.Errorf("get search: %w", err)
	}
	return out, true, nil
}

// SearchByRequest returns the search registered for an intake request.
func (s *Store) SearchByRequest(ctx context.Context, requestID string) (takeover.Search, bool, error) {
	var id string
	err := s.pool.QueryRow(ctx, `SELECT search_id::text FROM buyer_searches WHERE request_id = $1`, requestID).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return takeover.Search{}, false, nil
	}
	if err != nil {
		return takeover.Search{}, false, fmt.Errorf("get search by request: %w", err)
	}
	return s.Search(ctx, id)
}
