package creation

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/ccicma/platform/pkg/events"
)

func TestChooseAdvisor(t *testing.T) {
	now := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	l := func(id string, open, capacity int) AdvisorLoad {
		return AdvisorLoad{AdvisorID: id, OpenCases: open, Capacity: capacity}
	}
	absent := func(a AdvisorLoad, until time.Time) AdvisorLoad { a.AbsentUntil = until; return a }
	tests := []struct {
		name       string
		candidates []AdvisorLoad
		want       string
		ok         bool
	}{
		{"nobody", nil, "", false},
		{"least loaded wins", []AdvisorLoad{l("b", 3, 10), l("a", 5, 10), l("c", 4, 10)}, "b", true},
		{"tie broken by id", []AdvisorLoad{l("z", 2, 10), l("m", 2, 10)}, "m", true},
		{"full advisor passed over", []AdvisorLoad{l("a", 1, 1), l("b", 7, 10)}, "b", true},
		{"everyone full: least loaded still owns it", []AdvisorLoad{l("a", 12, 10), l("b", 11, 10)}, "b", true},
		{"zero capacity counts as full", []AdvisorLoad{l("a", 0, 0), l("b", 3, 5)}, "b", true},
		{"absent advisor gets no new case", []AdvisorLoad{absent(l("a", 0, 10), now.Add(time.Hour)), l("b", 5, 10)}, "b", true},
		{"absence ended", []AdvisorLoad{absent(l("a", 0, 10), now), l("b", 5, 10)}, "a", true},
		{"everyone absent: nobody", []AdvisorLoad{absent(l("a", 0, 10), now.Add(time.Minute))}, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := ChooseAdvisor(tt.candidates, now)
			if got != tt.want || ok != tt.ok {
				t.Fatalf("ChooseAdvisor = %q, %v; want %q, %v", got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestRequestFromAndOpen(t *testing.T) {
	p := events.CreationSubmitted{
		RequestID: "0190b0a4-0000-7000-8000-000000000001", NAFCode: "10.71C", CommuneCode: "91228", Departement: "91",
		Routing: events.Routing{LeadChamber: "CMA", SecondaryChamber: "CCI", RuleID: "artisanal-partly"},
	}
	req, err := RequestFrom(p)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 26, 10, 0, 0, 0, time.FixedZone("CET", 3600))
	c, ev := Open(req, "case-1", "cma-91-x", now)
	if c.Stage != StageOpened || c.Chamber != "CMA" || c.SecondaryChamber != "CCI" || c.AdvisorID != "cma-91-x" {
		t.Fatalf("case = %+v", c)
	}
	if !c.OpenedAt.Equal(now) || c.OpenedAt.Location() != time.UTC {
		t.Fatalf("opened at %v, want %v in UTC", c.OpenedAt, now)
	}
	if ev.CaseID != "case-1" || ev.RequestID != p.RequestID || ev.AdvisorID != "cma-91-x" || ev.Departement != "91" {
		t.Fatalf("event = %+v", ev)
	}

	p.Routing = events.Routing{RuleID: "agriculture"}
	if _, err := RequestFrom(p); !errors.Is(err, ErrNoChamber) {
		t.Fatalf("request routed nowhere: err = %v, want ErrNoChamber", err)
	}
}

// TestCovering: an advisor whose territory is narrowed to communes or
// EPCIs gets only the projects there; one without narrowing, the whole
// département; a project whose commune and EPCI are unknown goes by the
// département alone.
func TestCovering(t *testing.T) {
	const evry, evryEPCI, etampes, etampesEPCI = "91228", "200059228", "91223", "200017846"
	all := []AdvisorLoad{
		{AdvisorID: "whole"},
		{AdvisorID: "evry-commune", Communes: []string{evry}},
		{AdvisorID: "evry-epci", EPCIs: []string{evryEPCI}},
		{AdvisorID: "etampes", Communes: []string{etampes}, EPCIs: []string{etampesEPCI}},
	}
	ids := func(as []AdvisorLoad) []string {
		var out []string
		for _, a := range as {
			out = append(out, a.AdvisorID)
		}
		return out
	}
	tests := []struct {
		name string
		req  Request
		want []string
	}{
		{"Évry, commune and EPCI known", Request{Departement: "91", CommuneCode: evry, EPCI: evryEPCI}, []string{"whole", "evry-commune", "evry-epci"}},
		{"Étampes", Request{Departement: "91", CommuneCode: etampes, EPCI: etampesEPCI}, []string{"whole", "etampes"}},
		{"Évry, EPCI unknown", Request{Departement: "91", CommuneCode: evry}, []string{"whole", "evry-commune"}},
		{"place unknown", Request{Departement: "91"}, []string{"whole", "evry-commune", "evry-epci", "etampes"}},
	}
	for _, tt := range tests {
		if got := ids(Covering(all, tt.req.Place())); !slices.Equal(got, tt.want) {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
}
