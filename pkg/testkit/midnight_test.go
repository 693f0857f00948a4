package testkit_test

import (
	"testing"
	"time"

	"github.com/ccicma/platform/pkg/testkit"
)

// Away from midnight it returns at once, leaving a whole margin before
// the day ends.
func TestAwayFromMidnight(t *testing.T) {
	start := time.Now()
	testkit.AwayFromMidnight(t, time.Second)
	now := time.Now().UTC()
	left := now.Truncate(24 * time.Hour).Add(24 * time.Hour).Sub(now)
	if left < time.Second-time.Since(start) || time.Since(start) > 3*time.Second {
		t.Errorf("%s left in the day after %s", left, time.Since(start))
	}
}
