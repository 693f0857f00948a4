// Package platform is the runtime every service shares: it opens the
// service's pool and migrates its schema, connects to NATS as the service's
// user and ensures its stream, runs the outbox relay, the consumers, the
// HTTP server and housekeeping, and shuts all of it down in order. A
// service's composition root only adds its own repositories, use cases and
// routes.
package platform

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ccicma/platform/pkg/httpserver"
	"github.com/ccicma/platform/pkg/inbox"
	"github.com/ccicma/platform/pkg/natsbus"
	"github.com/ccicma/platform/pkg/outbox"
	"github.com/ccicma/platform/pkg/pgdb"
	"github.com/ccicma/platform/pkg/telemetry"
)

// DB and NATS are embedded in Config under these names so that envconfig
// flattens their keys (INTAKE_DATABASE_URL, not INTAKE_DB_DATABASE_URL).
type (
	// DB is the database part of Config.
	DB = pgdb.Config
	// NATS is the messaging part of Config.
	NATS = natsbus.Config
)

// Config holds the settings every service has. Services embed it in their
// own config struct; envconfig reads SERVICE_KEY and falls back to KEY.
type Config struct {
	DB
	NATS
	// RateLimit bounds the public submissions of each client, for the
	// services that wrap their routes in httpserver.NewRateLimiter.
	httpserver.RateLimit

	HTTPAddr        string        `envconfig:"HTTP_ADDR" default:":8080"`
	ShutdownTimeout time.Duration `envconfig:"SHUTDOWN_TIMEOUT" default:"15s"`
	// LameDuck is how long a stopping service still serves while its
	// /readyz answers 503 "stopping", before the shutdown proper: the
	// time load balancers take to stop sending it requests (0: none).
	LameDuck time.Duration `envconfig:"LAME_DUCK" default:"0s"`
	// StreamReplicas is 1 on a single server, 3 on a NATS cluster.
	StreamReplicas  int           `envconfig:"STREAM_REPLICAS" default:"1"`
	OutboxRetention time.Duration `envconfig:"OUTBOX_RETENTION" default:"24h"`
	// InboxRetention must outlast any redelivery or replay window.
	InboxRetention time.Duration `envconfig:"INBOX_RETENTION" default:"720h"`
	HousekeepEvery time.Duration `envconfig:"HOUSEKEEP_EVERY" default:"1h"`
	OutboxPoll     time.Duration `envconfig:"OUTBOX_POLL" default:"1s"`
	LogLevel       slog.Level    `envconfig:"LOG_LEVEL" default:"INFO"`
	// ConsumerMaxDeliver and ConsumerBackoff are the deliveries and nak
	// delays of the consumers whose spec sets none (natsbus's defaults
	// when unset): a test lowers them to dead-letter quickly.
	ConsumerMaxDeliver int             `envconfig:"CONSUMER_MAX_DELIVER"`
	ConsumerBackoff    []time.Duration `envconfig:"CONSUMER_BACKOFF"`
}

// Spec is what a service declares about itself.
type Spec struct {
	// Service is the service's name (its app.Name): Start looks its NATS
	// identity up (natsbus.IdentityOf), so that an unknown name fails
	// before anything is opened.
	Service    string
	Schema     string
	Migrations pgdb.Migrations
	// Shared are pkg's migration sets the service's own build on, such as
	// audit.Migrations(), applied after the outbox's and the inbox's.
	Shared []pgdb.Migrations
}

// Runtime is a started service's plumbing.
type Runtime struct {
	Pool  *pgxpool.Pool
	Bus   *natsbus.Bus
	Relay *outbox.Relay
	Tel   *telemetry.Telemetry
	Log   *slog.Logger

	cfg       Config
	spec      Spec
	consumers []consumer
	jobs      []job
	server    *httpserver.Server
}

type consumer struct {
	spec natsbus.ConsumerSpec
	h    natsbus.Handler
}

