package casefile_test

import (
	"testing"

	"github.com/ccicma/platform/services/advisor-desk/internal/domain/casefile"
)

// Every stage a move may reach, and every reason of a move, reads in
// French in the timeline too.
func TestJourneyLabels(t *testing.T) {
	for _, s := range casefile.Stages() {
		if casefile.StageLabel(s.Code) != s.Label {
			t.Errorf("stage %q: form label %q, timeline label %q", s.Code, s.Label, casefile.StageLabel(s.Code))
		}
	}
	for _, code := range []string{"opened", "in_progress", "follow_up", "closed"} {
		if casefile.StageLabel(code) == code {
			t.Errorf("stage %q has no label", code)
		}
	}
	for _, r := range casefile.MoveReasons() {
		if casefile.Label("move", r.Code) == r.Code || r.Label == "" {
			t.Errorf("move reason %q has no label", r.Code)
		}
	}
	if casefile.StageLabel("unknown") != "unknown" {
		t.Error("an unknown stage is not shown as is")
	}
}
