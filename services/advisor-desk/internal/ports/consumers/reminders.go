package consumers

import (
	"context"
	"slices"

	"github.com/ccicma/platform/pkg/events"
	"github.com/ccicma/platform/pkg/natsbus"
)

// Reaction is a further handler of some event types, run after the
// consumer's own handler for each event it reads (the reminder timers).
// The service has one durable per stream, so reactions join the stream's
// consumer rather than read it apart; each keeps its own inbox claims.
type Reaction struct {
	Types  []events.Payload
	Handle natsbus.Handler
}

// WithReaction extends the consumers with a reaction: a consumer of a
// stream the reaction's types come from also reads those types and hands
// them to the reaction after its own handler; a stream no consumer reads
// gets a consumer of its own. An error of either handler decides the
// event's fate (nak, dead letter) as usual, and with a batch runner both
// commit together.
func WithReaction(cs []Consumer, r Reaction, batch natsbus.BatchRunner) []Consumer {
	out := slices.Clone(cs)
	for _, stream := range streamsOf(r.Types) {
		filters := filtersOf(r.Types, stream)
		i := slices.IndexFunc(out, func(c Consumer) bool { return c.Spec.Stream == stream })
		if i < 0 {
			out = append(out, Consumer{Spec: natsbus.ConsumerSpec{Stream: stream, Batch: batch, Filters: filters}, Handle: r.Handle})
			continue
		}
		c := out[i]
		c.Spec.Filters = slices.Clone(c.Spec.Filters)
		for _, f := range filters {
			if !slices.Contains(c.Spec.Filters, f) {
				c.Spec.Filters = append(c.Spec.Filters, f)
			}
		}
		own := c.Handle
		c.Handle = func(ctx context.Context, ev events.Event) error {
			if err := own(ctx, ev); err != nil {
				return err
			}
			return r.Handle(ctx, ev)
		}
		out[i] = c
	}
	return out
}

func streamsOf(types []events.Payload) []events.Stream {
	var out []events.Stream
	for _, p := range types {
		s, ok := events.StreamFor(p.EventName().Producer)
		if ok && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

func filtersOf(types []events.Payload, stream events.Stream) []string {
	var out []string
	for _, p := range types {
		if p.EventName().Producer == stream.Producer {
			out = append(out, p.EventName().Filter())
		}
	}
	return out
}
