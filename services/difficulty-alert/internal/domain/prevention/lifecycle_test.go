package prevention

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ccicma/platform/pkg/events"
)

const caseUUID = "0190b0a4-0000-7000-8000-0000000000c1"

func openedCase(t *testing.T) Case {
	t.Helper()
	r, err := ReportFrom(reported("CMA", "CCI"))
	if err != nil {
		t.Fatal(err)
	}
	c, _ := Open(r, caseUUID, []string{"cma-a"}, now)
	return c
}

func TestTakeInCharge(t *testing.T) {
	c := openedCase(t)
	ev, err := c.TakeInCharge("cci-cell", now.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	// A cell member who was not assigned joins the assigned advisors.
	if c.Status != StatusTakenInCharge || c.TakenBy != "cci-cell" || !c.TakenAt.Equal(now.Add(time.Hour)) ||
		!slices.Equal(c.AdvisorIDs, []string{"cma-a", "cci-cell"}) {
		t.Fatalf("case = %+v", c)
	}
	if ev.AdvisorID != "cci-cell" || !slices.Equal(ev.AdvisorIDs, c.AdvisorIDs) || ev.Chamber != "CMA" || ev.SecondaryChamber != "CCI" ||
		ev.Departement != "91" || !ev.TakenAt.Equal(c.TakenAt) {
		t.Fatalf("event = %+v", ev)
	}
	if err := ev.Validate(); err != nil {
		t.Fatal(err)
	}
	if _, err := c.TakeInCharge("cma-a", now.Add(2*time.Hour)); !errors.Is(err, ErrAlreadyTaken) {
		t.Fatalf("twice: %v", err)
	}
	// An assigned advisor stays once in the list.
	c2 := openedCase(t)
	if _, err := c2.TakeInCharge("cma-a", now); err != nil || !slices.Equal(c2.AdvisorIDs, []string{"cma-a"}) {
		t.Fatalf("assigned advisor: %v, %v", err, c2.AdvisorIDs)
	}
}

func TestRecordActionEachKind(t *testing.T) {
	c := openedCase(t)
	in := ActionInput{Kind: "call", OccurredOn: "2026-11-26", Outcome: "done"}
	if _, _, err := c.RecordAction("a0", "cma-a", in, now); !errors.Is(err, ErrNotTakenInCharge) {
		t.Fatalf("opened case: %v", err)
	}
	if _, err := c.TakeInCharge("cma-a", now); err != nil {
		t.Fatal(err)
	}
	for i, k := range ActionKinds() {
		id := "0190b0a4-0000-7000-8000-00000000a00" + string(rune('0'+i))
		a, ev, err := c.RecordAction(id, "cma-a", ActionInput{Kind: string(k), OccurredOn: "2026-11-26", Outcome: "follow_up",
			OutcomeText: "  Échéancier demandé  "}, now)
		if err != nil {
			t.Fatalf("%s: %v", k, err)
		}
		if a.Kind != k || a.OutcomeText != "Échéancier demandé" || a.OccurredOn.Format(time.DateOnly) != "2026-11-26" {
			t.Fatalf("%s: action = %+v", k, a)
		}
		if ev.Kind != string(k) || ev.Outcome != "follow_up" || ev.OccurredOn != "2026-11-26" || ev.ActionID != id {
			t.Fatalf("%s: event = %+v", k, ev)
		}
		if err := ev.Validate(); err != nil {
			t.Fatalf("%s: %v", k, err)
		}
		if k.Label() == string(k) {
			t.Errorf("%s has no French label", k)
		}
	}
	if len(c.Actions) != len(ActionKinds()) {
		t.Fatalf("%d actions", len(c.Actions))
	}
}

func TestRecordActionInvalid(t *testing.T) {
	c := openedCase(t)
	if _, err := c.TakeInCharge("cma-a", now); err != nil {
		t.Fatal(err)
	}
	for name, tc := range map[string]struct {
		in     ActionInput
		fields []string
	}{
		"empty":       {ActionInput{}, []string{"kind", "outcome", "occurred_on"}},
		"future":      {ActionInput{Kind: "call", Outcome: "done", OccurredOn: "2026-11-28"}, []string{"occurred_on"}},
		"before case": {ActionInput{Kind: "call", Outcome: "done", OccurredOn: "2026-11-01"}, []string{"occurred_on"}},
		"too long": {ActionInput{Kind: "meeting", Outcome: "done", OccurredOn: "2026-11-26",
			OutcomeText: strings.Repeat("é", MaxOutcomeText+1)}, []string{"outcome_text"}},
	} {
		_, _, err := c.RecordAction("a", "cma-a", tc.in, now)
		var bad *InvalidInput
		if !errors.As(err, &bad) {
			t.Fatalf("%s: %v", name, err)
		}
		var got []string
		for _, f := range bad.Fields {
			got = append(got, f.Field)
		}
		if !slices.Equal(got, tc.fields) {
			t.Errorf("%s: fields %v, want %v", name, got, tc.fields)
		}
	}
	// Exactly the limit passes, in characters rather than bytes.
	if _, _, err := c.RecordAction("a", "cma-a", ActionInput{Kind: "meeting", Outcome: "done", OccurredOn: "2026-11-26",
		OutcomeText: strings.Repeat("é", MaxOutcomeText)}, now); err != nil {
		t.Fatal(err)
	}
}

func TestCloseEachReason(t *testing.T) {
	for _, r := range CloseReasons() {
		c := openedCase(t)
		if r != CloseBusinessClosed { // a case also closes without being taken in charge
			if _, err := c.TakeInCharge("cma-a", now); err != nil {
				t.Fatal(err)
			}
		}
		from := c.Status
		ev, err := c.Close(r, "cma-a", now.Add(time.Hour))
		if err != nil {
			t.Fatalf("%s: %v", r, err)
		}
		if c.Status != StatusClosed || c.CloseReason != r || c.ClosedBy != "cma-a" || !c.ClosedAt.Equal(now.Add(time.Hour)) || c.Open() {
			t.Fatalf("%s: case = %+v", r, c)
		}
		if ev.Reason != string(r) || ev.From != string(from) || ev.ClosedBy != "cma-a" || ev.CaseID != caseUUID {
			t.Fatalf("%s: event = %+v", r, ev)
		}
		if err := ev.Validate(); err != nil {
			t.Fatalf("%s: %v", r, err)
		}
		if r.Label() == string(r) {
			t.Errorf("%s has no French label", r)
		}
		// A closed case changes no more.
		if _, err := c.Close(CloseRecovered, "cma-a", now); !errors.Is(err, ErrClosed) {
			t.Fatalf("%s: closed twice: %v", r, err)
		}
		if _, err := c.TakeInCharge("cma-a", now); !errors.Is(err, ErrClosed) {
			t.Fatalf("%s: taken once closed: %v", r, err)
		}
		if _, _, err := c.RecordAction("a", "cma-a", ActionInput{Kind: "call", Outcome: "done", OccurredOn: "2026-11-26"}, now); !errors.Is(err, ErrClosed) {
			t.Fatalf("%s: action once closed: %v", r, err)
		}
	}
	c := openedCase(t)
	var bad *InvalidInput
	if _, err := c.Close("bankrupt", "cma-a", now); !errors.As(err, &bad) || bad.Fields[0].Field != "reason" || c.Status != StatusOpened {
		t.Fatalf("unknown reason: %v, %s", err, c.Status)
	}
	if _, err := c.Close(CloseBusinessClosed, ClosedBySystem, now); err != nil || c.ClosedBy != events.DifficultyClosedBySystem {
		t.Fatalf("closed by the system: %v, %q", err, c.ClosedBy)
	}
}
