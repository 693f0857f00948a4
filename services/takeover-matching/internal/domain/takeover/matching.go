package takeover

import (
	"math"
	"slices"
	"time"

	"github.com/ccicma/platform/pkg/events"
	"github.com/ccicma/platform/pkg/refdata"
)

// Criteria of a match, as TakeoverMatchProposed.Criteria names them.
const (
	CriterionSector     = "sector"
	CriterionArea       = "area"
	CriterionBudget     = "budget"
	CriterionSize       = "size"
	CriterionDealType   = "deal_type"
	CriterionTimeline   = "timeline"
	CriterionExperience = "experience"
)

// Levels of the criteria (the keys of rules.json).
const (
	LevelSubclass    = "subclass"
	LevelClass       = "class"
	LevelGroup       = "group"
	LevelDivision    = "division"
	LevelSection     = "section"
	LevelCommune     = "commune"
	LevelEPCI        = "epci"
	LevelDepartement = "departement"
	LevelRegion      = "region"
	LevelNational    = "national"
	LevelInBudget    = "in_budget"
	LevelFinanced    = "financed"
	LevelNegotiable  = "negotiable"
	LevelBelowBudget = "below_budget"
	LevelInRange     = "in_range"
	LevelNear        = "near"
	LevelSame        = "same"
	LevelAdjacent    = "adjacent"
	LevelFar         = "far"
)

// Contribution is what one criterion brought to a match's score.
type Contribution struct {
	Criterion string
	// Level is the criterion's level (Level*; for the experience, the
	// search's experience code).
	Level string
	// Points earned, out of Max (the criterion's weight).
	Points int
	Max    int
}

// Fit is how a search fits an offer under a rules edition.
type Fit struct {
	// Eligible: every filter passed (deal type, place, price, size, and
	// at least the same NAF section).
	Eligible bool
	// Score is 0 to 100, the sum of the contributions; 0 when not
	// eligible.
	Score int
	// Criteria lists the criteria fully met, in a fixed order (the deal
	// type always, as a filter).
	Criteria []string
	// Contributions give each weighed criterion's points, in a fixed
	// order: sector, area, budget, size, timeline, experience.
	Contributions []Contribution
	// RulesVersion is the edition of the rules that scored the pair.
	RulesVersion string
	// Explanation is the plain French sentence an advisor reads.
	Explanation string
}

// Proposed tells whether the fit deserves a match at threshold.
func (f Fit) Proposed(threshold int) bool { return f.Eligible && f.Score >= threshold }

// Matcher scores pairs with the rules. EPCIOf gives the EPCI of a
// commune ("" when none; the reference data answers), so that a search
// naming communes is close to an offer of the same intercommunalité.
type Matcher struct {
	Rules *Rules
	// Threshold is the score from which a match is proposed: the rules'
	// own unless the configuration overrides it.
	Threshold int
	EPCIOf    func(commune string) string
}

// Proposes scores a pair and tells whether it deserves a match.
func (m Matcher) Proposes(o Offer, s Search) (Fit, bool) {
	f := m.Fit(o, s)
	return f, f.Proposed(m.Threshold)
}

// Fit applies the filters to a pair and, when it passes them, scores it
// and explains the score.
func (m Matcher) Fit(o Offer, s Search) Fit {
	depth, code := sectorMeet(o, s)
	if depth < 0 || !DealTypesOverlap(o, s) || !AreaMatches(o, s) {
		return Fit{}
	}
	price, ok := m.Rules.priceFit(o.AskingPrice, s)
	if !ok {
		return Fit{}
	}
	size, ok := m.Rules.sizeLevel(o.Headcount, s.HeadcountMin, s.HeadcountMax)
	if !ok {
		return Fit{}
	}
	r := m.Rules.file
	levels := []struct {
		criterion, level string
		percents         map[string]int
	}{
		{CriterionSector, SectorLevels[len(SectorLevels)-1-depth], r.Sector},
		{CriterionArea, m.areaLevel(o, s), r.Area},
		{CriterionBudget, price.level, r.Budget.Points},
		{CriterionSize, size, r.Size.Points},
		{CriterionTimeline, timelineLevel(o.Timeline, s.Timeline), r.Timeline},
		{CriterionExperience, experienceLevel(s.Experience), r.Experience},
	}
	f := Fit{Eligible: true, RulesVersion: r.Version}
	full := map[string]bool{CriterionDealType: true}
	for _, l := range levels {
		c := Contribution{Criterion: l.criterion, Level: l.level, Points: m.Rules.points(l.criterion, l.percents, l.level),
			Max: m.Rules.weight(l.criterion)}
		f.Contributions = append(f.Contributions, c)
		f.Score += c.Points
		full[l.criterion] = l.percents[l.level] == 100
	}
	for _, c := range AllCriteria {
		if full[c] {
			f.Criteria = append(f.Criteria, c)
		}
	}
	f.Explanation = explain(f.Contributions, code, price)
	return f
}

