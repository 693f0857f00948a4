package postgres_test

import (
	"slices"
	"testing"
	"time"

	"github.com/ccicma/platform/services/takeover-matching/internal/domain/takeover"
)

// testListFilters: the marketplace lists the published listings and the
// open searches of both chambers, a chamber's own lists every status;
// each filter narrows them. On the marketplace a listing is found by its
// teaser's sector only, never by the finer code the seller did not show.
func testListFilters(t *testing.T, e *env) {
	now := time.Now()
	offer := func(o takeover.Offer, tz *takeover.Teaser) string {
		t.Helper()
		_, _, reg := e.registerOffer(t, o, takeover.Place{Departement: o.Departement}, now)
		if tz != nil {
			if _, err := e.pool.Exec(e.ctx, `UPDATE takeover_offers SET teaser = $2 WHERE offer_id = $1`, reg.ID, tz); err != nil {
				t.Fatal(err)
			}
		}
		return reg.ID
	}
	bakery := offer(takeover.Offer{Chamber: "CMA", NAFCode: "10.71C", Departement: "91", DealTypes: []string{"fonds"}},
		&takeover.Teaser{SectorLevel: takeover.LevelGroup, Sector: "10.7", PriceBand: "100k_300k", DealTypes: []string{"fonds"}})
	shop := offer(takeover.Offer{Chamber: "CCI", NAFCode: "47.11F", Departement: "75", DealTypes: []string{"titres"}},
		&takeover.Teaser{SectorLevel: takeover.LevelSection, Sector: "G", PriceBand: "300k_1m", DealTypes: []string{"titres"}})
	submitted := offer(takeover.Offer{Chamber: "CMA", NAFCode: "10.71C", Departement: "91", DealTypes: []string{"fonds"},
		Status: takeover.OfferSubmitted}, nil)
	paused := offer(takeover.Offer{Chamber: "CCI", NAFCode: "47.11F", Departement: "91", DealTypes: []string{"titres"},
		Status: takeover.OfferPaused}, &takeover.Teaser{Sector: "47.11F"})
	market := takeover.ListFilter{Market: true}
	with := func(f takeover.ListFilter, set func(*takeover.ListFilter)) takeover.ListFilter { set(&f); return f }
	for _, tc := range []struct {
		name    string
		chamber string
		f       takeover.ListFilter
		want    []string
	}{
		{"the market", "CCI", market, []string{bakery, shop}},
		{"a division the teaser shows", "CCI", with(market, func(f *takeover.ListFilter) { f.Sector = "10" }), []string{bakery}},
		{"the section of a teaser's group", "CCI", with(market, func(f *takeover.ListFilter) { f.Sector = "C" }), []string{bakery}},
		{"a class finer than the teaser", "CCI", with(market, func(f *takeover.ListFilter) { f.Sector = "10.71" }), nil},
		{"a section the teaser shows", "CMA", with(market, func(f *takeover.ListFilter) { f.Sector = "G" }), []string{shop}},
		{"a division finer than a section teaser", "CMA", with(market, func(f *takeover.ListFilter) { f.Sector = "47" }), nil},
		{"a département", "CMA", with(market, func(f *takeover.ListFilter) { f.Departement = "75" }), []string{shop}},
		{"a price band", "CCI", with(market, func(f *takeover.ListFilter) { f.Band = "100k_300k" }), []string{bakery}},
		{"a chamber", "CMA", with(market, func(f *takeover.ListFilter) { f.Chamber = "CCI" }), []string{shop}},
		{"a deal type", "CMA", with(market, func(f *takeover.ListFilter) { f.DealType = "fonds" }), []string{bakery}},
		{"own, by the real code", "CMA", takeover.ListFilter{Sector: "10.71"}, []string{bakery, submitted}},
		{"own, waiting for vetting", "CMA", takeover.ListFilter{Status: takeover.OfferSubmitted}, []string{submitted}},
		{"own, paused", "CCI", takeover.ListFilter{Status: takeover.OfferPaused}, []string{paused}},
		{"own, the other chamber's département", "CMA", takeover.ListFilter{Departement: "75"}, nil},
	} {
		got, err := e.store.Offers(e.ctx, tc.chamber, tc.f, "", 10)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if ids := offerIDs(got); !slices.Equal(ids, tc.want) {
			t.Errorf("offers, %s: %v, want %v", tc.name, ids, tc.want)
		}
	}
	first, err := e.store.Offers(e.ctx, "CMA", market, "", 1)
	if err != nil || len(first) != 1 || first[0].ID != bakery {
		t.Fatalf("first page: %v, %v", offerIDs(first), err)
	}
	if next, err := e.store.Offers(e.ctx, "CMA", market, first[0].ID, 1); err != nil || !slices.Equal(offerIDs(next), []string{shop}) {
		t.Fatalf("second page: %v, %v", offerIDs(next), err)
	}

	search := func(s takeover.Search) string {
		t.Helper()
		s.Mobility, s.Departements = takeover.MobilityLocal, []string{s.Departements[0]}
		_, _, reg := e.registerSearch(t, s, takeover.Place{Departement: s.Departements[0]}, now)
		return reg.ID
	}
	anyBakery := search(takeover.Search{Chamber: "CCI", Sectors: []string{"10"}, Departements: []string{"91"},
		DealTypes: []string{"fonds"}, BudgetBand: "100k_300k", Status: takeover.SearchOpen})
	grocer := search(takeover.Search{Chamber: "CMA", Sectors: []string{"47.11F"}, Departements: []string{"75"},
		DealTypes: []string{"titres"}, BudgetBand: "300k_1m", Status: takeover.SearchOpen})
	pausedSearch := search(takeover.Search{Chamber: "CCI", Sectors: []string{"G"}, Departements: []string{"75"},
		DealTypes: []string{"titres"}, BudgetBand: "300k_1m", Status: takeover.SearchPaused})
	for _, tc := range []struct {
		name    string
		chamber string
		f       takeover.ListFilter
		want    []string
	}{
		{"the market", "CMA", market, []string{anyBakery, grocer}},
		{"a sub-class within a sought division", "CMA", with(market, func(f *takeover.ListFilter) { f.Sector = "10.71C" }), []string{anyBakery}},
		{"a division above a sought sub-class", "CMA", with(market, func(f *takeover.ListFilter) { f.Sector = "47" }), []string{grocer}},
		{"a section", "CCI", with(market, func(f *takeover.ListFilter) { f.Sector = "G" }), []string{grocer}},
		{"a département", "CCI", with(market, func(f *takeover.ListFilter) { f.Departement = "75" }), []string{grocer}},
		{"a budget band", "CCI", with(market, func(f *takeover.ListFilter) { f.Band = "100k_300k" }), []string{anyBakery}},
		{"a deal type", "CCI", with(market, func(f *takeover.ListFilter) { f.DealType = "titres" }), []string{grocer}},
		{"own, paused", "CCI", takeover.ListFilter{Status: takeover.SearchPaused}, []string{pausedSearch}},
		{"own, a section", "CCI", takeover.ListFilter{Sector: "G"}, []string{pausedSearch}},
	} {
		got, err := e.store.Searches(e.ctx, tc.chamber, tc.f, "", 10)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		ids := make([]string, len(got))
		for i, s := range got {
			ids[i] = s.ID
		}
		if !slices.Equal(ids, tc.want) {
			t.Errorf("searches, %s: %v, want %v", tc.name, ids, tc.want)
		}
	}
}

func offerIDs(os []takeover.Offer) []string {
	ids := make([]string, len(os))
	for i, o := range os {
		ids[i] = o.ID
	}
	if len(ids) == 0 {
		return nil
	}
	return ids
}
