// Package events is takeover-matching's event port: it decodes incoming
// events and hands them to the use cases. What comes back decides ack, nak
// or dead-letter in natsbus.
package events

import (
	"context"
	"fmt"

	"github.com/ccicma/platform/pkg/events"
	"github.com/ccicma/platform/pkg/natsbus"

	"github.com/ccicma/platform/services/takeover-matching/internal/app"
)

// Consumers lists the durable consumers and their handlers; batch commits
// the events a consumer has at hand together.
func Consumers(offer app.RegisterOffer, search app.RegisterSearch, project app.ProjectAdvisor, batch natsbus.BatchRunner) []Consumer {
	offers, searches := events.TakeoverOfferSubmitted{}.EventName(), events.TakeoverSearchSubmitted{}.EventName()
	return []Consumer{
		{
			// One durable per service and stream, so offers and searches
			// share it; one worker, because every registration takes the
			// same lock (see the store) and concurrent workers would only
			// wait for each other.
			Spec: natsbus.ConsumerSpec{Stream: events.StreamIntake, Batch: batch, Workers: 1,
				Filters: []string{offers.Filter(), searches.Filter()}},
			Handle: func(ctx context.Context, ev events.Event) error {
				switch ev.Type {
				case offers.Type():
					p, err := events.Decode[events.TakeoverOfferSubmitted](ev)
					if err != nil {
						return err
					}
					return offer.Handle(ctx, ev, p)
				case searches.Type():
					p, err := events.Decode[events.TakeoverSearchSubmitted](ev)
					if err != nil {
						return err
					}
					return search.Handle(ctx, ev, p)
				}
				return natsbus.Permanent(fmt.Errorf("unexpected event type %q", ev.Type))
			},
		},
		{
			Spec: natsbus.ConsumerSpec{Stream: events.StreamAdvisor, Batch: batch, Filters: []string{events.AdvisorUpdated{}.EventName().Filter()}},
			Handle: func(ctx context.Context, ev events.Event) error {
				p, err := events.Decode[events.AdvisorUpdated](ev)
				if err != nil {
					return err
				}
				return project.Handle(ctx, ev, p)
			},
		},
	}
}

// Consumer pairs a consumer spec with its handler.
type Consumer struct {
	Spec   natsbus.ConsumerSpec
	Handle natsbus.Handler
}
