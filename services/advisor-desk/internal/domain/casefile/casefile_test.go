package casefile_test

import (
	"testing"

	"github.com/ccicma/platform/services/advisor-desk/internal/domain/casefile"
)

// Only a case waiting to be taken in charge offers its advisor the
// actions; an unknown status offers none.
func TestWaiting(t *testing.T) {
	for _, tt := range []struct {
		status string
		want   bool
	}{
		{casefile.StatusOpened, true},
		{casefile.StatusInProgress, false},
		{casefile.StatusClosed, false},
		{"", false},
		{"reopened", false},
	} {
		if got := casefile.Waiting(tt.status); got != tt.want {
			t.Errorf("Waiting(%q) = %v, want %v", tt.status, got, tt.want)
		}
	}
}
