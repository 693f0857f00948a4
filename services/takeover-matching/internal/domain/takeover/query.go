package takeover

import (
	"maps"
	"math"
	"slices"
)

// Candidate queries. Besides the keys (sector and place), the store
// checks the hard filters on price and size before it reads a row, so
// that a pass reads and scores only the pairs the matcher may propose:
// at 100,000 listings most of those sharing a newcomer's sector and area
// are beyond its budget or size. The bounds are loose where rounding
// could differ (a price one euro above), never tight: the matcher still
// applies every filter to what comes back (Matcher.Fit).

// SearchQuery finds the open searches an offer may be proposed to.
type SearchQuery struct {
	// Keys are the offer's lookup keys (see SearchLookup).
	Keys []string
	// Means are the "budget band|contribution band" pairs of the searches
	// whose means accept the offer's price, the unknown band ("") among
	// them; none when the offer has no price.
	Means []string
	// Headcount is the offer's; a search takes it within its range
	// widened by SlackPercent of each bound (at least one employee).
	Headcount    int
	SlackPercent int
}

// OfferQuery finds the published listings a search may be proposed.
type OfferQuery struct {
	// Keys are the search's lookup keys (see OfferLookup).
	Keys []string
	// MaxPrice is the highest asking price the search's means accept.
	MaxPrice int64
	// MinHeadcount and MaxHeadcount bound the listings' headcount: the
	// search's range widened by the slack.
	MinHeadcount, MaxHeadcount int
}

// SearchLookup is the query of the searches an offer may be proposed to.
func (m Matcher) SearchLookup(o Offer) SearchQuery {
	q := SearchQuery{Keys: m.searchKeysOf(o), Headcount: o.Headcount, SlackPercent: m.Rules.file.Size.SlackPercent}
	if o.AskingPrice <= 0 {
		return q
	}
	bands := append([]string{""}, slices.Sorted(maps.Keys(budgetBands))...)
	for _, budget := range bands {
		for _, contribution := range bands {
			if _, ok := m.Rules.priceFit(o.AskingPrice, Search{BudgetBand: budget, ContributionBand: contribution}); ok {
				q.Means = append(q.Means, budget+"|"+contribution)
			}
		}
	}
	return q
}

// OfferLookup is the query of the listings a search may be proposed.
func (m Matcher) OfferLookup(s Search) OfferQuery {
	slack := func(bound int) int { return max(1, bound*m.Rules.file.Size.SlackPercent/100) }
	return OfferQuery{
		Keys: m.offerKeysOf(s), MaxPrice: m.Rules.maxPrice(s),
		MinHeadcount: s.HeadcountMin - slack(s.HeadcountMin), MaxHeadcount: s.HeadcountMax + slack(s.HeadcountMax),
	}
}

// maxPrice is the highest price priceFit accepts for the search's means,
// rounded up by one euro.
func (r *Rules) maxPrice(s Search) int64 {
	band, known := budgetBands[s.BudgetBand]
	if known && band[1] == math.MaxInt64 {
		return math.MaxInt64
	}
	capacity := max(band[1], int64(float64(contributionOf(s.ContributionBand))*r.file.Budget.Leverage))
	negotiable := float64(capacity) * float64(100+r.file.Budget.TolerancePercent) / 100
	if negotiable >= math.MaxInt64/2 {
		return math.MaxInt64
	}
	return max(capacity, int64(math.Ceil(negotiable))+1)
}
