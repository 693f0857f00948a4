// Package consumers is advisor-desk's event port: every domain event it reads
// goes to the notification use case, whose error decides ack, nak or
// dead-letter in natsbus.
package consumers

import (
	"context"
	"errors"
	"log/slog"

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

// Consumers lists advisor-desk's durable consumers: one per stream that
// the notification table (notification.Table) reads, filtered on the event
// types it lists, so that a new entry in the table is subscribed to without
// a change here. batch commits the events a consumer has at hand together.
//
// An event whose notification nobody in the directory can receive (a
// chamber or cell with no active advisor covering the département) is
// logged as an error and acknowledged: dead-lettering it would also undo
// what the stream's other reactions do with it, such as the escalation
// timer that brings the case to the managers.
func Consumers(notify app.Notify, batch natsbus.BatchRunner, log *slog.Logger) []Consumer {
	handle := func(ctx context.Context, ev events.Event) error {
		err := notify.Handle(ctx, ev)
		if errors.Is(err, notification.ErrNoRecipient) {
			log.ErrorContext(ctx, "notification without recipient", "event_id", ev.ID, "event_type", ev.Type, "err", err)
			return nil
		}
		return err
	}
	var out []Consumer
	at := map[string]int{} // stream name -> index in out
	for _, e := range notification.Table() {
		stream, ok := events.StreamFor(e.Event.Producer)
		if !ok { // a table entry for an unknown producer is a programming error the tests catch
			continue
		}
		i, seen := at[stream.Name]
		if !seen {
			i = len(out)
			at[stream.Name] = i
			out = append(out, Consumer{Spec: natsbus.ConsumerSpec{Stream: stream, Batch: batch}, Handle: handle})
		}
		out[i].Spec.Filters = append(out[i].Spec.Filters, e.Event.Filter())
	}
	return out
}
