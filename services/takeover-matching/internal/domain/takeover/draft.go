package takeover

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/ccicma/platform/pkg/events"
)

// Statuses of a buyer's search.
const (
	// SearchDraft: opened from a creation project redirected to takeover;
	// its criteria are the advisor's to complete, and it meets no offer
	// until then.
	SearchDraft = "draft"
	// SearchOpen: complete, matched with offers.
	SearchOpen = "open"
)

// ErrNotDraft reports a completion of a search that is no longer a draft.
var ErrNotDraft = errors.New("the search is not a draft")

// DraftSearchFrom opens the draft buyer search of a creation project
// whose holder would rather take over a business: same request, same
// chambers, the project's activity as first sector and its commune as
// area. Everything else is the advisor's to complete (Complete).
func DraftSearchFrom(p events.CreationCaseRedirectedToTakeover, regionOf RegionOf) Search {
	s := Search{
		RequestID: p.RequestID, Chamber: p.Chamber, SecondaryChamber: p.SecondaryChamber,
		CommuneCodes: []string{p.CommuneCode}, Departements: []string{p.Departement},
		Mobility: MobilityLocal, Status: SearchDraft, CreationCaseID: p.CaseID,
	}
	if p.NAFCode != "" {
		s.Sectors = []string{CanonicalNAF(p.NAFCode)}
	}
	if r := regionOf(p.Departement); r != "" {
		s.Regions = []string{r}
	}
	return s
}

// Criteria are what an advisor completes a draft search with, in the
// codes of the intake form (bands, not amounts).
type Criteria struct {
	Sectors          []string
	CommuneCodes     []string
	EPCICodes        []string
	Departements     []string
	Mobility         string
	BudgetBand       string
	ContributionBand string
	HeadcountMin     int
	HeadcountMax     int
	DealTypes        []string
	Timeline         string
	Experience       string
}

// Limits of completed criteria, as on the intake form.
const (
	MaxSectors = 20
	MaxAreas   = 50
)

// FieldProblem names one invalid criterion.
type FieldProblem struct {
	Field  string
	Code   string
	Detail string
}

// InvalidCriteria lists every invalid criterion of a completion.
type InvalidCriteria []FieldProblem

func (e InvalidCriteria) Error() string {
	return fmt.Sprintf("%d invalid criteria, first %s: %s", len(e), e[0].Field, e[0].Code)
}

// Codes a completion accepts.
var (
	bandOrder   = []string{"lt_50k", "50k_100k", "100k_300k", "300k_1m", "1m_3m", "3m_10m", "gte_10m"}
	dealTypes   = []string{events.DealFonds, events.DealTitres, events.DealDroitAuBail, events.DealMurs}
	experiences = []string{"none", "sector", "manager", "business_owner", "buyer"}
	mobilities  = []string{MobilityLocal, MobilityRegional, MobilityNational}
)

