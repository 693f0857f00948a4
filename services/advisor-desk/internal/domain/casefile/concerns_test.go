package casefile

import (
	"slices"
	"testing"

	"github.com/ccicma/platform/pkg/events"
)

// The desk offers every concern the event takes, in its order, each with
// a label of its own.
func TestOfferConcernsAreTheEventsConcerns(t *testing.T) {
	var codes, labels []string
	for _, c := range OfferConcerns() {
		codes, labels = append(codes, c.Code), append(labels, c.Label)
	}
	if !slices.Equal(codes, events.ConcernKinds()) {
		t.Errorf("the desk offers %q, the event takes %q", codes, events.ConcernKinds())
	}
	if got := ConcernLabels(codes); !slices.Equal(got, labels) || slices.Contains(got, events.ConcernCashFlow) {
		t.Errorf("labels %q", got)
	}
	if got := ConcernLabels([]string{"rumour"}); got[0] != "rumour" {
		t.Errorf("an unknown code reads %q", got[0])
	}
}
