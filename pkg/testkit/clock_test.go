package testkit_test

import (
	"testing"
	"time"

	"github.com/ccicma/platform/pkg/testkit"
)

// TestClockMovesOnlyWhenTold: the clock shows its time until the test
// sets or advances it.
func TestClockMovesOnlyWhenTold(t *testing.T) {
	start := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	c := testkit.NewClock(start)
	if got := c.Now(); !got.Equal(start) {
		t.Fatalf("Now = %s, want %s", got, start)
	}
	c.Advance(90 * time.Minute)
	if got := c.Now(); !got.Equal(start.Add(90 * time.Minute)) {
		t.Fatalf("after Advance: %s", got)
	}
	c.Set(start)
	if got := c.Now(); !got.Equal(start) {
		t.Fatalf("after Set: %s", got)
	}
}
