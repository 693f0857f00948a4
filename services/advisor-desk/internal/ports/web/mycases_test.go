package web

import (
	"slices"
	"testing"
	"time"

	"github.com/ccicma/platform/services/advisor-desk/internal/adapters/peers"
)

func TestSortLines(t *testing.T) {
	day := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	lines := []caseLine{
		{ID: "none-old", WaitingSince: day},
		{ID: "late", WaitingSince: day.AddDate(0, 0, 3), Next: &peers.NextAction{Due: "2026-12-02"}},
		{ID: "soon", WaitingSince: day.AddDate(0, 0, 1), Next: &peers.NextAction{Due: "2026-12-20"}},
		{ID: "none-new", WaitingSince: day.AddDate(0, 0, 5)},
	}
	ids := func(ls []caseLine) []string {
		var out []string
		for _, l := range ls {
			out = append(out, l.ID)
		}
		return out
	}
	sortLines(lines, sortDue)
	if got, want := ids(lines), []string{"late", "soon", "none-old", "none-new"}; !slices.Equal(got, want) {
		t.Errorf("by due date: %v, want %v", got, want)
	}
	sortLines(lines, sortWaiting)
	if got, want := ids(lines), []string{"none-old", "soon", "late", "none-new"}; !slices.Equal(got, want) {
		t.Errorf("by waiting time: %v, want %v", got, want)
	}
}

func TestWaitingText(t *testing.T) {
	for d, want := range map[time.Duration]string{
		time.Hour: "depuis moins d'un jour", 30 * time.Hour: "depuis 1 jour", 10 * 24 * time.Hour: "depuis 10 jours",
	} {
		if got := waitingText(d); got != want {
			t.Errorf("waitingText(%v) = %q, want %q", d, got, want)
		}
	}
}

func TestStageFilter(t *testing.T) {
	for _, s := range []string{"", "opened", "diagnosis", "follow_up"} {
		if !validStageFilter(s) {
			t.Errorf("stage %q refused", s)
		}
	}
	for _, s := range []string{"closed", "<script>", "Diagnosis"} {
		if validStageFilter(s) {
			t.Errorf("stage %q accepted", s)
		}
	}
}
