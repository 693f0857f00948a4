package consumers

import (
	"github.com/ccicma/platform/pkg/events"
	"github.com/ccicma/platform/pkg/natsbus"
)

// Reaction is a further handler of some event types (the reminder timers).
// The service has one durable per stream, so a reaction joins the
// consumer of the stream its types come from rather than read it apart,
// and keeps its own inbox claims. For an event the notification table also
// lists, the reaction runs after the notification and only if it
// succeeded; either error decides the event's fate (nak, dead letter) as
// usual, and with a batch runner both commit together. A stream that no
// notification reads gets a consumer for the reaction alone.
type Reaction struct {
	Types  []events.Payload
	Handle natsbus.Handler
}

func (r Reaction) routes() []natsbus.Route {
	out := make([]natsbus.Route, len(r.Types))
	for i, p := range r.Types {
		out[i] = natsbus.Route{Name: p.EventName(), Handle: r.Handle}
	}
	return out
}
