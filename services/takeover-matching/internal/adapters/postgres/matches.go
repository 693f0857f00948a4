package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/ccicma/platform/services/takeover-matching/internal/domain/takeover"
)

const matchColumns = `match_id::text, offer_id::text, search_id::text, offer_chamber, coalesce(offer_secondary_chamber, ''),
	search_chamber, coalesce(search_secondary_chamber, ''), coalesce(offer_advisor_id, ''), coalesce(search_advisor_id, ''),
	score, criteria, proposed_at, rules_version, contributions, explanation`

func scanMatch(r pgx.CollectableRow) (takeover.Match, error) {
	var m takeover.Match
	var cs []contributionRow
	err := r.Scan(&m.ID, &m.OfferID, &m.SearchID, &m.OfferChamber, &m.OfferSecondaryChamber, &m.SearchChamber,
		&m.SearchSecondaryChamber, &m.OfferAdvisorID, &m.SearchAdvisorID, &m.Score, &m.Criteria, &m.ProposedAt,
		&m.RulesVersion, &cs, &m.Explanation)
	for _, c := range cs {
		m.Contributions = append(m.Contributions, takeover.Contribution(c))
	}
	return m, err
}

// contributionRow is a contribution as the contributions column holds
// it (JSON).
type contributionRow struct {
	Criterion string `json:"criterion"`
	Level     string `json:"level"`
	Points    int    `json:"points"`
	Max       int    `json:"max_points"`
}

// insertMatch stores a match; the pair's uniqueness backs the rule that a
// pair is proposed once (the caller never proposes it twice: a pair is
// scored only when its second side registers).
func insertMatch(ctx context.Context, tx pgx.Tx, m takeover.Match) error {
	cs := make([]contributionRow, len(m.Contributions))
	for i, c := range m.Contributions {
		cs[i] = contributionRow(c)
	}
	_, err := tx.Exec(ctx, `INSERT INTO takeover_matches (match_id, offer_id, search_id, offer_chamber,
		offer_secondary_chamber, search_chamber, search_secondary_chamber, offer_advisor_id, search_advisor_id,
		score, criteria, proposed_at, rules_version, contributions, explanation)
		VALUES ($1, $2, $3, $4, NULLIF($5, ''), $6, NULLIF($7, ''), NULLIF($8, ''), NULLIF($9, ''), $10, $11, $12, $13, $14, $15)`,
		m.ID, m.OfferID, m.SearchID, m.OfferChamber, m.OfferSecondaryChamber, m.SearchChamber, m.SearchSecondaryChamber,
		m.OfferAdvisorID, m.SearchAdvisorID, m.Score, arr(m.Criteria), m.ProposedAt, m.RulesVersion, cs, m.Explanation)
	if err != nil {
		return fmt.Errorf("insert match: %w", err)
	}
	return nil
}

// MatchesOfOffer lists the matches of an offer, best first.
func (s *Store) MatchesOfOffer(ctx context.Context, offerID string) ([]takeover.Match, error) {
	return s.matches(ctx, `offer_id = $1`, offerID)
}

// MatchesOfSearch lists the matches of a search, best first.
func (s *Store) MatchesOfSearch(ctx context.Context, searchID string) ([]takeover.Match, error) {
	return s.matches(ctx, `search_id = $1`, searchID)
}

// maxMatches bounds a side's list: a side with more matches than this is
// a sign that the threshold is too low, not something to page through.
const maxMatches = 500

func (s *Store) matches(ctx context.Context, where, id string) ([]takeover.Match, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+matchColumns+` FROM takeover_matches WHERE `+where+`
		ORDER BY score DESC, match_id LIMIT $2`, id, maxMatches)
	if err != nil {
		return nil, fmt.Errorf("list matches: %w", err)
	}
	out, err := pgx.CollectRows(rows, scanMatch)
	if err != nil {
		return nil, fmt.Errorf("list matches: %w", err)
	}
	return out, nil
}

// Match reads one match.
func (s *Store) Match(ctx context.Context, id string) (takeover.Match, bool, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+matchColumns+` FROM takeover_matches WHERE match_id = $1`, id)
	if err != nil {
		return takeover.Match{}, false, fmt.Errorf("read match: %w", err)
	}
	m, err := pgx.CollectExactlyOneRow(rows, scanMatch)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return takeover.Match{}, false, nil
	case err != nil:
		return takeover.Match{}, false, fmt.Errorf("read match: %w", err)
	}
	return m, true, nil
}
