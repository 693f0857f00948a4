package consumers_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"testing"

	"github.com/ccicma/platform/pkg/events"

	"github.com/ccicma/platform/services/advisor-desk/internal/app"
	"github.com/ccicma/platform/services/advisor-desk/internal/domain/notification"
	"github.com/ccicma/platform/services/advisor-desk/internal/ports/consumers"
)

// TestReaction: a reaction joins the consumer of its stream (its types in
// the filters once, run after the notification, not when that one fails,
// still when nobody could be notified) and gets a consumer of its own on a
// stream no notification reads.
func TestReaction(t *testing.T) {
	var calls []string
	errOwn := errors.New("notification failed")
	var own error
	opened, taken := events.CreationCaseOpened{}.EventName(), events.CreationCaseTakenInCharge{}.EventName()
	notify := app.Notify{Rules: map[string]notification.Rule{opened.Type(): func(events.Event) ([]notification.Draft, error) {
		calls = append(calls, "notify")
		return nil, own
	}}}
	r := consumers.Reaction{
		Types: []events.Payload{events.CreationCaseOpened{}, events.CreationCaseTakenInCharge{}, events.CreationSubmitted{}},
		Handle: func(context.Context, events.Event) error {
			calls = append(calls, "reaction")
			return nil
		},
	}
	cs := consumers.Consumers(notify, nil, slog.New(slog.DiscardHandler), r)
	var streams []string
	for _, c := range cs {
		streams = append(streams, c.Spec.Stream.Name)
	}
	if want := []string{"CREATION", "TAKEOVER", "DIFFICULTY", "INTAKE"}; !slices.Equal(streams, want) {
		t.Fatalf("consumers on %v, want %v", streams, want)
	}
	if want := []string{"creation.case.opened.>", "creation.case.taken_in_charge.>", "creation.case.reassigned.>", "creation.case.stage_changed.>",
		"creation.case.registered.>", "creation.case.closed.>", "creation.case.redirected_to_takeover.>", "creation.case.next_action_overdue.>", "creation.session.registered.>",
		"creation.case.difficulty_seen.>", "creation.case.concern_raised.>"}; !slices.Equal(cs[0].Spec.Filters, want) {
		t.Errorf("CREATION filters %v, want the table's, each once", cs[0].Spec.Filters)
	}
	if want := []string{"intake.creation.submitted.>"}; !slices.Equal(cs[3].Spec.Filters, want) {
		t.Errorf("INTAKE filters %v, want %v", cs[3].Spec.Filters, want)
	}
	ctx := context.Background()
	for _, tt := range []struct {
		name  string
		c     int
		ev    events.Name
		own   error
		want  []string
		fails bool
	}{
		{"notified, then the reaction", 0, opened, nil, []string{"notify", "reaction"}, false},
		{"the notification fails: no reaction", 0, opened, errOwn, []string{"notify"}, true},
		{"nobody to notify: the reaction still runs", 0, opened, fmt.Errorf("case x: %w", notification.ErrNoRecipient), []string{"notify", "reaction"}, false},
		{"no rule for the type: the reaction alone", 0, taken, nil, []string{"reaction"}, false},
		{"a stream only the reaction reads", 3, events.CreationSubmitted{}.EventName(), nil, []string{"reaction"}, false},
	} {
		calls, own = nil, tt.own
		err := cs[tt.c].Handle(ctx, events.Event{Type: tt.ev.Type()})
		if !slices.Equal(calls, tt.want) || (err != nil) != tt.fails || (tt.fails && !errors.Is(err, errOwn)) {
			t.Errorf("%s: calls %v, err %v; want %v, failing %v", tt.name, calls, err, tt.want, tt.fails)
		}
	}
}
