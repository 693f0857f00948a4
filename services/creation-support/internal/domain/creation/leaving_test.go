package creation

import (
	"errors"
	"testing"
	"time"

	"github.com/ccicma/platform/pkg/events"
)

func TestLeaving(t *testing.T) {
	const after = 14 * 24 * time.Hour
	until := func(d time.Duration) *time.Time { u := t0.Add(d); return &u }
	for _, tt := range []struct {
		name   string
		a      Advisor
		reason string
	}{
		{"active, present", Advisor{Active: true}, ""},
		{"a short absence", Advisor{Active: true, AbsentUntil: until(3 * 24 * time.Hour)}, ""},
		{"an absence just at the limit", Advisor{Active: true, AbsentUntil: until(after)}, ""},
		{"a long absence", Advisor{Active: true, AbsentUntil: until(after + time.Hour)}, events.ReassignAbsence},
		{"gone", Advisor{Active: false}, events.ReassignDeparture},
	} {
		reason, ok := Leaving(tt.a, t0, after)
		if reason != tt.reason || ok != (tt.reason != "") {
			t.Errorf("%s: %q %v, want %q", tt.name, reason, ok, tt.reason)
		}
	}
}

func TestHandOverKeepsTheStageAndSkipsTheLeaver(t *testing.T) {
	c := waiting("CMA", "CCI", "cma-a")
	c.CommuneCode = "91228"
	if _, err := c.TakeInCharge(t0); err != nil {
		t.Fatal(err)
	}
	c.Stage = StageFunding
	candidates := []AdvisorLoad{
		{AdvisorID: "cma-a", OpenCases: 0, Capacity: 10},                                      // the leaver
		{AdvisorID: "cma-b", OpenCases: 1, Capacity: 10, AbsentUntil: t0.Add(24 * time.Hour)}, // absent now
		{AdvisorID: "cma-c", OpenCases: 5, Capacity: 10},
		{AdvisorID: "cma-d", OpenCases: 2, Capacity: 10, Communes: []string{"75056"}}, // elsewhere
	}
	ev, err := c.HandOver(events.ReassignDeparture, candidates, t0)
	if err != nil {
		t.Fatal(err)
	}
	if c.AdvisorID != "cma-c" || c.Stage != StageFunding || !c.Waiting() || c.Chamber != "CMA" || c.SecondaryChamber != "CCI" {
		t.Fatalf("case after hand-over %+v", c)
	}
	if ev.Reason != events.ReassignDeparture || ev.PreviousAdvisorID != "cma-a" || ev.AdvisorID != "cma-c" || ev.Validate() != nil {
		t.Fatalf("event %+v (%v)", ev, ev.Validate())
	}
	nobody := waiting("CMA", "", "cma-a")
	if ev, err := nobody.HandOver(events.ReassignAbsence, candidates[:2], t0); err != nil || ev.AdvisorID != "" || nobody.AdvisorID != "" {
		t.Fatalf("no candidate: %+v %v", ev, err)
	}
	closed := waiting("CMA", "", "cma-a")
	closed.Stage = StageClosed
	if _, err := closed.HandOver(events.ReassignAbsence, candidates, t0); !errors.Is(err, ErrClosed) {
		t.Fatalf("closed case: %v", err)
	}
}
