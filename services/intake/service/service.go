// Package service is intake's composition root: it loads the reference
// data and wires the runtime, the store, the router, the use cases and the
// routes. Devstack and cmd/intake both start the service through it.
package service

import (
	"context"
	"fmt"
	"time"

	"github.com/ccicma/platform/pkg/audit"
	"github.com/ccicma/platform/pkg/auth"
	"github.com/ccicma/platform/pkg/httpserver"
	"github.com/ccicma/platform/pkg/inbox"
	"github.com/ccicma/platform/pkg/mailer"
	"github.com/ccicma/platform/pkg/pgdb"
	"github.com/ccicma/platform/pkg/platform"
	"github.com/ccicma/platform/pkg/refdata"
	"github.com/ccicma/platform/pkg/telemetry"

	"github.com/ccicma/platform/services/intake/internal/adapters/postgres"
	"github.com/ccicma/platform/services/intake/internal/app"
	"github.com/ccicma/platform/services/intake/internal/config"
	"github.com/ccicma/platform/services/intake/internal/domain/routing"
	"github.com/ccicma/platform/services/intake/internal/ports/consumers"
	"github.com/ccicma/platform/services/intake/internal/ports/httpapi"
	"github.com/ccicma/platform/services/intake/internal/ports/web"
	"github.com/ccicma/platform/services/intake/migrations"
)

// Name is the service's name (app.Name, where it is written): NATS user,
// durable consumer, event source, configuration prefix.
const Name = app.Name

// Schema is the service's Postgres schema.
const Schema = "intake"

// Config is the service's configuration.
type Config = config.Config

// LoadConfig reads the configuration from the environment.
func LoadConfig() (Config, error) { return config.Load() }

// Service is a started intake.
type Service struct {
	*platform.Runtime // Addr, Run
}

// New loads the reference data, connects the dependencies and prepares the
// routes.
func New(ctx context.Context, cfg Config, topts telemetry.Options) (*Service, error) {
	ref, err := refdata.Load()
	if err != nil {
		return nil, fmt.Errorf("load reference data: %w", err)
	}
	rules, err := cfg.RoutingRules()
	if err != nil {
		return nil, err
	}
	// Every unsafe route of intake (API and forms) is a public submission:
	// each client gets a token bucket.
	limiter, err := httpserver.NewRateLimiter(cfg.RateLimit, httpserver.LimitOptions{Prefixes: []string{"/"}})
	if err != nil {
		return nil, err
	}
	guard, err := auth.NewGuard(ctx, cfg.AuthConfig, nil, topts.Logger)
	if err != nil {
		return nil, err
	}
	sender, err := newSender(cfg)
	if err != nil {
		return nil, err
	}
	rt, err := platform.Start(ctx, cfg.Config, platform.Spec{Service: Name, Schema: Schema, Migrations: migrations.Set(),
		Shared: []pgdb.Migrations{audit.Migrations(), mailer.Migrations()}}, topts)
	if err != nil {
		return nil, err
	}
	now := func() time.Time { return time.Now().UTC() }
	store := postgres.New(rt.Pool, rt.Relay)
	if err := wireMail(cfg, rt, store, sender, ref, now); err != nil {
		return nil, err
	}
	rt.HandleAll(consumers.Consumers(consumers.Handlers{Track: app.TrackCase{Progress: store},
		Sessions: app.ConfirmSession{Sessions: store}, Intros: app.RecordIntroduction{Introductions: store},
		Market:   app.FollowListings{Market: store, MinScore: cfg.BuyerDigestMinScore},
		Concerns: app.IdentifyConcernedBusiness{Offers: store}}, inbox.Batcher{Pool: rt.Pool}))
	anonymise := app.AnonymiseRequests{Requests: store, After: cfg.PersonalDataRetention, Now: func() time.Time { return time.Now().UTC() }}
	rt.Every("anonymise requests", cfg.AnonymiseEvery, func(ctx context.Context) error {
		n, err := anonymise.Run(ctx)
		if n > 0 {
			rt.Log.InfoContext(ctx, "personal data erased", "requests", n)
		}
		return err
	})
	router := routing.Router{Ref: ref, Departements: cfg.Departements, Rules: rules}
	routes := httpapi.Routes{
		Creation:      app.SubmitCreation{Requests: store, Ref: ref, Router: router, Now: now},
		TakeoverOffer: app.SubmitTakeoverOffer{Requests: store, Ref: ref, Router: router, Now: now},
		BuyerSearch:   app.SubmitBuyerSearch{Requests: store, Ref: ref, Router: router, Now: now},
		Difficulty: app.SubmitDifficultyReport{Requests: store, Ref: ref, Router: router,
			Thresholds: cfg.DifficultyThresholds(), Now: now},
		Status:   app.RequestStatus{Requests: store},
		Auth:     guard,
		Requests: app.ReadRequest{Log: store, Now: now},
		AuditLog: app.ReadAuditLog{Log: store},
		Log:      rt.Log,
	}
	forms := web.Routes{Creation: routes.Creation, TakeoverOffer: routes.TakeoverOffer, BuyerSearch: routes.BuyerSearch,
		Difficulty: routes.Difficulty, Status: routes.Status, Ref: ref, Departements: cfg.Departements, API: routes.Handler(), Log: rt.Log}
	if err := rt.Listen(limiter.Limit(forms.Handler())); err != nil {
		return nil, err
	}
	return &Service{Runtime: rt}, nil
}
