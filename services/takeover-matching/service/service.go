// Package service is takeover-matching's composition root: it wires the
// runtime, the Postgres store, the use cases, the consumers and the
// advisors' API. Devstack and cmd/takeover-matching both start the service
// through it.
package service

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/google/uuid"

	"github.com/ccicma/platform/pkg/auth"
	"github.com/ccicma/platform/pkg/directory/projection"
	"github.com/ccicma/platform/pkg/inbox"
	"github.com/ccicma/platform/pkg/pgdb"
	"github.com/ccicma/platform/pkg/platform"
	"github.com/ccicma/platform/pkg/refdata"
	"github.com/ccicma/platform/pkg/telemetry"

	"github.com/ccicma/platform/services/takeover-matching/internal/adapters/postgres"
	"github.com/ccicma/platform/services/takeover-matching/internal/app"
	"github.com/ccicma/platform/services/takeover-matching/internal/config"
	"github.com/ccicma/platform/services/takeover-matching/internal/domain/takeover"
	"github.com/ccicma/platform/services/takeover-matching/internal/ports/consumers"
	"github.com/ccicma/platform/services/takeover-matching/internal/ports/httpapi"
	"github.com/ccicma/platform/services/takeover-matching/migrations"
)

// Name is the service's name (app.Name, where it is written): NATS user,
// durable consumer, event source, configuration prefix.
const Name = app.Name

// Schema is the service's Postgres schema.
const Schema = "takeover_matching"

// Config is the service's configuration.
type Config = config.Config

// LoadConfig reads the configuration from the environment.
func LoadConfig() (Config, error) { return config.Load() }

// Service is a started takeover-matching.
type Service struct {
	*platform.Runtime // Addr, Run
	Store             *postgres.Store
}

// New connects the service's dependencies and prepares its consumers and
// routes.
func New(ctx context.Context, cfg Config, topts telemetry.Options) (*Service, error) {
	rules, err := cfg.MatchingRules()
	if err != nil {
		return nil, err
	}
	threshold, err := cfg.Threshold(rules)
	if err != nil {
		return nil, err
	}
	ref, err := refdata.Load()
	if err != nil {
		return nil, fmt.Errorf("load reference data: %w", err)
	}
	// Checked before anything is opened, so that a bad setting leaves
	// nothing to close.
	verifier, err := auth.NewGuard(ctx, cfg.AuthConfig, &http.Client{Timeout: cfg.JWKSTimeout}, topts.Logger)
	if err != nil {
		return nil, err
	}
	rt, err := platform.Start(ctx, cfg.Config, platform.Spec{Service: Name, Schema: Schema, Migrations: migrations.Set(),
		Shared: []pgdb.Migrations{projection.Migrations()}}, topts)
	if err != nil {
		return nil, err
	}
	store := postgres.New(rt.Pool, rt.Relay)
	now := func() time.Time { return time.Now().UTC() }
	regionOf := func(dept string) string {
		d, _ := ref.Departement(dept)
		return d.Region
	}
	matcher := takeover.Matcher{Rules: rules, Threshold: threshold, EPCIOf: func(commune string) string {
		c, _ := ref.Commune(commune)
		return c.EPCI
	}}
	offer := app.RegisterOffer{Registry: store, RegionOf: regionOf, Matcher: matcher, Now: now, NewID: newID}
	search := app.RegisterSearch{Registry: store, RegionOf: regionOf, Matcher: matcher, Now: now, NewID: newID}
	draft := app.OpenDraftSearch{Registry: store, RegionOf: regionOf, Now: now, NewID: newID}
	rt.HandleAll(consumers.Consumers(offer, search, draft, projection.ProjectAdvisor{Advisors: store}, inbox.Batcher{Pool: rt.Pool}))
	complete := app.CompleteSearch{Searches: store, RegionOf: regionOf, Matcher: matcher, Now: now, NewID: newID,
		IsNAF:     func(id string) bool { _, ok := ref.NAFLabel(id); return ok },
		IsCommune: func(code string) bool { _, ok := ref.Commune(code); return ok }}
	everyLifecycle(rt, cfg, store, now)
	routes := httpapi.Routes{Offers: app.ReadOffers{Files: store, Private: store, Concerns: store}, Searches: app.ReadSearches{Files: store, Private: store},
		Matches: app.ReadMatches{Files: store}, Completer: complete, Auth: verifier, Log: rt.Log,
		Lifecycle: app.NewLifecycleActions(store, matcher, now, newID),
		Stepper:   app.TakeMatchStep{Introductions: store, Now: now},
		Care:      app.NewCareActions(store, now),
		Concerns:  app.RaiseOfferConcern{Concerns: store, Now: now, NewID: newID}}
	if err := rt.Listen(routes.Handler()); err != nil {
		return nil, err
	}
	return &Service{Runtime: rt, Store: store}, nil
}

func newID() (string, error) {
	id, err := uuid.NewV7()
	if err != nil {
		return "", fmt.Errorf("new id: %w", err)
	}
	return id.String(), nil
}
