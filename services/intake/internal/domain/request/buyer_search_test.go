package request_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/ccicma/platform/pkg/events"
	"github.com/ccicma/platform/pkg/refdata"

	"github.com/ccicma/platform/services/intake/internal/domain/request"
)

// validSearch looks for a bakery or a butcher's shop around Évry, typed the
// way people type: codes without dots, a sub-class inside a class also
// listed, a repeated commune, "1" for Ain's "01".
func validSearch() request.BuyerSearchInput {
	return request.BuyerSearchInput{
		Contact:  contact(),
		Sectors:  []string{"1071", "10.71C", "4722z", "1071"},
		Communes: []string{"91228", "91174", "91228"}, EPCIs: []string{"200 059 228"}, Departements: []string{"77", "1"},
		Mobility: "regional", Budget: 400000, PersonalContribution: 80000,
		HeadcountMin: 0, HeadcountMax: 10, DealTypes: []string{"fonds"},
		Timeline: "12m_24m", Experience: "sector", ExperienceDetails: "Dix ans de boulangerie chez un artisan de Corbeil.",
	}
}

func TestNewBuyerSearchAcceptsAndNormalisesAValidSearch(t *testing.T) {
	t.Parallel()
	ref, router := setup(t)
	b, err := request.NewBuyerSearch(requestID, validSearch(), ref, router, now)
	if err != nil {
		t.Fatalf("NewBuyerSearch: %v", err)
	}
	checks := []struct {
		what      string
		got, want any
	}{
		{"id", b.ID, requestID},
		{"email", b.Applicant.Email, "marc.lefevre@exemple.fr"},
		{"sectors", strings.Join(b.Sectors, ","), "10.71,47.22Z"},
		{"communes", strings.Join(b.Communes, ","), "91228,91174"},
		{"EPCI", strings.Join(b.EPCIs, ","), "200059228"},
		{"départements", strings.Join(b.Departements, ","), "77,01"},
		{"covered", strings.Join(b.Covered, ","), "01,77,91"},
		{"territory", b.Territory, "91"},
		{"deal types", strings.Join(b.DealTypes, ","), "fonds"},
		{"lead chamber", b.Routing.LeadChamber, events.ChamberCMA},
		// 10.71 includes the terminaux de cuisson (10.71B), commercial.
		{"secondary chamber", b.Routing.SecondaryChamber, events.ChamberCCI},
		{"rule", b.Routing.RuleID, "search-mixed-cma-first"},
		{"out of territory", b.Routing.OutOfTerritory, false},
		{"submitted at", b.SubmittedAt, now.UTC()},
	}
	for _, ck := range checks {
		if ck.got != ck.want {
			t.Errorf("%s = %v, want %v", ck.what, ck.got, ck.want)
		}
	}
}

// The sectors decide the chambers, for the smallest business sought.
func TestNewBuyerSearchRoutesBySectors(t *testing.T) {
	t.Parallel()
	ref, router := setup(t)
	tests := []struct {
		name            string
		sectors         []string
		headcountMin    int
		lead, secondary string
		rule            string
	}{
		{"bakery and hairdresser: artisanal", []string{"10.71C", "96.02A"}, 0, "CMA", "", "search-artisanal"},
		{"supermarket and wholesale: commercial", []string{"47.11F", "46"}, 0, "CCI", "", "search-commercial"},
		{"bakery first, then supermarket", []string{"10.71C", "47.11F"}, 0, "CMA", "CCI", "search-mixed-cma-first"},
		{"supermarket first, then bakery", []string{"47.11F", "10.71C"}, 3, "CCI", "CMA", "search-mixed-cci-first"},
		{"food retail group: butchers and grocers", []string{"47.2"}, 0, "CCI", "CMA", "search-mixed-cci-first"},
		{"bakery with 12 employees or more", []string{"10.71C"}, 12, "CMA", "CCI", "search-mixed-cma-first"},
		{"law firm: neither chamber", []string{"69.10Z"}, 0, "", "", "search-no-chamber"},
		{"law firm and supermarket", []string{"69.10Z", "47.11F"}, 0, "CCI", "", "search-commercial"},
	}
	for _, tt := range tests {
		in := validSearch()
		in.Sectors, in.HeadcountMin, in.HeadcountMax = tt.sectors, tt.headcountMin, tt.headcountMin+5
		b, err := request.NewBuyerSearch(requestID, in, ref, router, now)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		r := b.Routing
		if r.LeadChamber != tt.lead || r.SecondaryChamber != tt.secondary || r.RuleID != tt.rule || r.Reason == "" {
			t.Errorf("%s: routing %+v, want %q/%q by %s with a reason", tt.name, r, tt.lead, tt.secondary, tt.rule)
		}
		sub := b.Submitted()
		if err := sub.Validate(); err != nil {
			t.Errorf("%s: %v", tt.name, err)
		}
	}
}

