// Package natsbus is the platform's JetStream plumbing: connecting as a
// service's own NATS user, idempotent streams and durable pull consumers,
// publishing with de-duplication ids, and one consume loop where a handler's
// error decides between ack, delayed nak and dead-letter.
package natsbus

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/ccicma/platform/pkg/telemetry"
)

// Config says how a service reaches NATS.
type Config struct {
	// URL is one server, or a comma-separated list of a cluster's servers
	// (nats://nats-0:4222,nats://nats-1:4222,...): the client connects to
	// any of them and fails over to the others.
	URL      string `envconfig:"NATS_URL" default:"nats://127.0.0.1:4222"`
	User     string `envconfig:"NATS_USER"`
	Password string `envconfig:"NATS_PASSWORD"`
	// PublishAsyncTimeout bounds the wait for an async publish's PubAck
	// (the outbox relay's). Zero means DefaultPublishAsyncTimeout.
	PublishAsyncTimeout time.Duration `envconfig:"NATS_PUBLISH_ASYNC_TIMEOUT" default:"10s"`
}

// DefaultPublishAsyncTimeout is the wait for an async publish's PubAck.
// Without one, a PubAck that never comes (the server lost the publish in a
// restart or a leader change) keeps its future forever, and with it one of
// the client's slots for async publishes in flight (4,000 by default): the
// relay stalls once they are used up. It is longer than the relay's own
// wait for a round's PubAcks (outbox.RelayOptions.AckTimeout, 5 s), so
// that the relay decides when a round failed; the timeout only frees what
// the relay gave up on. The relay publishes the rows again with the same
// Nats-Msg-Id, so a PubAck lost in flight duplicates nothing.
const DefaultPublishAsyncTimeout = 10 * time.Second

// Bus is one service's connection to NATS and JetStream.
type Bus struct {
	NC      *nats.Conn
	JS      jetstream.JetStream
	service string
	tel     *telemetry.Telemetry
	log     *slog.Logger

	mu          sync.Mutex
	onReconnect []func()
}

// Connect opens the service's connection. It retries the first connection
// while ctx allows, and reconnects forever afterwards: JetStream consumers
// and the outbox relay resume by themselves once the server is back.
func Connect(ctx context.Context, cfg Config, id Identity, tel *telemetry.Telemetry) (*Bus, error) {
	log := tel.Logger.With("component", "natsbus")
	b := &Bus{service: id.Service, tel: tel, log: log}
	opts := []nats.Option{
		nats.Name(id.Service),
		nats.CustomInboxPrefix(id.InboxPrefix()),
		nats.MaxReconnects(-1),
		nats.ReconnectWait(500 * time.Millisecond),
		nats.RetryOnFailedConnect(false),
		// A server that vanishes without closing the connection (its
		// machine lost) is only noticed by unanswered pings: the default
		// (2 min, 2 outstanding) would hold the service on a dead node for
		// minutes before it fails over to the cluster's other nodes.
		nats.PingInterval(5 * time.Second),
		nats.MaxPingsOutstanding(3),
		nats.DisconnectErrHandler(func(_ *nats.Conn, err error) {
			if err != nil {
				log.Warn("nats disconnected", "err", err)
			}
		}),
		nats.ReconnectHandler(func(nc *nats.Conn) {
			log.Info("nats reconnected", "url", nc.ConnectedUrlRedacted())
			b.reconnected()
		}),
		nats.ErrorHandler(func(_ *nats.Conn, sub *nats.Subscription, err error) {
			subject := ""
			if sub != nil {
				subject = sub.Subject
			}
			log.Error("nats async error", "err", err, "subscription", subject)
		}),
	}
	if cfg.User != "" {
		opts = append(opts, nats.UserInfo(cfg.User, cfg.Password))
	}
	var nc *nats.Conn
	var err error
	for attempt := 0; ; attempt++ {
		if nc, err = nats.Connect(cfg.URL, opts...); err == nil {
			break
		}
		if errors.Is(err, nats.ErrAuthorization) || attempt >= 20 {
			return nil, fmt.Errorf("connect to nats at %s as %q: %w", redact(cfg.URL), cfg.User, err)
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("connect to nats: %w", ctx.Err())
		case <-time.After(250 * time.Millisecond):
		}
	}
	asyncTimeout := cfg.PublishAsyncTimeout
	if asyncTimeout <= 0 {
		asyncTimeout = DefaultPublishAsyncTimeout
	}
	js, err := jetstream.New(nc, jetstream.WithPublishAsyncTimeout(asyncTimeout))
	if err != nil {
		nc.Close()
		return nil, fmt.Errorf("jetstream context: %w", err)
	}
	b.NC, b.JS = nc, js
	return b, nil
}

// OnReconnect registers f, called each time the connection comes back
// after a loss (a server restart, a failover to another node): the outbox
// relay is woken by it, so that what piled up during the outage leaves at
// once rather than after the relay's backoff. f must not block.
func (b *Bus) OnReconnect(f func()) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.onReconnect = append(b.onReconnect, f)
}

func (b *Bus) reconnected() {
	b.mu.Lock()
	hooks := slices.Clone(b.onReconnect)
	b.mu.Unlock()
	for _, f := range hooks {
		f()
	}
}

// Ready reports whether the connection is up (for /readyz).
func (b *Bus) Ready(context.Context) error {
	if s := b.NC.Status(); s != nats.CONNECTED {
		return fmt.Errorf("nats connection %s", s)
	}
	return nil
}

// Close drains the connection: pending publishes are flushed and
// subscriptions stop cleanly.
func (b *Bus) Close() {
	if err := b.NC.Drain(); err != nil {
		b.NC.Close()
	}
}

// redact hides the passwords embedded in a server URL or a list of them.
func redact(raw string) string {
	urls := strings.Split(raw, ",")
	for i, s := range urls {
		u, err := url.Parse(strings.TrimSpace(s))
		if err != nil {
			return "(unparsable nats url)"
		}
		urls[i] = u.Redacted()
	}
	return strings.Join(urls, ",")
}
