// Package events is difficulty-alert's event port: it decodes incoming
// events and hands them to the use cases. What comes back decides ack, nak
// or dead-letter in natsbus (an undecodable or invalid event is
// dead-lettered at once).
package events

import (
	"context"

	"github.com/ccicma/platform/pkg/events"
	"github.com/ccicma/platform/pkg/natsbus"

	"github.com/ccicma/platform/services/difficulty-alert/internal/app"
)

// Consumers lists the durable consumers and their handlers; batch commits
// the events a consumer has at hand together.
func Consumers(open app.OpenCase, project app.ProjectAdvisor, batch natsbus.BatchRunner) []Consumer {
	return []Consumer{
		{
			// One worker: openings count cases in the same few advisor
			// rows, which concurrent batches would lock in turn. The store
			// writes those counts once a batch, in advisor order, so even
			// several replicas cannot deadlock.
			Spec: natsbus.ConsumerSpec{Stream: events.StreamIntake, Batch: batch, Workers: 1,
				Filters: []string{events.DifficultyReported{}.EventName().Filter()}},
			Handle: func(ctx context.Context, ev events.Event) error {
				p, err := events.Decode[events.DifficultyReported](ev)
				if err != nil {
					return err
				}
				return open.Handle(ctx, ev, p)
			},
		},
		{
			Spec: natsbus.ConsumerSpec{Stream: events.StreamAdvisor, Batch: batch,
				Filters: []string{events.AdvisorUpdated{}.EventName().Filter()}},
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