func TestNewBuyerSearchTerritory(t *testing.T) {
	t.Parallel()
	ref, router := setup(t)
	tests := []struct {
		name                   string
		communes, epcis, depts []string
		mobility               string
		territory, covered     string
		outOfTerritory         bool
		epci                   string
	}{
		{"first commune decides", []string{"75056", "91228"}, []string{"200059228"}, []string{"91"}, "local", "75", "75,91", true, "200054781"},
		{"département when no commune", nil, nil, []string{"2a", "91"}, "local", "2A", "2A,91", true, ""},
		{"served département", nil, nil, []string{"91"}, "local", "91", "91", false, ""},
		{"EPCI only: no territory", nil, []string{"200059228", "200054781"}, nil, "local", "", "", false, "200059228"},
		{"commune without EPCI, then an EPCI", []string{"29155"}, []string{"200059228"}, nil, "local", "29", "29", true, "200059228"},
		{"nationwide without areas", nil, nil, nil, "national", "", "", false, ""},
	}
	for _, tt := range tests {
		in := validSearch()
		in.Communes, in.EPCIs, in.Departements, in.Mobility = tt.communes, tt.epcis, tt.depts, tt.mobility
		b, err := request.NewBuyerSearch(requestID, in, ref, router, now)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if b.Territory != tt.territory || strings.Join(b.Covered, ",") != tt.covered || b.Routing.OutOfTerritory != tt.outOfTerritory {
			t.Errorf("%s: territory %q, covered %v, out of territory %v; want %q, %s, %v", tt.name,
				b.Territory, b.Covered, b.Routing.OutOfTerritory, tt.territory, tt.covered, tt.outOfTerritory)
		}
		if b.EPCI != tt.epci || b.Routing.EPCI != tt.epci {
			t.Errorf("%s: EPCI %q, routing EPCI %q; want %q", tt.name, b.EPCI, b.Routing.EPCI, tt.epci)
		}
	}
}

