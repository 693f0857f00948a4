package takeover

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/ccicma/platform/pkg/events"
)

func regionsOf(d string) string { return map[string]string{"91": "11", "69": "84"}[d] }

func known(ids ...string) func(string) bool {
	return func(id string) bool { return slices.Contains(ids, id) }
}

func draft() Search {
	return DraftSearchFrom(events.CreationCaseRedirectedToTakeover{CaseID: "c1", RequestID: "r1", Chamber: "CMA",
		SecondaryChamber: "CCI", NAFCode: "1071c", CommuneCode: "91228", Departement: "91"}, regionsOf)
}

func TestDraftSearchFromARedirectedProject(t *testing.T) {
	s := draft()
	if s.Status != SearchDraft || s.RequestID != "r1" || s.CreationCaseID != "c1" || s.Chamber != "CMA" || s.SecondaryChamber != "CCI" {
		t.Fatalf("draft = %+v", s)
	}
	if !slices.Equal(s.Sectors, []string{"10.71C"}) || !slices.Equal(s.CommuneCodes, []string{"91228"}) ||
		!slices.Equal(s.Regions, []string{"11"}) || s.Place() != (Place{Departement: "91", Commune: "91228"}) {
		t.Fatalf("draft activity and area = %+v", s)
	}
	if _, ev := s.Register("s1", "a1", time.Now()); !ev.Draft {
		t.Fatal("a draft's registration event does not say it is a draft")
	}
	open := DraftSearchFrom(events.CreationCaseRedirectedToTakeover{RequestID: "r2", Chamber: "CCI", CommuneCode: "91228", Departement: "91"}, regionsOf)
	if open.Sectors != nil {
		t.Fatalf("a project without activity gets sectors %v", open.Sectors)
	}
}

func criteria() Criteria {
	return Criteria{Sectors: []string{"1071", "10.71"}, CommuneCodes: []string{"69123"}, Departements: []string{"91"},
		Mobility: MobilityRegional, BudgetBand: "100k_300k", ContributionBand: "50k_100k", HeadcountMin: 1, HeadcountMax: 9,
		DealTypes: []string{"titres", "fonds", "fonds"}, Timeline: "6m_12m", Experience: "sector"}
}

func TestCompleteOpensTheDraft(t *testing.T) {
	now := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	s, err := draft().Complete(criteria(), known("10.71"), known("69123"), regions, now)
	if err != nil {
		t.Fatal(err)
	}
	if s.Status != SearchOpen || !s.CompletedAt.Equal(now) || s.RequestID != "r1" {
		t.Fatalf("completed = %+v", s)
	}
	if !slices.Equal(s.Sectors, []string{"10.71"}) || !slices.Equal(s.DealTypes, []string{"fonds", "titres"}) ||
		!slices.Equal(s.Departements, []string{"69", "91"}) || !slices.Equal(s.Regions, []string{"11", "84"}) {
		t.Fatalf("criteria not normalised: %+v", s)
	}
	if _, err := s.Complete(criteria(), known("10.71"), known("69123"), regions, now); !errors.Is(err, ErrNotDraft) {
		t.Fatalf("completing an open search: %v, want ErrNotDraft", err)
	}
}

func TestCompleteNamesEveryBadCriterion(t *testing.T) {
	cases := []struct {
		name   string
		change func(*Criteria)
		fields []string
	}{
		{"no sector", func(c *Criteria) { c.Sectors = nil }, []string{"sectors"}},
		{"unknown sector and commune", func(c *Criteria) { c.Sectors, c.CommuneCodes = []string{"99"}, []string{"00000"} },
			[]string{"sectors[0]", "commune_codes[0]"}},
		{"no area, local", func(c *Criteria) { c.CommuneCodes, c.Departements, c.Mobility = nil, nil, MobilityLocal },
			[]string{"commune_codes"}},
		{"no area, national", func(c *Criteria) { c.CommuneCodes, c.Departements, c.Mobility = nil, nil, MobilityNational }, nil},
		{"contribution above budget", func(c *Criteria) { c.ContributionBand = "300k_1m" }, []string{"contribution_band"}},
		{"unknown bands", func(c *Criteria) { c.BudgetBand, c.ContributionBand = "lots", "" },
			[]string{"budget_band", "contribution_band"}},
		{"headcount order", func(c *Criteria) { c.HeadcountMin, c.HeadcountMax = 9, 1 }, []string{"headcount_max"}},
		{"negative headcount", func(c *Criteria) { c.HeadcountMin = -1 }, []string{"headcount_min"}},
		{"no deal, bad timeline, experience, mobility", func(c *Criteria) {
			c.DealTypes, c.Timeline, c.Experience, c.Mobility = []string{}, "soon", "", "moon"
		}, []string{"deal_types", "timeline", "experience", "mobility"}},
		{"unknown deal", func(c *Criteria) { c.DealTypes = []string{"fonds", "bail"} }, []string{"deal_types[0]"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := criteria()
			tc.change(&c)
			before := draft()
			s, err := before.Complete(c, known("10.71"), known("69123"), regions, time.Now())
			var invalid InvalidCriteria
			if tc.fields == nil {
				if err != nil {
					t.Fatalf("valid criteria refused: %v", err)
				}
				return
			}
			if !errors.As(err, &invalid) {
				t.Fatalf("err = %v, want InvalidCriteria", err)
			}
			var got []string
			for _, p := range invalid {
				got = append(got, p.Field)
			}
			for _, f := range tc.fields {
				if !slices.Contains(got, f) {
					t.Errorf("problems %v do not name %s", got, f)
				}
			}
			if s.Status != SearchDraft {
				t.Errorf("refused criteria changed the search: %+v", s)
			}
		})
	}
}
