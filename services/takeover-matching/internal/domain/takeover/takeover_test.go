package takeover

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/ccicma/platform/pkg/events"
)

func regions(d string) string {
	return map[string]string{"91": "11", "77": "11", "69": "84"}[d]
}

func TestChooseAdvisor(t *testing.T) {
	tests := []struct {
		name       string
		candidates []AdvisorLoad
		want       string
		ok         bool
	}{
		{"nobody", nil, "", false},
		{"least loaded wins", []AdvisorLoad{{"b", 3, 10}, {"a", 5, 10}, {"c", 4, 10}}, "b", true},
		{"tie broken by id", []AdvisorLoad{{"z", 2, 10}, {"m", 2, 10}}, "m", true},
		{"full advisor passed over", []AdvisorLoad{{"a", 1, 1}, {"b", 7, 10}}, "b", true},
		{"everyone full: least loaded still owns it", []AdvisorLoad{{"a", 12, 10}, {"b", 11, 10}}, "b", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := ChooseAdvisor(tt.candidates)
			if got != tt.want || ok != tt.ok {
				t.Fatalf("ChooseAdvisor = %q, %v; want %q, %v", got, ok, tt.want, tt.ok)
			}
		})
	}
}

func offerSubmitted() events.TakeoverOfferSubmitted {
	return events.TakeoverOfferSubmitted{RequestID: "0190b0a4-0000-7000-8000-000000000001", NAFCode: "1071C",
		Departement: "91", CommuneCode: "91228", SIRET: "35600000000048", Headcount: 4, RevenueBand: "300k_1m",
		GrossOperatingProfitBand: "25k_75k", AskingPrice: 250_000, DealTypes: []string{"titres", "fonds", "fonds"},
		Reason: "retirement", Timeline: "6m_12m",
		Routing: events.Routing{LeadChamber: "CMA", SecondaryChamber: "CCI", RuleID: "artisanal-partly", EPCI: "200056232"}}
}

func TestOfferFromAndRegister(t *testing.T) {
	o, err := OfferFrom(offerSubmitted(), regions)
	if err != nil {
		t.Fatal(err)
	}
	if o.NAFCode != "10.71C" || o.Region != "11" || o.EPCI != "200056232" || o.SIRET == "" || o.CommuneCode != "91228" {
		t.Fatalf("offer = %+v", o)
	}
	if !slices.Equal(o.DealTypes, []string{"fonds", "titres"}) {
		t.Fatalf("deal types %v, want sorted and unique", o.DealTypes)
	}
	now := time.Date(2026, 11, 26, 10, 0, 0, 0, time.FixedZone("CET", 3600))
	reg, ev := o.Register("offer-1", "cma-91-x", now)
	if reg.ID != "offer-1" || reg.AdvisorID != "cma-91-x" || reg.RegisteredAt.Location() != time.UTC || !reg.RegisteredAt.Equal(now) {
		t.Fatalf("registered = %+v", reg)
	}
	if ev.OfferID != "offer-1" || ev.Chamber != "CMA" || ev.SecondaryChamber != "CCI" || ev.NAFCode != "10.71C" || ev.Confidential {
		t.Fatalf("event = %+v", ev)
	}

	p := offerSubmitted()
	p.Routing = events.Routing{RuleID: "liberal"}
	if _, err := OfferFrom(p, regions); !errors.Is(err, ErrNoChamber) {
		t.Fatalf("offer routed nowhere: err = %v, want ErrNoChamber", err)
	}
}

// TestConfidentialOfferStaysAnonymous: even an event that wrongly carried
// them would not give a confidential offer a SIRET or a commune.
func TestConfidentialOfferStaysAnonymous(t *testing.T) {
	p := offerSubmitted()
	p.Confidential = true
	o, err := OfferFrom(p, regions)
	if err != nil {
		t.Fatal(err)
	}
	if o.SIRET != "" || o.CommuneCode != "" || o.Departement != "91" {
		t.Fatalf("confidential offer = %+v", o)
	}
	if _, ev := o.Register("o", "", time.Now()); !ev.Confidential {
		t.Fatal("registered event lost the confidentiality")
	}
}

func TestSearchFrom(t *testing.T) {
	p := events.TakeoverSearchSubmitted{RequestID: "0190b0a4-0000-7000-8000-000000000002", Sectors: []string{"1071c", "10.7", "10.7"},
		Departements: []string{"91", "77", "69"}, CommuneCodes: []string{"91228"}, Mobility: MobilityRegional,
		BudgetBand: "100k_300k", HeadcountMin: 1, HeadcountMax: 5, DealTypes: []string{"fonds"}, Timeline: "lt_6m",
		Routing: events.Routing{LeadChamber: "CCI", RuleID: "r"}}
	s, err := SearchFrom(p, regions)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(s.Sectors, []string{"10.7", "10.71C"}) {
		t.Errorf("sectors %v", s.Sectors)
	}
	if !slices.Equal(s.Regions, []string{"11", "84"}) {
		t.Errorf("regions %v", s.Regions)
	}
	if s.Territory() != "91" {
		t.Errorf("territory %q, want the first département", s.Territory())
	}
	if (Search{}).Territory() != "" {
		t.Error("a search without département has no territory")
	}
	_, ev := s.Register("search-1", "", time.Now())
	if ev.SearchID != "search-1" || ev.Chamber != "CCI" || ev.AdvisorID != "" {
		t.Errorf("event = %+v", ev)
	}
}

func TestPropose(t *testing.T) {
	o, s := bakery(), buyer()
	o.SecondaryChamber, s.Chamber, s.AdvisorID, o.AdvisorID = "CCI", "CCI", "cci-1", "cma-1"
	f := matcher(t).Fit(o, s)
	m, ev := Propose("m", o, s, f, time.Now())
	if m.OfferID != "o" || m.SearchID != "s" || m.OfferSecondaryChamber != "CCI" || m.SearchChamber != "CCI" || m.Score != 94 {
		t.Fatalf("match = %+v", m)
	}
	if ev.OfferAdvisorID != "cma-1" || ev.SearchAdvisorID != "cci-1" || !slices.Equal(ev.Criteria, f.Criteria) {
		t.Fatalf("event = %+v", ev)
	}
}

// TestSearchPlace: a search's place is one consistent location, never a
// commune of one département with another département.
func TestSearchPlace(t *testing.T) {
	for _, tt := range []struct {
		name string
		s    Search
		want Place
	}{
		{"commune with its own département", Search{CommuneCodes: []string{"91228"}, Departements: []string{"75", "91"}, EPCICodes: []string{"200054781"}},
			Place{Departement: "91", Commune: "91228"}},
		{"overseas commune", Search{CommuneCodes: []string{"97411"}, Departements: []string{"974"}}, Place{Departement: "974", Commune: "97411"}},
		{"départements only", Search{Departements: []string{"77", "91"}}, Place{Departement: "77"}},
		{"EPCIs only", Search{EPCICodes: []string{"200059228"}}, Place{EPCI: "200059228"}},
		{"nationwide", Search{}, Place{}},
	} {
		if got := tt.s.Place(); got != tt.want {
			t.Errorf("%s: %+v, want %+v", tt.name, got, tt.want)
		}
	}
}
