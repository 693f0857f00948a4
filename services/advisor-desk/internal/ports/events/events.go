// Package events is advisor-desk's event port: every domain event it reads
// goes to the notification use case, whose error decides ack, nak or
// dead-letter in natsbus.
package events

import (
	"context"
	"errors"

	"github.com/ccicma/platform/pkg/events"
	"github.com/ccicma/platform/pkg/natsbus"

	"github.com/ccicma/platform/services/advisor-desk/internal/app"
	"github.com/ccicma/platform/services/advisor-desk/internal/domain/notification"
)

// Consumer pairs a consumer spec with its handler.
type Consumer struct {
	Spec   natsbus.ConsumerSpec
	Handle natsbus.Handler
}

// Consumers lists advisor-desk's durable consumers; batch commits the
// events a consumer has at hand together.
func Consumers(notify app.Notify, batch natsbus.BatchRunner) []Consumer {
	return []Consumer{{
		Spec: natsbus.ConsumerSpec{Stream: events.StreamCreation, Batch: batch,
			Filters: []string{events.CreationCaseOpened{}.EventName().Filter()}},
		Handle: func(ctx context.Context, ev events.Event) error {
			err := notify.Handle(ctx, ev)
			if errors.Is(err, notification.ErrNoRecipient) {
				return natsbus.Permanent(err)
			}
			return err
		},
	}}
}
