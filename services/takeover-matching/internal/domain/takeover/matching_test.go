package takeover

import (
	"slices"
	"strings"
	"testing"
	"time"
)

var bakeryTime = time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)

// bakery is a non-confidential bakery for sale in the Essonne (région 11).
func bakery() Offer {
	return Offer{ID: "o", Chamber: "CMA", NAFCode: "10.71C", Departement: "91", Region: "11", CommuneCode: "91228",
		EPCI: "200056232", Headcount: 4, AskingPrice: 250_000, DealTypes: []string{"fonds"}, Timeline: "6m_12m"}
}

// buyer wants a bakery in the Essonne, fonds, 100-300k with 50-100k of
// their own, 2-6 employees, 6-12 months, and knows the trade.
func buyer() Search {
	return Search{ID: "s", Chamber: "CMA", Sectors: []string{"10.71C"}, Departements: []string{"91"}, Regions: []string{"11"},
		Mobility: MobilityLocal, BudgetBand: "100k_300k", ContributionBand: "50k_100k", HeadcountMin: 2, HeadcountMax: 6,
		DealTypes: []string{"fonds", "titres"}, Timeline: "6m_12m", Experience: "sector"}
}

// epcis places two communes of the Essonne in the bakery's EPCI.
var epcis = map[string]string{"91228": "200056232", "91001": "200056232", "91021": "249100074"}

func matcher(t testing.TB) Matcher {
	t.Helper()
	r, err := EmbeddedRules()
	if err != nil {
		t.Fatal(err)
	}
	return Matcher{Rules: r, Threshold: r.Threshold(), EPCIOf: func(c string) string { return epcis[c] }}
}

func fit(t *testing.T, offer func(*Offer), search func(*Search)) Fit {
	t.Helper()
	o, s := bakery(), buyer()
	if offer != nil {
		offer(&o)
	}
	if search != nil {
		search(&s)
	}
	return matcher(t).Fit(o, s)
}