// sectorMeet returns how deep the offer's sub-class and the closest of
// the search's sectors share the NAF hierarchy (0 the section, 1 the
// division, 2 the group, 3 the class, 4 the sub-class; -1 nothing), and
// the offer's id at that level. A sector sought at a coarse level meets
// the offer no deeper than itself: "47" and "47.11F" share the division.
func sectorMeet(o Offer, s Search) (int, string) {
	offer := nafAncestors(o.NAFCode)
	depth := -1
	for _, sec := range s.Sectors {
		a := nafAncestors(sec)
		n := 0
		for n < len(a) && n < len(offer) && a[n] == offer[n] {
			n++
		}
		depth = max(depth, n-1)
	}
	if depth < 0 {
		return -1, ""
	}
	return depth, offer[depth]
}

// nafAncestors lists a NAF id's section and levels down to itself:
// "10.71C" -> "C", "10", "10.7", "10.71", "10.71C"; nil for an id
// outside the nomenclature's divisions.
func nafAncestors(id string) []string {
	c := CanonicalNAF(id)
	sec, ok := refdata.NAFSection(c)
	if !ok {
		return nil
	}
	return append([]string{sec}, NAFLevels(c)...)
}

// AreaMatches reports whether the offer lies within the buyer's
// mobility: a nationwide buyer takes any place; otherwise the offer lies
// in a département the search covers (its own or one of its communes'),
// in one of its EPCIs or communes, or, for a regional buyer, in the
// région of one of its départements. The département is the finest place
// every offer has: a confidential one hides its commune.
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

// areaLevel is the closest place the offer shares with the search: its
// commune, its EPCI (named by the search or holding one of its communes),
// its département, its région, or none (a nationwide buyer). A
// confidential offer is placed no finer than its teaser shows it, its
// département: the match's explanation and points reach the buyer's
// advisors, and must not tell them more.
func (m Matcher) areaLevel(o Offer, s Search) string {
	sameEPCI := func() bool {
		if o.EPCI == "" || o.Confidential {
			return false
		}
		if slices.Contains(s.EPCICodes, o.EPCI) {
			return true
		}
		return m.EPCIOf != nil && slices.ContainsFunc(s.CommuneCodes, func(c string) bool { return m.EPCIOf(c) == o.EPCI })
	}
	switch {
	case o.CommuneCode != "" && slices.Contains(s.CommuneCodes, o.CommuneCode):
		return LevelCommune
	case sameEPCI():
		return LevelEPCI
	case slices.Contains(s.Departements, o.Departement) ||
		slices.ContainsFunc(s.CommuneCodes, func(c string) bool { return departementOf(c) == o.Departement }):
		return LevelDepartement
	case o.Region != "" && slices.Contains(s.Regions, o.Region):
		return LevelRegion
	}
	return LevelNational
}

// DealTypesOverlap reports whether the buyer considers one of the kinds of
// deal offered.
func DealTypesOverlap(o Offer, s Search) bool {
	return slices.ContainsFunc(o.DealTypes, func(d string) bool { return slices.Contains(s.DealTypes, d) })
}

// budgetBands are the bounds of the budget (and contribution) bands, [low,
// high) in euros.
var budgetBands = map[string][2]int64{
	"lt_50k": {0, 50_000}, "50k_100k": {50_000, 100_000}, "100k_300k": {100_000, 300_000},
	"300k_1m": {300_000, 1_000_000}, "1m_3m": {1_000_000, 3_000_000}, "3m_10m": {3_000_000, 10_000_000},
	"gte_10m": {10_000_000, math.MaxInt64},
}

// Contribution reads a personal contribution band as one amount: the
// middle of the band, the low bound of the open top band, 0 when unknown.
func contributionOf(band string) int64 {
	b, ok := budgetBands[band]
	switch {
	case !ok:
		return 0
	case b[1] == math.MaxInt64:
		return b[0]
	}
	return (b[0] + b[1]) / 2
}

