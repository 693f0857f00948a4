// Package consumers is advisor-desk's event port: every domain event it reads
// goes to the notification use case, and some also to reactions (the
// reminder timers); their errors decide ack, nak or dead-letter in natsbus.
// The consumers are declared as every service declares them, with
// natsbus.Routes.
//
// Late or repeated events (retries, redrives, replays and replicas do not
// keep an aggregate's order) are safe because of these guards:
//   - notifications: the inbox claim of the event drops a repeat, and each
//     notification (and its e-mail) is keyed by the event and recipient,
//     so a repeat whose inbox row was pruned stores nothing twice. A late
//     event's notification simply appears: it says what happened, with
//     the event's date.
//   - reminder timers (ScheduleReminders): their own inbox claim drops a
//     repeat, and a case change no newer than the last one applied to the
//     case is stale and changes nothing (reminder.Case), so a late
//     "opened" cannot restart the reminders of a case taken in charge.
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

// Consumers lists advisor-desk's durable consumers: one per stream that its
// routes read. The notification table (notification.Table) gives a route
// to notify for each event type it lists, so that a new entry in the table
// is subscribed to without a change here; each reaction adds a route for
// each of its types, run after the notification (see Reaction). batch
// commits the events a consumer has at hand together.
//
// An event whose notification nobody in the directory can receive (a
// chamber or cell with no active advisor covering the département) is
// logged as an error and acknowledged: dead-lettering it would also undo
// what the stream's other reactions do with it, such as the escalation
// timer that brings the case to the managers.
func Consumers(notify app.Notify, batch natsbus.BatchRunner, log *slog.Logger, reactions ...Reaction) []natsbus.Consumer {
	handle := func(ctx context.Context, ev events.Event) error {
		err := notify.Handle(ctx, ev)
		if errors.Is(err, notification.ErrNoRecipient) {
			log.ErrorContext(ctx, "notification without recipient", "event_id", ev.ID, "event_type", ev.Type, "err", err)
			return nil
		}
		return err
	}
	var routes []natsbus.Route
	for _, e := range notification.Table(nil) {
		routes = append(routes, natsbus.Route{Name: e.Event, Handle: handle})
	}
	for _, r := range reactions {
		routes = append(routes, r.routes()...)
	}
	return byStream(routes, batch)
}

// byStream declares one consumer per stream the routes' event types come
// from (the service has one durable per stream), in the order of each
// stream's first route. A route of an unknown producer is a programming
// error the tests catch: it is left out.
func byStream(routes []natsbus.Route, batch natsbus.BatchRunner) []natsbus.Consumer {
	var streams []events.Stream
	of := map[string][]natsbus.Route{}
	for _, r := range routes {
		s, ok := events.StreamFor(r.Name.Producer)
		if !ok {
			continue
		}
		if _, seen := of[s.Name]; !seen {
			streams = append(streams, s)
		}
		of[s.Name] = append(of[s.Name], r)
	}
	out := make([]natsbus.Consumer, len(streams))
	for i, s := range streams {
		out[i] = natsbus.Routes(natsbus.ConsumerSpec{Stream: s, Batch: batch}, of[s.Name]...)
	}
	return out
}