func TestNewBuyerSearchReportsEachBadField(t *testing.T) {
	t.Parallel()
	ref, router := setup(t)
	many := func(n int, s string) []string { return slices.Repeat([]string{s}, n) }
	tests := []struct {
		name        string
		edit        func(*request.BuyerSearchInput)
		field, code string
	}{
		{"email missing", func(in *request.BuyerSearchInput) { in.Contact.Email = "" }, "applicant.email", "format"},
		{"sectors missing", func(in *request.BuyerSearchInput) { in.Sectors = nil }, "search.sectors", "required"},
		{"too many sectors", func(in *request.BuyerSearchInput) { in.Sectors = many(request.MaxSectors+1, "47") }, "search.sectors", "too_many"},
		{"sector unknown", func(in *request.BuyerSearchInput) { in.Sectors = []string{"47.1", "04"} }, "search.sectors[1]", "unknown"},
		{"sector unknown sub-class", func(in *request.BuyerSearchInput) { in.Sectors = []string{"10.71Z"} }, "search.sectors[0]", "unknown"},
		{"sector too long", func(in *request.BuyerSearchInput) { in.Sectors = []string{"4711FF"} }, "search.sectors[0]", "unknown"},
		{"sector a word", func(in *request.BuyerSearchInput) { in.Sectors = []string{"boulangerie"} }, "search.sectors[0]", "unknown"},
		{"sector one digit", func(in *request.BuyerSearchInput) { in.Sectors = []string{"4"} }, "search.sectors[0]", "unknown"},
		{"no area, local", func(in *request.BuyerSearchInput) {
			in.Communes, in.EPCIs, in.Departements = nil, nil, nil
		}, "search.areas", "required"},
		{"too many areas", func(in *request.BuyerSearchInput) { in.Communes = many(request.MaxAreas, "91228") }, "search.areas", "too_many"},
		{"commune unknown", func(in *request.BuyerSearchInput) { in.Communes = []string{"91228", "99999"} }, "search.areas.communes[1]", "unknown"},
		{"commune given as postcode", func(in *request.BuyerSearchInput) { in.Communes = []string{"91000"} }, "search.areas.communes[0]", "unknown"},
		{"EPCI unknown", func(in *request.BuyerSearchInput) { in.EPCIs = []string{"123456789"} }, "search.areas.epcis[0]", "unknown"},
		{"département unknown", func(in *request.BuyerSearchInput) { in.Departements = []string{"77", "99"} }, "search.areas.departements[1]", "unknown"},
		{"mobility missing", func(in *request.BuyerSearchInput) { in.Mobility = "" }, "search.mobility", "required"},
		{"mobility unknown", func(in *request.BuyerSearchInput) { in.Mobility = "europe" }, "search.mobility", "invalid"},
		{"budget zero", func(in *request.BuyerSearchInput) { in.Budget, in.PersonalContribution = 0, 0 }, "search.budget", "range"},
		{"budget too high", func(in *request.BuyerSearchInput) { in.Budget = request.MaxAmount + 1 }, "search.budget", "range"},
		{"contribution negative", func(in *request.BuyerSearchInput) { in.PersonalContribution = -1 }, "search.personal_contribution", "range"},
		{"contribution over budget", func(in *request.BuyerSearchInput) { in.PersonalContribution = 400001 }, "search.personal_contribution", "exceeds_budget"},
		{"headcount min negative", func(in *request.BuyerSearchInput) { in.HeadcountMin = -1 }, "search.headcount_min", "range"},
		{"headcount max too large", func(in *request.BuyerSearchInput) { in.HeadcountMax = request.MaxHeadcount + 1 }, "search.headcount_max", "range"},
		{"headcount max below min", func(in *request.BuyerSearchInput) { in.HeadcountMin, in.HeadcountMax = 5, 4 }, "search.headcount_max", "order"},
		{"deal types missing", func(in *request.BuyerSearchInput) { in.DealTypes = []string{} }, "search.deal_types", "required"},
		{"deal type unknown", func(in *request.BuyerSearchInput) { in.DealTypes = []string{"bail"} }, "search.deal_types[0]", "invalid"},
		{"timeline unknown", func(in *request.BuyerSearchInput) { in.Timeline = "now" }, "search.timeline", "invalid"},
		{"experience missing", func(in *request.BuyerSearchInput) { in.Experience = "" }, "search.experience", "required"},
		{"experience unknown", func(in *request.BuyerSearchInput) { in.Experience = "expert" }, "search.experience", "invalid"},
		{"experience details too long", func(in *request.BuyerSearchInput) {
			in.ExperienceDetails = strings.Repeat("a", request.MaxExperienceDetailsLen+1)
		}, "search.experience_details", "length"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			in := validSearch()
			tt.edit(&in)
			b, err := request.NewBuyerSearch(requestID, in, ref, router, now)
			ps := problems(t, err)
			if len(ps) != 1 || ps[0].Field != tt.field || ps[0].Code != tt.code {
				t.Fatalf("problems = %v, want exactly %s (%s)", ps, tt.field, tt.code)
			}
			if ps[0].Message == "" {
				t.Errorf("problem %s has no message", tt.field)
			}
			if b.ID != "" {
				t.Errorf("an invalid search came back with id %q", b.ID)
			}
		})
	}
}

