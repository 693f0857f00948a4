// Package events is intake's event port: the chambers' events that move an
// applicant's request along. What a handler returns decides ack, nak or
// dead-letter in natsbus.
package events

import (
	"context"

	"github.com/ccicma/platform/pkg/events"
	"github.com/ccicma/platform/pkg/natsbus"

	"github.com/ccicma/platform/services/intake/internal/app"
)

// Consumer pairs a consumer spec with its handler.
type Consumer struct {
	Spec   natsbus.ConsumerSpec
	Handle natsbus.Handler
}

// Consumers lists intake's durable consumers; batch commits the events a
// consumer has at hand together.
func Consumers(track app.TrackCase, batch natsbus.BatchRunner) []Consumer {
	return []Consumer{{
		Spec: natsbus.ConsumerSpec{Stream: events.StreamCreation, Batch: batch,
			Filters: []string{events.CreationCaseOpened{}.EventName().Filter()}},
		Handle: func(ctx context.Context, ev events.Event) error {
			p, err := events.Decode[events.CreationCaseOpened](ev)
			if err != nil {
				return err
			}
			return track.CaseOpened(ctx, ev, p)
		},
	}}
}
