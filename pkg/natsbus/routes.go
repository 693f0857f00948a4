package natsbus

import (
	"context"
	"fmt"

	"github.com/ccicma/platform/pkg/events"
)

// Consumer pairs a durable consumer's spec with its handler: what a
// service's event port hands to its runtime.
type Consumer struct {
	Spec   ConsumerSpec
	Handle Handler
}

// Route is the handler of one event type.
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
// routes' event types (spec.Filters is set from them) and hands each event
// to the route of its type. An event of another type can only come from a
// filter changed under a running durable: it is dead-lettered, not
// retried.
func Routes(spec ConsumerSpec, routes ...Route) Consumer {
	byType := make(map[string]Handler, len(routes))
	spec.Filters = nil
	for _, r := range routes {
		spec.Filters = append(spec.Filters, r.Name.Filter())
		byType[r.Name.Type()] = r.Handle
	}
	return Consumer{Spec: spec, Handle: func(ctx context.Context, ev events.Event) error {
		h, ok := byType[ev.Type]
		if !ok {
			return Permanent(fmt.Errorf("no route for event type %q", ev.Type))
		}
		return h(ctx, ev)
	}}
}
