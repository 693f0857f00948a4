package concern_test

import (
	"testing"
	"time"

	"github.com/ccicma/platform/pkg/concern"
	"github.com/ccicma/platform/pkg/events"
)

// Each kind of bad list has its code; a good one passes.
func TestCheck(t *testing.T) {
	for _, tc := range []struct {
		kinds []string
		want  string
	}{
		{nil, "required"},
		{[]string{events.ConcernCashFlow, "gossip"}, "invalid"},
		{[]string{events.ConcernCashFlow, events.ConcernCashFlow}, "repeated"},
		{events.ConcernKinds(), ""},
	} {
		p := concern.Check(tc.kinds)
		if got := ""; p != nil {
			got = p.Code
			if p.Message == "" || got != tc.want {
				t.Errorf("Check(%v) = %+v, want %q", tc.kinds, p, tc.want)
			}
		} else if tc.want != "" {
			t.Errorf("Check(%v) = nil, want %q", tc.kinds, tc.want)
		}
	}
}

// A concern counts for its UTC day, whatever the zone it was raised in.
func TestSameDay(t *testing.T) {
	paris := time.FixedZone("CET", 3600)
	late := time.Date(2026, 12, 8, 0, 30, 0, 0, paris) // 23:30 UTC the 7th
	if !concern.SameDay(late, time.Date(2026, 12, 7, 8, 0, 0, 0, time.UTC)) ||
		concern.SameDay(late, time.Date(2026, 12, 8, 0, 0, 0, 0, time.UTC)) {
		t.Error("the UTC day is not the one counted")
	}
	if d := concern.Day(late); !d.Equal(time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("Day = %v", d)
	}
}