func TestNewBuyerSearchAcceptsLimits(t *testing.T) {
	t.Parallel()
	ref, router := setup(t)
	tests := []struct {
		name string
		edit func(*request.BuyerSearchInput)
	}{
		{"every level of NAF id", func(in *request.BuyerSearchInput) { in.Sectors = []string{"10", "47.2", "4711", "56.10A"} }},
		{"as many sectors as allowed", func(in *request.BuyerSearchInput) {
			in.Sectors = nil
			for i := range request.MaxSectors {
				in.Sectors = append(in.Sectors, fmt.Sprintf("%02d", 10+i))
			}
		}},
		{"as many areas as allowed", func(in *request.BuyerSearchInput) {
			in.Communes, in.EPCIs, in.Departements = slices.Repeat([]string{"91228"}, request.MaxAreas), nil, nil
		}},
		{"nationwide without areas", func(in *request.BuyerSearchInput) {
			in.Mobility, in.Communes, in.EPCIs, in.Departements = "national", nil, nil, nil
		}},
		{"no contribution", func(in *request.BuyerSearchInput) { in.PersonalContribution = 0 }},
		{"contribution equals budget", func(in *request.BuyerSearchInput) { in.PersonalContribution = in.Budget }},
		{"single size", func(in *request.BuyerSearchInput) { in.HeadcountMin, in.HeadcountMax = 3, 3 }},
		{"no experience details", func(in *request.BuyerSearchInput) { in.ExperienceDetails = "" }},
		{"Corsican commune in lower case", func(in *request.BuyerSearchInput) { in.Communes = []string{"2a004"} }},
	}
	for _, c := range request.Experiences {
		tests = append(tests, struct {
			name string
			edit func(*request.BuyerSearchInput)
		}{"experience " + c.Code, func(in *request.BuyerSearchInput) { in.Experience = c.Code }})
	}
	for _, c := range request.Mobilities {
		tests = append(tests, struct {
			name string
			edit func(*request.BuyerSearchInput)
		}{"mobility " + c.Code, func(in *request.BuyerSearchInput) { in.Mobility = c.Code }})
	}
	for _, tt := range tests {
		in := validSearch()
		tt.edit(&in)
		if _, err := request.NewBuyerSearch(requestID, in, ref, router, now); err != nil {
			t.Errorf("%s: %v", tt.name, err)
		}
	}
}

func TestAmountBand(t *testing.T) {
	t.Parallel()
	tests := []struct {
		euros int64
		band  string
	}{
		{0, "lt_50k"}, {49_999, "lt_50k"}, {50_000, "50k_100k"}, {99_999, "50k_100k"}, {100_000, "100k_300k"},
		{300_000, "300k_1m"}, {999_999, "300k_1m"}, {1_000_000, "1m_3m"}, {3_000_000, "3m_10m"},
		{9_999_999, "3m_10m"}, {10_000_000, "gte_10m"}, {request.MaxAmount, "gte_10m"},
	}
	for _, tt := range tests {
		if got := request.AmountBand(tt.euros); got != tt.band || !request.AmountBands.Has(got) {
			t.Errorf("AmountBand(%d) = %q, want %q", tt.euros, got, tt.band)
		}
	}
}

// The event carries codes and bands: neither the buyer's contact, nor the
// exact amounts, nor what they wrote about themselves.
func TestTakeoverSearchSubmitted(t *testing.T) {
	t.Parallel()
	ref, router := setup(t)
	b, err := request.NewBuyerSearch(requestID, validSearch(), ref, router, now)
	if err != nil {
		t.Fatal(err)
	}
	sub := b.Submitted()
	want := events.TakeoverSearchSubmitted{
		RequestID: requestID, Sectors: []string{"10.71", "47.22Z"}, NAFVersion: refdata.NAFVersion,
		CommuneCodes: []string{"91228", "91174"}, EPCICodes: []string{"200059228"}, Departements: []string{"01", "77", "91"},
		Mobility: "regional", BudgetBand: "300k_1m", PersonalContributionBand: "50k_100k", HeadcountMin: 0, HeadcountMax: 10,
		DealTypes: []string{"fonds"}, Timeline: "12m_24m", Experience: "sector", Routing: b.Routing, SubmittedAt: now.UTC(),
	}
	got, _ := json.Marshal(sub)
	wantJSON, _ := json.Marshal(want)
	if string(got) != string(wantJSON) {
		t.Errorf("Submitted() =\n %s\nwant\n %s", got, wantJSON)
	}
	if err := sub.Validate(); err != nil {
		t.Errorf("Submitted() breaks the event contract: %v", err)
	}
	for _, s := range []string{"Marc", "Lefèvre", "marc.lefevre", "xemple", "+33123456789", "400000", "80000", "Corbeil"} {
		if strings.Contains(string(got), s) {
			t.Errorf("event payload contains %q: %s", s, got)
		}
	}
}