// TestHardFilters: each filter lets the pair through, or filters it out
// (not eligible, score 0, no contributions), whatever the other criteria.
func TestHardFilters(t *testing.T) {
	tests := []struct {
		name   string
		offer  func(*Offer)
		search func(*Search)
		passes bool
	}{
		{"the base pair", nil, nil, true},
		// Deal type.
		{"one common deal type among several", func(o *Offer) { o.DealTypes = []string{"droit_au_bail", "titres"} }, nil, true},
		{"no common deal type", func(o *Offer) { o.DealTypes = []string{"murs"} }, nil, false},
		// Place within the mobility.
		{"local, other département", nil, func(s *Search) { s.Departements = []string{"77"} }, false},
		{"regional, other département of the région", nil, func(s *Search) {
			s.Departements, s.Regions, s.Mobility = []string{"77"}, []string{"11"}, MobilityRegional
		}, true},
		{"regional, other région", nil, func(s *Search) {
			s.Departements, s.Regions, s.Mobility = []string{"69"}, []string{"84"}, MobilityRegional
		}, false},
		{"national takes anywhere", nil, func(s *Search) { s.Departements, s.Regions, s.Mobility = nil, nil, MobilityNational }, true},
		{"EPCI only", nil, func(s *Search) { s.Departements, s.Regions, s.EPCICodes = nil, nil, []string{"200056232"} }, true},
		{"other EPCI only", nil, func(s *Search) { s.Departements, s.Regions, s.EPCICodes = nil, nil, []string{"247800584"} }, false},
		{"commune only", nil, func(s *Search) { s.Departements, s.Regions, s.CommuneCodes = nil, nil, []string{"91228"} }, true},
		{"confidential offer, EPCI-only search of another EPCI", func(o *Offer) { o.CommuneCode, o.EPCI, o.Confidential = "", "", true },
			func(s *Search) { s.Departements, s.Regions, s.EPCICodes = nil, nil, []string{"200056232"} }, false},
		// Price against the budget and what the contribution finances
		// (capacity: max(300 000, 75 000 × 3.5) = 300 000, +15 %).
		{"price at the top of the budget", func(o *Offer) { o.AskingPrice = 300_000 }, nil, true},
		{"price within the tolerance", func(o *Offer) { o.AskingPrice = 345_000 }, nil, true},
		{"price beyond the tolerance", func(o *Offer) { o.AskingPrice = 345_001 }, nil, false},
		{"price financed by the leverage of a larger contribution", func(o *Offer) { o.AskingPrice = 700_000 },
			func(s *Search) { s.ContributionBand = "100k_300k" }, true},
		{"price beyond what the contribution finances", func(o *Offer) { o.AskingPrice = 805_001 },
			func(s *Search) { s.ContributionBand = "100k_300k" }, false},
		{"top band has no ceiling", func(o *Offer) { o.AskingPrice = 50_000_000 }, func(s *Search) { s.BudgetBand = "gte_10m" }, true},
		{"no price", func(o *Offer) { o.AskingPrice = 0 }, nil, false},
		// Size range (2-6, one employee of slack).
		{"headcount at the bounds", func(o *Offer) { o.Headcount = 6 }, nil, true},
		{"headcount just below", func(o *Offer) { o.Headcount = 1 }, nil, true},
		{"headcount just above", func(o *Offer) { o.Headcount = 7 }, nil, true},
		{"headcount too far above", func(o *Offer) { o.Headcount = 8 }, nil, false},
		{"headcount too far below", func(o *Offer) { o.Headcount = 0 }, nil, false},
		{"a fifth of a large range", func(o *Offer) { o.Headcount = 60 }, func(s *Search) { s.HeadcountMax = 50 }, true},
		// Sector: at least the same NAF section.
		{"same section only", nil, func(s *Search) { s.Sectors = []string{"29.10Z"} }, true},
		{"other section", nil, func(s *Search) { s.Sectors = []string{"47.11F"} }, false},
		{"a division is not a prefix of another (1 vs 10)", nil, func(s *Search) { s.Sectors = []string{"1"} }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := fit(t, tt.offer, tt.search)
			if f.Eligible != tt.passes {
				t.Fatalf("eligible %v, want %v (%+v)", f.Eligible, tt.passes, f)
			}
			if !f.Eligible && (f.Score != 0 || f.Contributions != nil || f.Explanation != "") {
				t.Fatalf("a filtered pair is scored: %+v", f)
			}
		})
	}
}

