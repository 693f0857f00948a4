package natsbus

import (
	"context"
	"fmt"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/ccicma/platform/pkg/events"
)

// Message builds the NATS message of an event: binary-mode CloudEvents
// headers, Nats-Msg-Id = ce-id, plus any extra headers (trace context).
func Message(ev events.Event, extra map[string][]string) *nats.Msg {
	h := nats.Header(ev.Headers())
	for k, v := range extra {
		h[k] = v
	}
	return &nats.Msg{Subject: ev.Topic, Header: h, Data: ev.Data}
}

// Publish sends one event synchronously and waits for its PubAck. The
// outbox relay publishes asynchronously instead; this is for tools and tests.
func (b *Bus) Publish(ctx context.Context, ev events.Event) error {
	msg := Message(ev, nil)
	b.tel.Inject(ctx, msg.Header)
	if _, err := b.JS.PublishMsg(ctx, msg, jetstream.WithMsgID(ev.ID)); err != nil {
		return fmt.Errorf("publish %s: %w", ev.Topic, err)
	}
	return nil
}