// Start opens the database (and migrates it), connects to NATS and ensures
// the service's stream, the confidential streams it writes into, the
// dead-letter stream and the redrive stream. On error, whatever was
// opened is closed.
func Start(ctx context.Context, cfg Config, spec Spec, topts telemetry.Options) (rt *Runtime, err error) {
	if topts.Logger == nil {
		topts.Logger = slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: cfg.LogLevel}))
	}
	id, err := natsbus.IdentityOf(spec.Service)
	if err != nil {
		return nil, err
	}
	tel, err := telemetry.New(ctx, spec.Service, topts)
	if err != nil {
		return nil, err
	}
	rt = &Runtime{Tel: tel, Log: tel.Logger, cfg: cfg, spec: spec}
	opened := rt // the returns below set rt to nil
	defer func() {
		if err != nil {
			opened.close(context.WithoutCancel(ctx))
		}
	}()
	if rt.Pool, err = pgdb.Open(ctx, cfg.DB, spec.Schema); err != nil {
		return nil, err
	}
	sets := append([]pgdb.Migrations{outbox.Migrations(), inbox.Migrations()}, spec.Shared...)
	if err = pgdb.Migrate(ctx, rt.Pool, append(sets, spec.Migrations)...); err != nil {
		return nil, err
	}
	if rt.Bus, err = natsbus.Connect(ctx, cfg.NATS, id, tel); err != nil {
		return nil, err
	}
	if err = rt.Bus.EnsureStream(ctx, id.Owns, cfg.StreamReplicas); err != nil {
		return nil, err
	}
	// The confidential streams it writes into: whichever writer starts
	// first creates them (their reader waits for them).
	for _, w := range id.Writes {
		if err = rt.Bus.EnsureStream(ctx, w, cfg.StreamReplicas); err != nil {
			return nil, err
		}
	}
	if err = rt.Bus.EnsureDeadLetterStream(ctx, cfg.StreamReplicas); err != nil {
		return nil, err
	}
	if err = rt.Bus.EnsureRedriveStream(ctx, cfg.StreamReplicas); err != nil {
		return nil, err
	}
	rt.Relay = outbox.NewRelay(rt.Pool, rt.Bus.JS, tel, outbox.RelayOptions{Poll: cfg.OutboxPoll})
	// What piled up in the outbox during a NATS outage leaves as soon as
	// the connection is back, not after the relay's backoff.
	rt.Bus.OnReconnect(rt.Relay.Wake)
	err = tel.Metrics.GaugeFunc("outbox_backlog", "Outbox rows not yet published.", func() float64 {
		c, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		n, err := outbox.Backlog(c, rt.Pool)
		if err != nil {
			return -1
		}
		return float64(n)
	})
	if err != nil {
		return nil, err
	}
	return rt, nil
}

// job is a periodic task of the service (see Every).
type job struct {
	name  string
	every time.Duration
	run   func(context.Context) error
}

// Every registers a task that Run starts, runs every interval (first after
// one interval) and stops at shutdown. Errors are logged and the task
// runs again at the next tick. Replicas all run it: tasks must be
// idempotent and safe to run concurrently.
func (rt *Runtime) Every(name string, interval time.Duration, run func(context.Context) error) {
	rt.jobs = append(rt.jobs, job{name: name, every: interval, run: run})
}

// Handle registers a consumer, started by Run.
func (rt *Runtime) Handle(spec natsbus.ConsumerSpec, h natsbus.Handler) {
	rt.consumers = append(rt.consumers, consumer{spec: spec, h: h})
}

// HandleAll registers the consumers of a service's event port.
func (rt *Runtime) HandleAll(consumers []natsbus.Consumer) {
	for _, c := range consumers {
		rt.Handle(c.Spec, c.Handle)
	}
}

// Listen binds the HTTP server on cfg.HTTPAddr with the service's routes,
// so callers learn the address (port 0 in tests) before Run.
//
// Its /readyz needs Postgres: without it nothing can be stored, and the
// service is unready (503). NATS only degrades it (200, "degraded"): the
// outbox holds the events the service accepts meanwhile, and its
// consumers wait for the connection to come back.
func (rt *Runtime) Listen(routes http.Handler) error {
	srv, err := httpserver.New(rt.cfg.HTTPAddr, routes, rt.Tel, []httpserver.Check{
		{Name: "postgres", Probe: rt.Pool.Ping},
		{Name: "nats", Probe: rt.Bus.Ready, Degraded: true, Detail: rt.heldInOutbox},
	})
	if err != nil {
		return err
	}
	rt.server = srv
	return nil
}

// heldInOutbox says how many events wait in the outbox for NATS.
func (rt *Runtime) heldInOutbox(ctx context.Context) string {
	n, err := outbox.Backlog(ctx, rt.Pool)
	if err != nil {
		return "outbox backlog unknown: " + err.Error()
	}
	return fmt.Sprintf("outbox backlog: %d (held until NATS is back)", n)
}

// Addr is the HTTP address (after Listen).
func (rt *Runtime) Addr() string {
	if rt.server == nil {
		return ""
	}
	return rt.server.Addr()
}