// TestScoreLevels: each criterion at each of its levels, with the points
// the embedded rules give it (weight × percentage, rounded).
func TestScoreLevels(t *testing.T) {
	tests := []struct {
		criterion, level string
		points           int
		offer            func(*Offer)
		search           func(*Search)
	}{
		{CriterionSector, LevelSubclass, 35, nil, nil},
		{CriterionSector, LevelClass, 30, nil, func(s *Search) { s.Sectors = []string{"10.71D"} }},
		{CriterionSector, LevelClass, 30, nil, func(s *Search) { s.Sectors = []string{"10.71"} }},
		{CriterionSector, LevelGroup, 25, nil, func(s *Search) { s.Sectors = []string{"10.72Z"} }},
		{CriterionSector, LevelDivision, 18, nil, func(s *Search) { s.Sectors = []string{"10"} }},
		{CriterionSector, LevelDivision, 18, nil, func(s *Search) { s.Sectors = []string{"10.8"} }},
		{CriterionSector, LevelSection, 4, nil, func(s *Search) { s.Sectors = []string{"11.07A"} }},
		{CriterionSector, LevelSubclass, 35, nil, func(s *Search) { s.Sectors = []string{"11", "1071c"} }},
		{CriterionArea, LevelCommune, 20, nil, func(s *Search) { s.CommuneCodes = []string{"91228"} }},
		{CriterionArea, LevelEPCI, 17, nil, func(s *Search) { s.EPCICodes = []string{"200056232"} }},
		{CriterionArea, LevelEPCI, 17, nil, func(s *Search) { s.CommuneCodes = []string{"91001"} }},
		// A confidential offer is placed no finer than its teaser: its
		// département, even in the EPCI the buyer names.
		{CriterionArea, LevelDepartement, 14, func(o *Offer) { o.CommuneCode, o.Confidential = "", true },
			func(s *Search) { s.CommuneCodes = []string{"91228"} }},
		{CriterionArea, LevelDepartement, 14, func(o *Offer) { o.CommuneCode, o.Confidential = "", true },
			func(s *Search) { s.EPCICodes = []string{"200056232"} }},
		{CriterionArea, LevelDepartement, 14, nil, nil},
		{CriterionArea, LevelDepartement, 14, nil, func(s *Search) { s.CommuneCodes = []string{"91021"} }},
		{CriterionArea, LevelDepartement, 14, func(o *Offer) { o.CommuneCode, o.EPCI, o.Confidential = "", "", true },
			func(s *Search) { s.CommuneCodes = []string{"91228"} }},
		{CriterionArea, LevelRegion, 8, nil, func(s *Search) {
			s.Departements, s.Regions, s.Mobility = []string{"77"}, []string{"11"}, MobilityRegional
		}},
		{CriterionArea, LevelNational, 4, nil, func(s *Search) { s.Departements, s.Regions, s.Mobility = nil, nil, MobilityNational }},
		{CriterionBudget, LevelInBudget, 20, nil, nil},
		{CriterionBudget, LevelInBudget, 20, func(o *Offer) { o.AskingPrice = 20_000 }, nil},
		{CriterionBudget, LevelFinanced, 15, func(o *Offer) { o.AskingPrice = 500_000 }, func(s *Search) { s.ContributionBand = "100k_300k" }},
		{CriterionBudget, LevelNegotiable, 6, func(o *Offer) { o.AskingPrice = 330_000 }, nil},
		{CriterionBudget, LevelBelowBudget, 10, func(o *Offer) { o.AskingPrice = 19_999 }, nil},
		{CriterionSize, LevelInRange, 10, nil, nil},
		{CriterionSize, LevelNear, 5, func(o *Offer) { o.Headcount = 7 }, nil},
		{CriterionTimeline, LevelSame, 10, nil, nil},
		{CriterionTimeline, LevelAdjacent, 5, func(o *Offer) { o.Timeline = "12m_24m" }, nil},
		{CriterionTimeline, LevelFar, 0, func(o *Offer) { o.Timeline = "gt_24m" }, nil},
		{CriterionTimeline, LevelFar, 0, func(o *Offer) { o.Timeline = "" }, nil},
		{CriterionExperience, "sector", 5, nil, nil},
		{CriterionExperience, "business_owner", 4, nil, func(s *Search) { s.Experience = "business_owner" }},
		{CriterionExperience, "buyer", 4, nil, func(s *Search) { s.Experience = "buyer" }},
		{CriterionExperience, "manager", 3, nil, func(s *Search) { s.Experience = "manager" }},
		{CriterionExperience, "none", 0, nil, func(s *Search) { s.Experience = "none" }},
		{CriterionExperience, "none", 0, nil, func(s *Search) { s.Experience = "" }},
	}
	for _, tt := range tests {
		t.Run(tt.criterion+"/"+tt.level, func(t *testing.T) {
			f := fit(t, tt.offer, tt.search)
			if !f.Eligible {
				t.Fatalf("not eligible: %+v", f)
			}
			i := slices.IndexFunc(f.Contributions, func(c Contribution) bool { return c.Criterion == tt.criterion })
			if i < 0 {
				t.Fatalf("no %s contribution in %+v", tt.criterion, f.Contributions)
			}
			if c := f.Contributions[i]; c.Level != tt.level || c.Points != tt.points {
				t.Fatalf("%s = %+v, want level %s, %d points", tt.criterion, c, tt.level, tt.points)
			}
			sum := 0
			for _, c := range f.Contributions {
				sum += c.Points
			}
			if sum != f.Score || f.RulesVersion != "2026.1" {
				t.Fatalf("score %d, contributions add up to %d, rules %q", f.Score, sum, f.RulesVersion)
			}
		})
	}
}

