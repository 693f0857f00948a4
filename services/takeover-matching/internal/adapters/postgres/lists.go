package postgres

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/ccicma/platform/services/takeover-matching/internal/domain/takeover"
)

// The advisors' lists: a chamber's offers and searches, or the
// marketplace of both chambers (published listings, open searches), each
// narrowed by a takeover.ListFilter, by id after the id given ("" from
// the start). Every filter is a parameter (the marketplace's status, a
// constant, excepted): the query text varies only by which filters are
// set. The marketplace reads the partial indexes of
// migration 008 (published listings by id, département and teaser
// sector; open searches by id and département).

// where collects a query's conditions and their arguments.
type where struct {
	conds []string
	args  []any
}

// arg adds an argument and returns its placeholder.
func (w *where) arg(v any) string {
	w.args = append(w.args, v)
	return "$" + strconv.Itoa(len(w.args))
}

func (w *where) add(format string, vs ...any) {
	ps := make([]any, len(vs))
	for i, v := range vs {
		ps[i] = w.arg(v)
	}
	w.conds = append(w.conds, fmt.Sprintf(format, ps...))
}

func (w *where) sql() string { return strings.Join(w.conds, " AND ") }

// common adds the conditions offers and searches share: the scope (a
// chamber's own, or the market's status), status, chamber, deal type and
// the keyset.
func (w *where) common(idCol, marketStatus, chamber string, f takeover.ListFilter, after string) {
	if f.Market {
		// A literal (one of the domain's statuses, never input), so that
		// the planner matches the partial indexes even in a generic plan.
		w.conds = append(w.conds, "status = '"+marketStatus+"'")
	} else {
		w.add("(chamber = %[1]s OR secondary_chamber = %[1]s)", chamber)
	}
	if f.Status != "" {
		w.add("status = %s", f.Status)
	}
	if f.Chamber != "" {
		w.add("chamber = %s", f.Chamber)
	}
	if f.DealType != "" {
		w.add("deal_types @> ARRAY[%s]::text[]", f.DealType)
	}
	if after != "" {
		w.add(idCol+" > %s::uuid", after)
	}
}

// sector adds the sector's condition on the NAF id expr.
func (w *where) sector(expr string, sc takeover.SectorScope) {
	// ~>=~ and ~<~ compare bytes, as the text_pattern_ops index does.
	w.add("("+expr+" = %s OR ("+expr+" ~>=~ %s AND "+expr+" ~<~ %s))", sc.Section, sc.Low, sc.High)
}

// Offers lists offers: a chamber's (by their NAF code and asking price
// band), or the market's (by what their teaser shows).
func (s *Store) Offers(ctx context.Context, chamber string, f takeover.ListFilter, after string, limit int) ([]takeover.Offer, error) {
	var w where
	w.common("offer_id", takeover.OfferPublished, chamber, f, after)
	if f.Sector != "" {
		expr := "naf_code"
		if f.Market {
			expr = "(teaser->>'Sector')"
		}
		w.sector(expr, takeover.ScopeOf(f.Sector))
	}
	if f.Departement != "" {
		w.add("departement = %s", f.Departement)
	}
	if f.Band != "" {
		w.add("teaser->>'PriceBand' = %s", f.Band)
	}
	rows, err := s.pool.Query(ctx, `SELECT `+offerColumns+` FROM takeover_offers WHERE `+w.sql()+
		` ORDER BY offer_id LIMIT `+w.arg(limit), w.args...)
	if err != nil {
		return nil, fmt.Errorf("list offers: %w", err)
	}
	out, err := pgx.CollectRows(rows, scanOffer)
	if err != nil {
		return nil, fmt.Errorf("list offers: %w", err)
	}
	return out, nil
}

// Searches lists searches; a sector filter keeps those looking for it,
// below it or above it (a buyer of any bakery is one for "10.71C").
func (s *Store) Searches(ctx context.Context, chamber string, f takeover.ListFilter, after string, limit int) ([]takeover.Search, error) {
	var w where
	w.common("search_id", takeover.SearchOpen, chamber, f, after)
	if f.Sector != "" {
		sc := takeover.ScopeOf(f.Sector)
		w.add("(sectors && %s::text[] OR EXISTS (SELECT 1 FROM unnest(sectors) c WHERE c = %s OR (c ~>=~ %s AND c ~<~ %s)))",
			arr(sc.Ancestors), sc.Section, sc.Low, sc.High)
	}
	if f.Departement != "" {
		w.add("departements @> ARRAY[%s]::text[]", f.Departement)
	}
	if f.Band != "" {
		w.add("budget_band = %s", f.Band)
	}
	rows, err := s.pool.Query(ctx, `SELECT `+searchColumns+` FROM buyer_searches WHERE `+w.sql()+
		` ORDER BY search_id LIMIT `+w.arg(limit), w.args...)
	if err != nil {
		return nil, fmt.Errorf("list searches: %w", err)
	}
	out, err := pgx.CollectRows(rows, scanSearch)
	if err != nil {
		return nil, fmt.Errorf("list searches: %w", err)
	}
	return out, nil
}
