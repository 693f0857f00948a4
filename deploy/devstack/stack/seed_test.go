package stack_test

import (
	"testing"
	"time"

	"github.com/ccicma/platform/pkg/testkit"
)

// TestSeedJourneysFillsTheDesk: make run's demo seed leaves creation cases
// at every stage of the journey, in both chambers, with an outcome of
// each kind, and seeds nothing the second time.
func TestSeedJourneysFillsTheDesk(t *testing.T) {
	r := startStack(t)
	r.db.WaitCount(t, "advisor directory projected", 4, `SELECT count(*) FROM creation_support.advisors`)
	n, err := r.st.SeedJourneys(testkit.Context(t), r.db)
	if err != nil || n != 10 {
		t.Fatalf("seeded %d projects: %v", n, err)
	}
	stages := map[string]int{}
	for _, s := range testkit.Column[string](t, r.db, `SELECT stage FROM creation_support.creation_cases`) {
		stages[s]++
	}
	want := map[string]int{"opened": 2, "welcome": 1, "diagnosis": 1, "business_plan": 1, "funding": 1, "formalities": 1,
		"follow_up": 1, "closed": 2}
	for stage, n := range want {
		if stages[stage] != n {
			t.Errorf("%d cases at %s, want %d (all: %v)", stages[stage], stage, n, stages)
		}
	}
	if c := r.db.Count(t, `SELECT count(DISTINCT chamber) FROM creation_support.creation_cases`); c != 2 {
		t.Errorf("cases of %d chambers, want both", c)
	}
	for _, outcome := range []string{"registered", "abandoned", "redirected_to_takeover"} {
		if c := r.db.Count(t, `SELECT count(*) FROM creation_support.creation_cases WHERE outcome = $1`, outcome); c != 1 {
			t.Errorf("%d cases %s, want 1", c, outcome)
		}
	}
	// Each chamber has an information meeting and a training ahead; the
	// projects at welcome and diagnosis are registered to their chamber's
	// meeting, and intake knows it (their status pages show it).
	if c := r.db.Count(t, `SELECT count(*) FROM creation_support.creation_sessions WHERE starts_at > now()`); c != 4 {
		t.Errorf("%d sessions ahead, want 4", c)
	}
	testkit.Eventually(t, 10*time.Second, "the registrations reach intake", func() (bool, error) {
		return r.db.Count(t, `SELECT count(*) FROM intake.session_registrations WHERE kind = 'information_meeting'`) == 2, nil
	})
	testkit.Eventually(t, 10*time.Second, "the redirected project's draft search", func() (bool, error) {
		return r.db.Count(t, `SELECT count(*) FROM takeover_matching.buyer_searches WHERE status = 'draft'`) == 1, nil
	})
	if n, err := r.st.SeedJourneys(testkit.Context(t), r.db); err != nil || n != 0 {
		t.Fatalf("second seed: %d projects, %v", n, err)
	}
}
