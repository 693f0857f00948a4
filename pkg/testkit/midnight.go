package testkit

import (
	"testing"
	"time"
)

// AwayFromMidnight waits, when the UTC clock is within margin of midnight,
// until the new day has begun plus margin: a test that makes two calls
// on a service's own clock and expects them on the same UTC day (one
// concern a day) then cannot straddle midnight. It waits at most twice
// margin, and only in the minutes around midnight.
func AwayFromMidnight(t testing.TB, margin time.Duration) {
	t.Helper()
	now := time.Now().UTC()
	next := now.Truncate(24 * time.Hour).Add(24 * time.Hour)
	if wait := next.Sub(now); wait < margin {
		t.Logf("waiting %s for the UTC day to begin", wait+margin)
		time.Sleep(wait + margin)
	}
}
