package natsbus

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/ccicma/platform/pkg/events"
)

// Consumer pairs a durable consumer's spec with its handler: what a
// service's event port hands to its runtime (platform.Runtime.Handle).
// Every event port declares its consumers with Routes.
type Consumer struct {
	Spec   ConsumerSpec
	Handle Handler
}

// Route is a handler of one event type.
type Route struct {
	Name   events.Name
	Handle Handler
}

// On routes the events of P's type to fn, decoded: an undecodable payload
// is a permanent failure (events.ErrMalformed).
func On[P events.Payload](fn func(context.Context, events.Event, P) error) Route {
	var zero P
	return Route{Name: zero.EventName(), Handle: func(ctx context.Context, ev events.Event) error {
		p, err := events.Decode[P](ev)
		if err != nil {
			return err
		}
		return fn(ctx, ev, p)
	}}
}

// Routes builds the consumer of spec's stream that receives exactly the
// routes' event types (spec.Filters is set from them, each type once) and
// hands each event to the routes of its type. Several routes of one type
// run in the order given, each only if the one before succeeded: the
// first error decides the event's fate, and with a batch runner all of
// them commit together. An event of another type can only come from a
// filter changed under a running durable: it is dead-lettered, not
// retried.
func Routes(spec ConsumerSpec, routes ...Route) Consumer {
	byType := make(map[string][]Handler, len(routes))
	spec.Filters = nil
	for _, r := range routes {
		if f := r.Name.Filter(); !slices.Contains(spec.Filters, f) {
			spec.Filters = append(spec.Filters, f)
		}
		byType[r.Name.Type()] = append(byType[r.Name.Type()], r.Handle)
	}
	return Consumer{Spec: spec, Handle: func(ctx context.Context, ev events.Event) error {
		hs, ok := byType[ev.Type]
		if !ok {
			return Permanent(fmt.Errorf("no route for event type %q", ev.Type))
		}
		for _, h := range hs {
			if err := h(ctx, ev); err != nil {
				return err
			}
		}
		return nil
	}}
}

// MatchSubject reports whether subject matches a NATS subject filter
// ("*" one token, ">" one or more trailing tokens), as the server matches
// a consumer's filters.
func MatchSubject(filter, subject string) bool {
	f, s := strings.Split(filter, "."), strings.Split(subject, ".")
	for i, tok := range f {
		switch {
		case tok == ">":
			return len(s) > i
		case i >= len(s):
			return false
		case tok != "*" && tok != s[i]:
			return false
		}
	}
	return len(f) == len(s)
}

// Matches reports whether the spec's consumer receives events of subject:
// one of its filters, or its stream's subjects when it has none.
func (s ConsumerSpec) Matches(subject string) bool {
	filters := s.Filters
	if len(filters) == 0 {
		filters = s.Stream.Subjects()
	}
	return slices.ContainsFunc(filters, func(f string) bool { return MatchSubject(f, subject) })
}
