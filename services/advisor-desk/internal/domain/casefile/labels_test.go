package casefile_test

import (
	"slices"
	"testing"

	"github.com/ccicma/platform/pkg/events"

	"github.com/ccicma/platform/services/advisor-desk/internal/domain/casefile"
)

// The form offers exactly the reasons creation-support takes from an
// advisor: every reassignment reason but those of the platform (absence,
// departure)
// and of a manager; each is labelled, in the history too.
func TestHandBackReasons(t *testing.T) {
	var want []string
	for _, r := range events.ReassignReasons() {
		if r != events.ReassignAbsence && r != events.ReassignDeparture && r != events.ReassignManager {
			want = append(want, r)
		}
	}
	var got []string
	for _, r := range casefile.HandBackReasons() {
		got = append(got, r.Code)
		if r.Label == "" || !casefile.ValidHandBackReason(r.Code) {
			t.Errorf("reason %q: label %q", r.Code, r.Label)
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("form reasons %v, want %v", got, want)
	}
	for _, r := range events.ReassignReasons() {
		if casefile.Label("reason", r) == r {
			t.Errorf("reason %q has no label for the history", r)
		}
	}
	if casefile.ValidHandBackReason(events.ReassignManager) || casefile.Label("band", "unknown_band") != "unknown_band" {
		t.Error("a manager's reason is offered, or an unknown code is not shown as is")
	}
}

// The sides were introduced once the match reached the introduction, even
// if it was dropped later; a match dropped before was never introduced.
func TestIntroduced(t *testing.T) {
	for _, c := range []struct {
		stage   string
		reached []string
		want    bool
	}{
		{casefile.MatchProposed, nil, false},
		{casefile.MatchInterested, []string{casefile.MatchReviewed, casefile.MatchInterested}, false},
		{casefile.MatchIntroduced, []string{casefile.MatchIntroduced}, true},
		{casefile.MatchNegotiating, nil, true},
		{casefile.MatchConcluded, nil, true},
		{casefile.MatchDropped, []string{casefile.MatchReviewed, casefile.MatchDropped}, false},
		{casefile.MatchDropped, []string{casefile.MatchIntroduced, casefile.MatchDropped}, true},
	} {
		if got := casefile.Introduced(c.stage, c.reached); got != c.want {
			t.Errorf("Introduced(%s, %v) = %v, want %v", c.stage, c.reached, got, c.want)
		}
	}
	if casefile.MatchDropLabel("price") != "Pas d'accord sur le prix" || casefile.MatchDropLabel("unknown") != "unknown" {
		t.Error("a drop reason is not labelled, or an unknown one not shown as is")
	}
}