func TestScoreAndCriteriaMet(t *testing.T) {
	f := fit(t, nil, func(s *Search) { s.CommuneCodes = []string{"91228"} })
	all := []string{CriterionSector, CriterionArea, CriterionBudget, CriterionSize, CriterionDealType, CriterionTimeline, CriterionExperience}
	if f.Score != 100 || !slices.Equal(f.Criteria, all) {
		t.Fatalf("perfect fit = %d %v, want 100 and every criterion", f.Score, f.Criteria)
	}
	var order []string
	for _, c := range f.Contributions {
		order = append(order, c.Criterion)
	}
	if !slices.Equal(order, []string{"sector", "area", "budget", "size", "timeline", "experience"}) {
		t.Fatalf("contributions in order %v", order)
	}
	f = fit(t, func(o *Offer) { o.Headcount, o.Timeline = 7, "gt_24m" }, func(s *Search) { s.Sectors = []string{"10.71"} })
	if f.Score != 30+14+20+5+0+5 || !slices.Equal(f.Criteria, []string{CriterionBudget, CriterionDealType, CriterionExperience}) {
		t.Fatalf("partial fit = %d %v", f.Score, f.Criteria)
	}
}

// TestExplanation: the sentence an advisor reads for typical pairs.
func TestExplanation(t *testing.T) {
	tests := []struct {
		name   string
		offer  func(*Offer)
		search func(*Search)
		want   string
	}{
		{"the issue's example", func(o *Offer) { o.NAFCode = "47.11F" }, func(s *Search) {
			s.Sectors, s.EPCICodes = []string{"47.11F"}, []string{"200056232"}
		}, "même activité (47.11F), même EPCI, prix dans le budget avec un apport de 30 %, effectif dans la fourchette recherchée, même échéance, expérience du secteur"},
		{"near misses", func(o *Offer) { o.Headcount, o.Timeline = 7, "12m_24m" }, func(s *Search) {
			s.Sectors, s.Departements, s.Regions, s.Mobility, s.Experience = []string{"10.72"}, []string{"77"}, []string{"11"}, MobilityRegional, "none"
		}, "même groupe d'activités (10.7), même région, prix dans le budget avec un apport de 30 %, effectif proche de la fourchette recherchée, échéances voisines, sans expérience préalable"},
		{"financed by the contribution", func(o *Offer) { o.AskingPrice = 500_000 }, func(s *Search) {
			s.ContributionBand, s.Sectors, s.Experience = "100k_300k", []string{"10"}, "business_owner"
		}, "même division d'activités (10), même département, prix au-dessus du budget, finançable avec un apport de 40 %, effectif dans la fourchette recherchée, même échéance, déjà chef d'entreprise"},
		{"to negotiate, far off, nationwide", func(o *Offer) { o.AskingPrice, o.Timeline = 330_000, "gt_24m" }, func(s *Search) {
			s.Sectors, s.Departements, s.Regions, s.Mobility, s.Experience = []string{"11.07A"}, nil, nil, MobilityNational, "manager"
		}, "même section d'activités (C), repreneur mobile dans toute la France, prix à négocier (10 % au-dessus de la capacité de financement), effectif dans la fourchette recherchée, échéances éloignées, expérience de direction"},
		{"cheap, covered by the contribution, same commune", func(o *Offer) { o.AskingPrice = 15_000 }, func(s *Search) {
			s.CommuneCodes, s.Sectors, s.Experience = []string{"91228"}, []string{"10.71D"}, "buyer"
		}, "même classe d'activité (10.71), même commune, prix très en dessous du budget, effectif dans la fourchette recherchée, même échéance, déjà repreneur"},
		{"above a small budget, financed", func(o *Offer) { o.AskingPrice = 110_000 }, func(s *Search) {
			s.BudgetBand, s.ContributionBand = "50k_100k", "50k_100k"
		}, "même activité (10.71C), même département, prix au-dessus du budget, finançable avec un apport de 68 %, effectif dans la fourchette recherchée, même échéance, expérience du secteur"},
		{"in the budget, covered by the contribution", func(o *Offer) { o.AskingPrice = 60_000 }, func(s *Search) {
			s.BudgetBand, s.ContributionBand = "50k_100k", "50k_100k"
		}, "même activité (10.71C), même département, prix dans le budget, couvert par l'apport, effectif dans la fourchette recherchée, même échéance, expérience du secteur"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := fit(t, tt.offer, tt.search)
			if f.Explanation != tt.want {
				t.Fatalf("explanation\n got %q\nwant %q", f.Explanation, tt.want)
			}
		})
	}
	// A confidential offer's place is never named, only how close it is.
	f := fit(t, func(o *Offer) { o.CommuneCode, o.Confidential = "", true }, func(s *Search) { s.CommuneCodes = []string{"91228"} })
	if strings.Contains(f.Explanation, "91") || strings.Contains(f.Explanation, "200056232") {
		t.Fatalf("the explanation names a place: %q", f.Explanation)
	}
}