// priceLevel is how an asking price sits against a buyer's means.
type priceLevel struct {
	level string
	// apport is the share of the price the personal contribution brings,
	// in percent (at most 100; 0 when unknown).
	apport int
	// over is how far above the financing capacity a negotiable price
	// lies, in percent.
	over int
}

// priceFit places the price against the search's budget band and what
// its personal contribution finances (BudgetRules); false when the price
// is beyond the tolerance, or there is no price.
func (r *Rules) priceFit(price int64, s Search) (priceLevel, bool) {
	b := r.file.Budget
	band, known := budgetBands[s.BudgetBand]
	if price <= 0 {
		return priceLevel{}, false
	}
	contribution := contributionOf(s.ContributionBand)
	p := priceLevel{apport: int(min(100, (contribution*100+price/2)/price))}
	capacity := max(band[1], int64(float64(contribution)*b.Leverage))
	if known && band[1] == math.MaxInt64 {
		capacity = math.MaxInt64
	}
	switch {
	case known && price < band[0]*int64(b.FloorPercent)/100:
		p.level = LevelBelowBudget
	case known && price <= band[1]:
		p.level = LevelInBudget
	case price <= capacity:
		p.level = LevelFinanced
	case capacity > 0 && float64(price) <= float64(capacity)*float64(100+b.TolerancePercent)/100:
		p.level = LevelNegotiable
		p.over = max(1, int(math.Round((float64(price)/float64(capacity)-1)*100)))
	default:
		return priceLevel{}, false
	}
	return p, true
}

// sizeLevel: a headcount within the search's range, or near it (within
// the slack of a bound, at least one employee); false beyond.
func (r *Rules) sizeLevel(headcount, lo, hi int) (string, bool) {
	slack := func(bound int) int { return max(1, bound*r.file.Size.SlackPercent/100) }
	switch {
	case headcount >= lo && headcount <= hi:
		return LevelInRange, true
	case headcount >= lo-slack(lo) && headcount <= hi+slack(hi):
		return LevelNear, true
	}
	return "", false
}

var timelines = map[string]int{"lt_6m": 0, "6m_12m": 1, "12m_24m": 2, "gt_24m": 3}

// timelineLevel: the same horizon, the next one, or further (an unknown
// horizon is far).
func timelineLevel(offer, search string) string {
	a, ok1 := timelines[offer]
	b, ok2 := timelines[search]
	switch {
	case !ok1 || !ok2:
		return LevelFar
	case a == b:
		return LevelSame
	case a-b == 1 || b-a == 1:
		return LevelAdjacent
	}
	return LevelFar
}

// experienceLevel is the search's experience code; an unknown one counts
// as none.
func experienceLevel(code string) string {
	if slices.Contains(experiences, code) {
		return code
	}
	return "none"
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
	// RulesVersion, Contributions and Explanation say how the score was
	// reached (empty for matches proposed before they were kept).
	RulesVersion  string
	Contributions []Contribution
	Explanation   string
	ProposedAt    time.Time
}

// Propose builds the match of a fitting pair and its event (codes and
// points only: the explanation stays here).
func Propose(id string, o Offer, s Search, f Fit, now time.Time) (Match, events.TakeoverMatchProposed) {
	m := Match{
		ID: id, OfferID: o.ID, SearchID: s.ID, OfferChamber: o.Chamber, SearchChamber: s.Chamber,
		OfferSecondaryChamber: o.SecondaryChamber, SearchSecondaryChamber: s.SecondaryChamber,
		OfferAdvisorID: o.AdvisorID, SearchAdvisorID: s.AdvisorID, Score: f.Score,
		Criteria: slices.Clone(f.Criteria), RulesVersion: f.RulesVersion, Contributions: slices.Clone(f.Contributions),
		Explanation: f.Explanation, ProposedAt: now.UTC(),
	}
	ev := events.TakeoverMatchProposed{
		MatchID: m.ID, OfferID: m.OfferID, SearchID: m.SearchID, OfferChamber: m.OfferChamber,
		SearchChamber: m.SearchChamber, OfferAdvisorID: m.OfferAdvisorID, SearchAdvisorID: m.SearchAdvisorID,
		Score: m.Score, Criteria: slices.Clone(m.Criteria), RulesVersion: m.RulesVersion, ProposedAt: m.ProposedAt,
	}
	for _, c := range m.Contributions {
		ev.Contributions = append(ev.Contributions, events.MatchContribution{Criterion: c.Criterion, Level: c.Level,
			Points: c.Points, MaxPoints: c.Max})
	}
	return m, ev
}
