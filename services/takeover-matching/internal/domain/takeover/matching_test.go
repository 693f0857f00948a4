package takeover

import (
	"slices"
	"testing"
)

// bakery is a non-confidential bakery for sale in the Essonne (région 11).
func bakery() Offer {
	return Offer{ID: "o", Chamber: "CMA", NAFCode: "10.71C", Departement: "91", Region: "11", CommuneCode: "91228",
		EPCI: "200056232", Headcount: 4, AskingPrice: 250_000, DealTypes: []string{"fonds"}, Timeline: "6m_12m"}
}

// buyer wants a bakery in the Essonne, fonds, 100-300k, 2-6 employees, 6-12 months.
func buyer() Search {
	return Search{ID: "s", Chamber: "CMA", Sectors: []string{"10.71C"}, Departements: []string{"91"}, Regions: []string{"11"},
		Mobility: MobilityLocal, BudgetBand: "100k_300k", HeadcountMin: 2, HeadcountMax: 6,
		DealTypes: []string{"fonds", "titres"}, Timeline: "6m_12m"}
}

func TestScore(t *testing.T) {
	all := []string{CriterionSector, CriterionArea, CriterionBudget, CriterionSize, CriterionDealType, CriterionTimeline}
	gates := []string{CriterionSector, CriterionArea, CriterionDealType}
	tests := []struct {
		name     string
		offer    func(*Offer)
		search   func(*Search)
		eligible bool
		score    int
		criteria []string
	}{
		{"perfect fit", nil, nil, true, 100, all},
		// Sector, at every NAF level, on the dotted form.
		{"division", nil, func(s *Search) { s.Sectors = []string{"10"} }, true, 100, all},
		{"group", nil, func(s *Search) { s.Sectors = []string{"10.7"} }, true, 100, all},
		{"class", nil, func(s *Search) { s.Sectors = []string{"10.71"} }, true, 100, all},
		{"undotted sub-class sector", nil, func(s *Search) { s.Sectors = []string{"1071c"} }, true, 100, all},
		{"one of several sectors", nil, func(s *Search) { s.Sectors = []string{"47.11F", "10.7"} }, true, 100, all},
		{"sibling sub-class", nil, func(s *Search) { s.Sectors = []string{"10.71D"} }, false, 0, nil},
		{"sibling class", nil, func(s *Search) { s.Sectors = []string{"10.72"} }, false, 0, nil},
		{"other division", nil, func(s *Search) { s.Sectors = []string{"56"} }, false, 0, nil},
		{"a division is not a prefix of another (1 vs 10)", nil, func(s *Search) { s.Sectors = []string{"1"} }, false, 0, nil},
		// Area.
		{"other département, local", nil, func(s *Search) { s.Departements = []string{"77"}; s.Regions = []string{"11"} }, false, 0, nil},
		{"other département, regional, same région", nil, func(s *Search) {
			s.Departements, s.Regions, s.Mobility = []string{"77"}, []string{"11"}, MobilityRegional
		}, true, 100, all},
		{"other département, regional, other région", nil, func(s *Search) {
			s.Departements, s.Regions, s.Mobility = []string{"69"}, []string{"84"}, MobilityRegional
		}, false, 0, nil},
		{"national takes anywhere", nil, func(s *Search) { s.Departements, s.Regions, s.Mobility = nil, nil, MobilityNational }, true, 100, all},
		{"EPCI only", nil, func(s *Search) { s.Departements, s.Regions, s.EPCICodes = nil, nil, []string{"200056232"} }, true, 100, all},
		{"other EPCI only", nil, func(s *Search) { s.Departements, s.Regions, s.EPCICodes = nil, nil, []string{"247800584"} }, false, 0, nil},
		{"confidential offer: département still places it", func(o *Offer) { o.CommuneCode, o.EPCI, o.Confidential = "", "", true }, nil, true, 100, all},
		{"confidential offer, EPCI-only search", func(o *Offer) { o.CommuneCode, o.EPCI, o.Confidential = "", "", true },
			func(s *Search) { s.Departements, s.Regions, s.EPCICodes = nil, nil, []string{"200056232"} }, false, 0, nil},
		// Deal types.
		{"no common deal type", func(o *Offer) { o.DealTypes = []string{"murs"} }, nil, false, 0, nil},
		{"one common deal type among several", func(o *Offer) { o.DealTypes = []string{"droit_au_bail", "titres"} }, nil, true, 100, all},
		// Weighed criteria.
		{"price a little above budget: half", func(o *Offer) { o.AskingPrice = 330_000 }, nil, true, 80,
			[]string{CriterionSector, CriterionArea, CriterionSize, CriterionDealType, CriterionTimeline}},
		{"price far above budget", func(o *Offer) { o.AskingPrice = 900_000 }, nil, true, 60,
			[]string{CriterionSector, CriterionArea, CriterionSize, CriterionDealType, CriterionTimeline}},
		{"price below band but affordable", func(o *Offer) { o.AskingPrice = 60_000 }, nil, true, 100, all},
		{"price tiny for the band: half", func(o *Offer) { o.AskingPrice = 10_000 }, nil, true, 80,
			[]string{CriterionSector, CriterionArea, CriterionSize, CriterionDealType, CriterionTimeline}},
		{"top band has no ceiling", func(o *Offer) { o.AskingPrice = 50_000_000 }, func(s *Search) { s.BudgetBand = "gte_10m" }, true, 100, all},
		{"unknown budget band", nil, func(s *Search) { s.BudgetBand = "lots" }, true, 60,
			[]string{CriterionSector, CriterionArea, CriterionSize, CriterionDealType, CriterionTimeline}},
		{"headcount just above range: half", func(o *Offer) { o.Headcount = 7 }, nil, true, 85,
			[]string{CriterionSector, CriterionArea, CriterionBudget, CriterionDealType, CriterionTimeline}},
		{"headcount far above range", func(o *Offer) { o.Headcount = 40 }, nil, true, 70,
			[]string{CriterionSector, CriterionArea, CriterionBudget, CriterionDealType, CriterionTimeline}},
		{"headcount range bounds are inclusive", func(o *Offer) { o.Headcount = 6 }, nil, true, 100, all},
		{"timeline one step off: half", func(o *Offer) { o.Timeline = "12m_24m" }, nil, true, 85,
			[]string{CriterionSector, CriterionArea, CriterionBudget, CriterionSize, CriterionDealType}},
		{"timeline far off", func(o *Offer) { o.Timeline = "gt_24m" }, func(s *Search) { s.Timeline = "lt_6m" }, true, 70,
			[]string{CriterionSector, CriterionArea, CriterionBudget, CriterionSize, CriterionDealType}},
		{"only the gates", func(o *Offer) { o.AskingPrice, o.Headcount, o.Timeline = 5_000_000, 80, "gt_24m" },
			func(s *Search) { s.Timeline = "lt_6m" }, true, 0, gates},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, s := bakery(), buyer()
			if tt.offer != nil {
				tt.offer(&o)
			}
			if tt.search != nil {
				tt.search(&s)
			}
			f := Score(o, s)
			if f.Eligible != tt.eligible || f.Score != tt.score || !slices.Equal(f.Criteria, tt.criteria) {
				t.Fatalf("Score = %+v; want eligible %v, score %d, criteria %v", f, tt.eligible, tt.score, tt.criteria)
			}
		})
	}
}

func TestProposed(t *testing.T) {
	tests := []struct {
		fit       Fit
		threshold int
		want      bool
	}{
		{Fit{Eligible: true, Score: 60}, 60, true},
		{Fit{Eligible: true, Score: 59}, 60, false},
		{Fit{Eligible: true, Score: 100}, 100, true},
		{Fit{Eligible: false, Score: 0}, 0, false}, // a failed gate is never proposed, whatever the threshold
		{Fit{Eligible: true, Score: 0}, 0, true},
	}
	for _, tt := range tests {
		if got := tt.fit.Proposed(tt.threshold); got != tt.want {
			t.Errorf("%+v.Proposed(%d) = %v, want %v", tt.fit, tt.threshold, got, tt.want)
		}
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