func TestProposes(t *testing.T) {
	m := matcher(t)
	o, s := bakery(), buyer()
	if _, ok := m.Proposes(o, s); !ok {
		t.Fatal("the base pair is not proposed")
	}
	m.Threshold = 95
	if f, ok := m.Proposes(o, s); ok || f.Score != 94 {
		t.Fatalf("score %d proposed at 95", f.Score)
	}
	tests := []struct {
		fit       Fit
		threshold int
		want      bool
	}{
		{Fit{Eligible: true, Score: 60}, 60, true},
		{Fit{Eligible: true, Score: 59}, 60, false},
		{Fit{Eligible: false, Score: 0}, 0, false}, // a filtered pair is never proposed, whatever the threshold
		{Fit{Eligible: true, Score: 0}, 0, true},
	}
	for _, tt := range tests {
		if got := tt.fit.Proposed(tt.threshold); got != tt.want {
			t.Errorf("%+v.Proposed(%d) = %v, want %v", tt.fit, tt.threshold, got, tt.want)
		}
	}
}

func TestProposeCarriesTheExplanation(t *testing.T) {
	o, s := bakery(), buyer()
	o.ID, s.ID = "0190b2a4-0000-7000-8000-000000000001", "0190b2a4-0000-7000-8000-000000000002"
	f := matcher(t).Fit(o, s)
	m, ev := Propose("0190b2a4-0000-7000-8000-000000000003", o, s, f, bakeryTime)
	if m.Explanation != f.Explanation || m.RulesVersion != "2026.1" || len(m.Contributions) != 6 {
		t.Fatalf("match = %+v", m)
	}
	if ev.RulesVersion != "2026.1" || len(ev.Contributions) != 6 || ev.Contributions[1].Criterion != "area" ||
		ev.Contributions[1].Level != LevelDepartement || ev.Contributions[1].Points != 14 || ev.Contributions[1].MaxPoints != 20 {
		t.Fatalf("event = %+v", ev)
	}
	if err := ev.Validate(); err != nil {
		t.Fatal(err)
	}
}

func TestNAFLevels(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"10.71C", []string{"10", "10.7", "10.71", "10.71C"}},
		{"1071c", []string{"10", "10.7", "10.71", "10.71C"}},
		{" 47.11F ", []string{"47", "47.1", "47.11", "47.11F"}},
	}
	for _, tt := range tests {
		if got := NAFLevels(tt.in); !slices.Equal(got, tt.want) {
			t.Errorf("NAFLevels(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}
