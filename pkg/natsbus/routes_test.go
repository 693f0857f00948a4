package natsbus_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ccicma/platform/pkg/events"
	"github.com/ccicma/platform/pkg/natsbus"
)

// TestRoutes: the consumer filters on each routed type once, runs the
// routes of an event's type in order until one fails, and dead-letters a
// type it has no route for.
func TestRoutes(t *testing.T) {
	t.Parallel()
	var calls []string
	errFirst := errors.New("first route failed")
	failFirst := false
	opened := events.CreationCaseOpened{}.EventName()
	route := func(name events.Name, label string, fail *bool) natsbus.Route {
		return natsbus.Route{Name: name, Handle: func(context.Context, events.Event) error {
			calls = append(calls, label)
			if fail != nil && *fail {
				return errFirst
			}
			return nil
		}}
	}
	c := natsbus.Routes(natsbus.ConsumerSpec{Stream: events.StreamCreation, Filters: []string{"replaced.>"}},
		route(opened, "first", &failFirst),
		natsbus.On(func(_ context.Context, _ events.Event, p events.CreationCaseTakenInCharge) error {
			calls = append(calls, "taken "+p.CaseID)
			return nil
		}),
		route(opened, "second", nil))
	if want := []string{"creation.case.opened.>", "creation.case.taken_in_charge.>"}; !slices.Equal(c.Spec.Filters, want) {
		t.Errorf("filters %v, want %v", c.Spec.Filters, want)
	}
	if c.Spec.Stream != events.StreamCreation {
		t.Errorf("stream %s, want CREATION", c.Spec.Stream.Name)
	}
	ctx := context.Background()
	if err := c.Handle(ctx, events.Event{Type: opened.Type()}); err != nil || !slices.Equal(calls, []string{"first", "second"}) {
		t.Errorf("calls %v, err %v; want first then second", calls, err)
	}
	calls, failFirst = nil, true
	if err := c.Handle(ctx, events.Event{Type: opened.Type()}); !errors.Is(err, errFirst) || !slices.Equal(calls, []string{"first"}) {
		t.Errorf("calls %v, err %v; want the first route's error and no second route", calls, err)
	}
	calls = nil
	caseID := uuid.Must(uuid.NewV7()).String()
	taken, err := events.New("creation-support", caseID, "91", events.CreationCaseTakenInCharge{CaseID: caseID,
		RequestID: uuid.Must(uuid.NewV7()).String(), Chamber: events.ChamberCMA, AdvisorID: "cma-91-001", TakenAt: time.Now()}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Handle(ctx, taken); err != nil || !slices.Equal(calls, []string{"taken " + caseID}) {
		t.Errorf("calls %v, err %v; want the decoded payload handed over", calls, err)
	}
	bad := taken
	bad.Data = []byte("{")
	if err := c.Handle(ctx, bad); !errors.Is(err, events.ErrMalformed) {
		t.Errorf("undecodable payload: err %v, want events.ErrMalformed", err)
	}
	if err := c.Handle(ctx, events.Event{Type: "creation.case.closed.v1"}); !errors.Is(err, natsbus.ErrPermanent) {
		t.Errorf("unrouted type: err %v, want a permanent failure", err)
	}
}

// TestIdentityOf: every service of the platform has an identity; an
// unknown name is an error that names it.
func TestIdentityOf(t *testing.T) {
	t.Parallel()
	for _, want := range natsbus.Platform() {
		got, err := natsbus.IdentityOf(want.Service)
		if err != nil || got.Service != want.Service || got.Owns != want.Owns {
			t.Errorf("IdentityOf(%q) = %+v, %v; want %+v", want.Service, got, err, want)
		}
	}
	_, err := natsbus.IdentityOf("creation-suport")
	if !errors.Is(err, natsbus.ErrUnknownService) || !strings.Contains(err.Error(), `"creation-suport"`) {
		t.Errorf("IdentityOf(misspelt) = %v, want ErrUnknownService naming the name", err)
	}
}

// TestMatchSubject: filters match as the server matches a consumer's, so
// the redrive consumer hands an event to the consumer that would have
// received it.
func TestMatchSubject(t *testing.T) {
	for _, tc := range []struct {
		filter, subject string
		want            bool
	}{
		{"intake.creation.submitted.>", "intake.creation.submitted.91", true},
		{"intake.creation.submitted.>", "intake.creation.submitted", false},
		{"intake.*.submitted.91", "intake.creation.submitted.91", true},
		{"intake.*.submitted.91", "intake.creation.submitted.77", false},
		{"intake.creation", "intake.creation.submitted", false},
		{"advisor.>", "intake.creation.submitted.91", false},
	} {
		if got := natsbus.MatchSubject(tc.filter, tc.subject); got != tc.want {
			t.Errorf("MatchSubject(%q, %q) = %v, want %v", tc.filter, tc.subject, got, tc.want)
		}
	}
	spec := natsbus.ConsumerSpec{Stream: events.StreamAdvisor}
	if !spec.Matches("advisor.directory.updated.91") || spec.Matches("intake.creation.submitted.91") {
		t.Error("a spec without filters matches its stream's subjects only")
	}
}
