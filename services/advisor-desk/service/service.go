// Package service is advisor-desk's composition root: it wires the runtime,
// the directory and notification store, the live inbox, the use cases, the
// consumers and the routes. Devstack and cmd/advisor-desk both start the
// service through it.
package service

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/ccicma/platform/pkg/inbox"
	"github.com/ccicma/platform/pkg/natsbus"
	"github.com/ccicma/platform/pkg/pgdb"
	"github.com/ccicma/platform/pkg/platform"
	"github.com/ccicma/platform/pkg/telemetry"

	"github.com/ccicma/platform/services/advisor-desk/internal/adapters/live"
	"github.com/ccicma/platform/services/advisor-desk/internal/adapters/postgres"
	"github.com/ccicma/platform/services/advisor-desk/internal/app"
	"github.com/ccicma/platform/services/advisor-desk/internal/config"
	"github.com/ccicma/platform/services/advisor-desk/internal/domain/notification"
	evport "github.com/ccicma/platform/services/advisor-desk/internal/ports/events"
	httpport "github.com/ccicma/platform/services/advisor-desk/internal/ports/http"
	"github.com/ccicma/platform/services/advisor-desk/migrations"
	"github.com/ccicma/platform/services/advisor-desk/seed"
)

// Name is the service's name: NATS user, durable consumer, event source.
const Name = "advisor-desk"

// Schema is the service's Postgres schema.
const Schema = "advisor_desk"

// Config is the service's configuration.
type Config = config.Config

// LoadConfig reads the configuration from the environment.
func LoadConfig() (Config, error) { return config.Load() }

// Service is a started advisor-desk.
type Service struct {
	*platform.Runtime // Addr, Run
	Store             *postgres.Store
}

// New connects the dependencies, seeds the directory (emitting its events)
// and prepares consumers and routes.
func New(ctx context.Context, cfg Config, topts telemetry.Options) (*Service, error) {
	id, _ := natsbus.IdentityOf(Name)
	rt, err := platform.Start(ctx, cfg.Config, platform.Spec{Identity: id, Schema: Schema, Migrations: migrations.Set()}, topts)
	if err != nil {
		return nil, err
	}
	store := postgres.New(rt.Pool, rt.Relay)
	now := func() time.Time { return time.Now().UTC() }
	if err := seedDirectory(ctx, cfg, app.SeedDirectory{Directory: store, Now: now}, rt); err != nil {
		return nil, err
	}
	hub := live.NewHub()
	notify := app.Notify{Rules: notification.Rules(), Notifications: store, Live: hub, Now: now, AfterCommit: pgdb.AfterCommit}
	for _, c := range evport.Consumers(notify, inbox.Batcher{Pool: rt.Pool}) {
		rt.Handle(c.Spec, c.Handle)
	}
	routes := httpport.Routes{Store: store, Live: hub, Log: rt.Log, Poll: cfg.StreamPoll, Heartbeat: cfg.StreamHeartbeat}
	if err := rt.Listen(routes.Handler()); err != nil {
		return nil, err
	}
	return &Service{Runtime: rt, Store: store}, nil
}

func seedDirectory(ctx context.Context, cfg Config, uc app.SeedDirectory, rt *platform.Runtime) error {
	raw := seed.Advisors
	if cfg.AdvisorsFile != "" {
		var err error
		if raw, err = os.ReadFile(cfg.AdvisorsFile); err != nil {
			return fmt.Errorf("read ADVISORS_FILE: %w", err)
		}
	}
	n, err := uc.Import(ctx, raw)
	if err != nil {
		return fmt.Errorf("seed advisor directory: %w", err)
	}
	rt.Log.Info("advisor directory seeded", "changed", n)
	return nil
}
