package takeover

import (
	"fmt"
	"slices"
	"testing"
)

// queryAdmits is what the store's price and size conditions say of a
// pair (the SQL of the adapter's searchFits and offerFits, in Go).
func queryAdmits(m Matcher, o Offer, s Search) (bySearch, byOffer bool) {
	sq, oq := m.SearchLookup(o), m.OfferLookup(s)
	slack := func(bound int) int { return max(1, bound*sq.SlackPercent/100) }
	bySearch = slices.Contains(sq.Means, s.BudgetBand+"|"+s.ContributionBand) &&
		s.HeadcountMin-slack(s.HeadcountMin) <= sq.Headcount && s.HeadcountMax+slack(s.HeadcountMax) >= sq.Headcount
	byOffer = o.AskingPrice > 0 && o.AskingPrice <= oq.MaxPrice && o.Headcount >= oq.MinHeadcount && o.Headcount <= oq.MaxHeadcount
	return bySearch, byOffer
}

// TestQueriesKeepEveryFit: across prices, headcounts and every budget
// and contribution band (the unknown one too), both queries admit every
// pair that passes the price and size filters, and the offer's query
// admits no other (its means are exact); the search's price bound is
// never more than a euro above the highest price accepted.
func TestQueriesKeepEveryFit(t *testing.T) {
	r, err := EmbeddedRules()
	if err != nil {
		t.Fatal(err)
	}
	m := Matcher{Rules: r, Threshold: 70}
	bands := []string{"", "lt_50k", "50k_100k", "100k_300k", "300k_1m", "1m_3m", "3m_10m", "gte_10m"}
	prices := []int64{0, 1, 20_000, 49_999, 50_000, 57_500, 99_999, 115_000, 115_001, 300_000, 350_000, 1_000_000, 3_450_000, 9_999_999, 11_500_000, 60_000_000}
	admitted, refused := 0, 0
	for _, budget := range bands {
		for _, contribution := range bands {
			for _, price := range prices {
				for _, size := range [][3]int{{0, 0, 5}, {0, 5, 5}, {3, 10, 11}, {3, 10, 12}, {20, 50, 19}, {20, 50, 15}, {0, 1000, 400}} {
					o, s := bakery(), buyer()
					o.AskingPrice, o.Headcount = price, size[2]
					s.BudgetBand, s.ContributionBand, s.HeadcountMin, s.HeadcountMax = budget, contribution, size[0], size[1]
					_, priceOK := r.priceFit(price, s)
					_, sizeOK := r.sizeLevel(o.Headcount, s.HeadcountMin, s.HeadcountMax)
					bySearch, byOffer := queryAdmits(m, o, s)
					name := fmt.Sprintf("budget %q, contribution %q, price %d, size %v", budget, contribution, price, size)
					if bySearch != (priceOK && sizeOK) {
						t.Errorf("%s: the offer's query admits the search: %v, the filters: %v", name, bySearch, priceOK && sizeOK)
					}
					if priceOK && sizeOK && !byOffer {
						t.Errorf("%s: the search's query misses a listing that fits", name)
					}
					if priceOK && sizeOK {
						admitted++
					} else {
						refused++
					}
				}
			}
		}
	}
	if admitted < 100 || refused < 100 {
		t.Errorf("%d pairs fit, %d do not: the cases test little", admitted, refused)
	}
	// The search's price bound is tight: one more euro than it admits is refused.
	for _, budget := range bands[1 : len(bands)-1] {
		s := buyer()
		s.BudgetBand, s.ContributionBand = budget, "50k_100k"
		q := m.OfferLookup(s)
		if _, ok := r.priceFit(q.MaxPrice-2, s); !ok {
			t.Errorf("budget %q: a price of %d, two euros below the bound, is refused", budget, q.MaxPrice-2)
		}
		if _, ok := r.priceFit(q.MaxPrice+1, s); ok {
			t.Errorf("budget %q: a price of %d, above the bound, is accepted", budget, q.MaxPrice+1)
		}
	}
}
