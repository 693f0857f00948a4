package consumers_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/ccicma/platform/pkg/events"
	"github.com/ccicma/platform/pkg/natsbus"

	"github.com/ccicma/platform/services/advisor-desk/internal/ports/consumers"
)

// TestWithReaction: a reaction joins the consumer of its stream (its types
// added to the filters, run after the consumer's own handler, not when
// that one fails) and gets a consumer of its own on a stream nobody reads.
func TestWithReaction(t *testing.T) {
	var calls []string
	errOwn := errors.New("own handler failed")
	failOwn := false
	own := consumers.Consumer{
		Spec: natsbus.ConsumerSpec{Stream: events.StreamCreation, Filters: []string{events.CreationCaseOpened{}.EventName().Filter()}},
		Handle: func(context.Context, events.Event) error {
			calls = append(calls, "own")
			if failOwn {
				return errOwn
			}
			return nil
		},
	}
	r := consumers.Reaction{
		Types: []events.Payload{events.CreationCaseOpened{}, events.CreationCaseTakenInCharge{}, events.TakeoverOfferRegistered{}},
		Handle: func(context.Context, events.Event) error {
			calls = append(calls, "reaction")
			return nil
		},
	}
	cs := consumers.WithReaction([]consumers.Consumer{own}, r, nil)
	if len(cs) != 2 || cs[0].Spec.Stream != events.StreamCreation || cs[1].Spec.Stream != events.StreamTakeover {
		t.Fatalf("consumers on %v, want CREATION then TAKEOVER", []string{cs[0].Spec.Stream.Name, cs[len(cs)-1].Spec.Stream.Name})
	}
	wantCreation := []string{"creation.case.opened.>", "creation.case.taken_in_charge.>"}
	if !slices.Equal(cs[0].Spec.Filters, wantCreation) || !slices.Equal(own.Spec.Filters, wantCreation[:1]) {
		t.Errorf("CREATION filters %v (original %v), want %v, the original untouched", cs[0].Spec.Filters, own.Spec.Filters, wantCreation)
	}
	if !slices.Equal(cs[1].Spec.Filters, []string{"takeover.offer.registered.>"}) {
		t.Errorf("TAKEOVER filters %v", cs[1].Spec.Filters)
	}
	if err := cs[0].Handle(context.Background(), events.Event{}); err != nil || !slices.Equal(calls, []string{"own", "reaction"}) {
		t.Errorf("calls %v, err %v; want own then reaction", calls, err)
	}
	calls, failOwn = nil, true
	if err := cs[0].Handle(context.Background(), events.Event{}); !errors.Is(err, errOwn) || !slices.Equal(calls, []string{"own"}) {
		t.Errorf("calls %v, err %v; want the own handler's error and no reaction", calls, err)
	}
}
