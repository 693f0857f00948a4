package takeover

import (
	"math"
	"slices"
	"time"

	"github.com/ccicma/platform/pkg/events"
)

// Criteria of a match, as TakeoverMatchProposed.Criteria names them.
const (
	CriterionSector   = "sector"
	CriterionArea     = "area"
	CriterionBudget   = "budget"
	CriterionSize     = "size"
	CriterionDealType = "deal_type"
	CriterionTimeline = "timeline"
)

// Weights of the criteria that are not required; they add up to 100. A
// criterion half met (a price a little above the budget, a headcount just
// outside the range, a timeline one step off) earns half its weight.
const (
	WeightBudget   = 40
	WeightSize     = 30
	WeightTimeline = 30
)

// DefaultThreshold is the score from which a match is proposed.
const DefaultThreshold = 60

// Fit is how a search fits an offer.
type Fit struct {
	// Eligible: every required criterion (sector, area, deal type) is met.
	Eligible bool
	// Score is 0 to 100, from the weighed criteria; 0 when not eligible.
	Score int
	// Criteria lists the criteria fully met, in a fixed order.
	Criteria []string
}

// Proposed tells whether the fit deserves a match at threshold.
func (f Fit) Proposed(threshold int) bool { return f.Eligible && f.Score >= threshold }

// Score rates how search fits offer.
func Score(o Offer, s Search) Fit {
	if !SectorMatches(o, s) || !AreaMatches(o, s) || !DealTypesOverlap(o, s) {
		return Fit{}
	}
	f := Fit{Eligible: true}
	met := map[string]bool{CriterionSector: true, CriterionArea: true, CriterionDealType: true}
	for _, c := range []struct {
		name   string
		weight int
		points int // 0, 1 (half) or 2 (full)
	}{
		{CriterionBudget, WeightBudget, budgetFit(o.AskingPrice, s.BudgetBand)},
		{CriterionSize, WeightSize, sizeFit(o.Headcount, s.HeadcountMin, s.HeadcountMax)},
		{CriterionTimeline, WeightTimeline, timelineFit(o.Timeline, s.Timeline)},
	} {
		f.Score += c.weight * c.points / 2
		met[c.name] = c.points == 2
	}
	for _, c := range []string{CriterionSector, CriterionArea, CriterionBudget, CriterionSize, CriterionDealType, CriterionTimeline} {
		if met[c] {
			f.Criteria = append(f.Criteria, c)
		}
	}
	return f
}

// SectorMatches reports whether one of the search's sectors is a level of
// the offer's sub-class (compared on the dotted form, so "10.7" holds
// "10.71C").
func SectorMatches(o Offer, s Search) bool {
	levels := NAFLevels(o.NAFCode)
	return slices.ContainsFunc(s.Sectors, func(sec string) bool { return slices.Contains(levels, CanonicalNAF(sec)) })
}

// AreaMatches reports whether the offer's place suits the search: a
// nationwide buyer takes any place; otherwise the offer lies in a
// département the search covers (its own or one of its communes'), in one
// of its EPCIs, or, for a regional buyer, in the région of one of its
// départements. The département is the finest place every offer has: a
// confidential one hides its commune.
func AreaMatches(o Offer, s Search) bool {
	switch {
	case s.Mobility == MobilityNational:
		return true
	case slices.Contains(s.Departements, o.Departement):
		return true
	case o.EPCI != "" && slices.Contains(s.EPCICodes, o.EPCI):
		return true
	case o.CommuneCode != "" && slices.Contains(s.CommuneCodes, o.CommuneCode):
		return true
	case s.Mobility == MobilityRegional && o.Region != "" && slices.Contains(s.Regions, o.Region):
		return true
	}
	return false
}

// DealTypesOverlap reports whether the buyer considers one of the kinds of
// deal offered.
func DealTypesOverlap(o Offer, s Search) bool {
	return slices.ContainsFunc(o.DealTypes, func(d string) bool { return slices.Contains(s.DealTypes, d) })
}

// budgetBands are the bounds of the budget bands, [low, high) in euros.
var budgetBands = map[string][2]int64{
	"lt_50k": {0, 50_000}, "50k_100k": {50_000, 100_000}, "100k_300k": {100_000, 300_000},
	"300k_1m": {300_000, 1_000_000}, "1m_3m": {1_000_000, 3_000_000}, "3m_10m": {3_000_000, 10_000_000},
	"gte_10m": {10_000_000, math.MaxInt64},
}

// budgetFit: full when the buyer can pay the price and the business is not
// far below what they look for (at least a fifth of the band's low bound);
// half when the price exceeds the budget by at most a fifth (room to
// negotiate).
func budgetFit(price int64, band string) int {
	b, ok := budgetBands[band]
	if !ok || price <= 0 {
		return 0
	}
	switch {
	case price < b[1] && price >= b[0]/5:
		return 2
	case price < b[1]:
		return 1
	case b[1] != math.MaxInt64 && price <= b[1]+b[1]/5:
		return 1
	}
	return 0
}

// sizeFit: full inside the range; half within a fifth of it (at least one
// employee).
func sizeFit(headcount, lo, hi int) int {
	if headcount >= lo && headcount <= hi {
		return 2
	}
	slack := max(1, hi/5)
	if headcount >= lo-max(1, lo/5) && headcount <= hi+slack {
		return 1
	}
	return 0
}

var timelines = map[string]int{"lt_6m": 0, "6m_12m": 1, "12m_24m": 2, "gt_24m": 3}

// timelineFit: full for the same horizon, half for the next one.
func timelineFit(offer, search string) int {
	a, ok1 := timelines[offer]
	b, ok2 := timelines[search]
	if !ok1 || !ok2 {
		return 0
	}
	switch a - b {
	case 0:
		return 2
	case 1, -1:
		return 1
	}
	return 0
}

// Match is a proposed pairing of an offer and a search.
type Match struct {
	ID            string
	OfferID       string
	SearchID      string
	OfferChamber  string
	SearchChamber string
	// The secondary chambers share the sides; they decide, with the
	// chambers, who sees the match.
	OfferSecondaryChamber  string
	SearchSecondaryChamber string
	OfferAdvisorID         string
	SearchAdvisorID        string
	Score                  int
	Criteria               []string
	ProposedAt             time.Time
}

// Propose builds the match of a fitting pair and its event.
func Propose(id string, o Offer, s Search, f Fit, now time.Time) (Match, events.TakeoverMatchProposed) {
	m := Match{
		ID: id, OfferID: o.ID, SearchID: s.ID, OfferChamber: o.Chamber, SearchChamber: s.Chamber,
		OfferSecondaryChamber: o.SecondaryChamber, SearchSecondaryChamber: s.SecondaryChamber,
		OfferAdvisorID: o.AdvisorID, SearchAdvisorID: s.AdvisorID, Score: f.Score,
		Criteria: slices.Clone(f.Criteria), ProposedAt: now.UTC(),
	}
	return m, events.TakeoverMatchProposed{
		MatchID: m.ID, OfferID: m.OfferID, SearchID: m.SearchID, OfferChamber: m.OfferChamber,
		SearchChamber: m.SearchChamber, OfferAdvisorID: m.OfferAdvisorID, SearchAdvisorID: m.SearchAdvisorID,
		Score: m.Score, Criteria: slices.Clone(m.Criteria), ProposedAt: m.ProposedAt,
	}
}