// Complete fills a draft search with c and opens it at now: every
// criterion checked at once (InvalidCriteria), ErrNotDraft for a search
// already open. isNAF and isCommune tell known codes (the reference data
// answers); regionOf places the départements.
func (s Search) Complete(c Criteria, isNAF, isCommune func(string) bool, regionOf RegionOf, now time.Time) (Search, error) {
	if s.Status != SearchDraft {
		return s, ErrNotDraft
	}
	var ps InvalidCriteria
	add := func(field, code, detail string) { ps = append(ps, FieldProblem{field, code, detail}) }
	sectors := canonicalSet(c.Sectors, CanonicalNAF)
	switch {
	case len(sectors) == 0:
		add("sectors", "required", "Indiquez au moins un secteur d'activité (code NAF).")
	case len(sectors) > MaxSectors:
		add("sectors", "too_many", fmt.Sprintf("%d secteurs au plus.", MaxSectors))
	}
	for i, id := range sectors {
		if !isNAF(id) {
			add(fmt.Sprintf("sectors[%d]", i), "unknown", "Code NAF inconnu : "+id+".")
		}
	}
	for i, code := range c.CommuneCodes {
		if !isCommune(code) {
			add(fmt.Sprintf("commune_codes[%d]", i), "unknown", "Code de commune (INSEE) inconnu : "+code+".")
		}
	}
	if n := len(c.CommuneCodes) + len(c.EPCICodes) + len(c.Departements); n > MaxAreas {
		add("commune_codes", "too_many", fmt.Sprintf("%d zones au plus (communes, EPCI et départements).", MaxAreas))
	} else if n == 0 && c.Mobility != MobilityNational {
		add("commune_codes", "required", "Indiquez au moins une zone, ou une mobilité nationale.")
	}
	oneOf(add, "mobility", c.Mobility, mobilities, "Mobilité inconnue.")
	oneOf(add, "budget_band", c.BudgetBand, bandOrder, "Tranche de budget inconnue.")
	oneOf(add, "contribution_band", c.ContributionBand, bandOrder, "Tranche d'apport inconnue.")
	if slices.Index(bandOrder, c.ContributionBand) > slices.Index(bandOrder, c.BudgetBand) {
		add("contribution_band", "exceeds_budget", "L'apport personnel ne peut pas dépasser le budget total.")
	}
	if c.HeadcountMin < 0 || c.HeadcountMax < 0 || c.HeadcountMin > 100_000 || c.HeadcountMax > 100_000 {
		add("headcount_min", "range", "Les effectifs vont de 0 à 100 000 salariés.")
	} else if c.HeadcountMax < c.HeadcountMin {
		add("headcount_max", "order", "Le nombre maximal de salariés doit être supérieur ou égal au nombre minimal.")
	}
	deals := canonicalSet(c.DealTypes, func(d string) string { return d })
	if len(deals) == 0 {
		add("deal_types", "required", "Indiquez au moins un type de reprise.")
	}
	for i, d := range deals {
		oneOf(add, fmt.Sprintf("deal_types[%d]", i), d, dealTypes, "Type de reprise inconnu.")
	}
	if _, ok := timelines[c.Timeline]; !ok {
		add("timeline", "unknown", "Échéance inconnue.")
	}
	oneOf(add, "experience", c.Experience, experiences, "Parcours inconnu.")
	if len(ps) > 0 {
		return s, ps
	}
	return s.completed(c, sectors, deals, regionOf, now), nil
}

func (s Search) completed(c Criteria, sectors, deals []string, regionOf RegionOf, now time.Time) Search {
	s.Sectors, s.DealTypes = sectors, deals
	s.CommuneCodes, s.EPCICodes = sortedSet(c.CommuneCodes), sortedSet(c.EPCICodes)
	covered := slices.Clone(c.Departements)
	for _, code := range c.CommuneCodes {
		covered = append(covered, departementOf(code))
	}
	s.Departements = sortedSet(covered)
	var regions []string
	for _, d := range s.Departements {
		if r := regionOf(d); r != "" {
			regions = append(regions, r)
		}
	}
	s.Regions = sortedSet(regions)
	s.Mobility, s.BudgetBand, s.ContributionBand = c.Mobility, c.BudgetBand, c.ContributionBand
	s.HeadcountMin, s.HeadcountMax = c.HeadcountMin, c.HeadcountMax
	s.Timeline, s.Experience = c.Timeline, c.Experience
	s.Status, s.CompletedAt = SearchOpen, now.UTC()
	return s
}

func oneOf(add func(field, code, detail string), field, v string, allowed []string, detail string) {
	if !slices.Contains(allowed, v) {
		add(field, "unknown", detail)
	}
}

func canonicalSet(in []string, canon func(string) string) []string {
	out := make([]string, 0, len(in))
	for _, v := range in {
		out = append(out, canon(v))
	}
	return sortedSet(out)
}
