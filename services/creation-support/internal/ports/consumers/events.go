// Package consumers is creation-support's event port: it decodes incoming
// events and hands them to the use cases. What comes back decides ack, nak
// or dead-letter in natsbus.
package consumers

import (
	"context"

	"github.com/ccicma/platform/pkg/events"
	"github.com/ccicma/platform/pkg/natsbus"

	"github.com/ccicma/platform/services/creation-support/internal/app"
)

// Consumers lists the durable consumers and their handlers; batch commits
// the events a consumer has at hand together.
func Consumers(open app.OpenCase, project app.ProjectAdvisor, batch natsbus.BatchRunner) []Consumer {
	return []Consumer{
		{
			// One worker: openings count cases in the same few advisor rows,
			// which concurrent batches would lock in turn (measured: slower
			// than one worker with large batches). The store writes those
			// counts once a batch, in advisor order, so even several
			// workers or replicas could not deadlock.
			Spec: natsbus.ConsumerSpec{Stream: events.StreamIntake, Batch: batch, Workers: 1, Filters: []string{events.CreationSubmitted{}.EventName().Filter()}},
			Handle: func(ctx context.Context, ev events.Event) error {
				p, err := events.Decode[events.CreationSubmitted](ev)
				if err != nil {
					return err
				}
				return open.Handle(ctx, ev, p)
			},
		},
		natsbus.Routes(natsbus.ConsumerSpec{Stream: events.StreamAdvisor, Batch: batch}, natsbus.On(project.Handle)),
	}
}

// Consumer pairs a consumer spec with its handler (natsbus.Consumer, which
// the advisor consumer gets from natsbus.Routes).
type Consumer = natsbus.Consumer
