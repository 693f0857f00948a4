// Package service is creation-support's composition root: it wires the
// runtime, the Postgres store, the use cases and the consumers. Devstack and
// cmd/creation-support both start the service through it.
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
	"github.com/ccicma/platform/pkg/telemetry"

	"github.com/ccicma/platform/services/creation-support/internal/adapters/postgres"
	"github.com/ccicma/platform/services/creation-support/internal/app"
	"github.com/ccicma/platform/services/creation-support/internal/config"
	"github.com/ccicma/platform/services/creation-support/internal/ports/consumers"
	"github.com/ccicma/platform/services/creation-support/internal/ports/httpapi"
	"github.com/ccicma/platform/services/creation-support/migrations"
)

// Name is the service's name (app.Name, where it is written): NATS user,
// durable consumer, event source, configuration prefix.
const Name = app.Name

// Schema is the service's Postgres schema.
const Schema = "creation_support"

// Config is the service's configuration.
type Config = config.Config

// LoadConfig reads the configuration from the environment.
func LoadConfig() (Config, error) { return config.Load() }

// Service is a started creation-support.
type Service struct {
	*platform.Runtime // Addr, Run
	Store             *postgres.Store
}

// New connects the service's dependencies and prepares its consumers.
func New(ctx context.Context, cfg Config, topts telemetry.Options) (*Service, error) {
	// Checked before anything is opened, so that a bad setting leaves
	// nothing to close.
	guard, err := auth.NewGuard(ctx, cfg.AuthConfig, &http.Client{Timeout: cfg.JWKSTimeout}, topts.Logger)
	if err != nil {
		return nil, fmt.Errorf("authentication: %w", err)
	}
	rt, err := platform.Start(ctx, cfg.Config, platform.Spec{Service: Name, Schema: Schema, Migrations: migrations.Set(),
		Shared: []pgdb.Migrations{projection.Migrations()}}, topts)
	if err != nil {
		return nil, err
	}
	store := postgres.New(rt.Pool, rt.Relay)
	now := func() time.Time { return time.Now().UTC() }
	rt.HandleAll(consumers.Consumers(app.OpenCase{Cases: store, Now: now}, projection.ProjectAdvisor{Advisors: store}, inbox.Batcher{Pool: rt.Pool}))
	erase := app.EraseComments{Comments: store, After: cfg.PersonalDataRetention, Now: now}
	rt.Every("erase hand-back comments", cfg.AnonymiseEvery, func(ctx context.Context) error {
		n, err := erase.Run(ctx)
		if n > 0 {
			rt.Log.InfoContext(ctx, "hand-back comments erased", "comments", n)
		}
		return err
	})
	overdue := app.RemindOverdueActions{Cases: store, Now: now}
	rt.Every("remind overdue next actions", cfg.OverdueEvery, func(ctx context.Context) error {
		n, err := overdue.Run(ctx)
		if n > 0 {
			rt.Log.InfoContext(ctx, "overdue next actions reminded", "cases", n)
		}
		return err
	})
	leavers := app.ReassignLeavers{Leavers: store, Cases: store, After: cfg.ReassignAbsentAfter, Now: now}
	rt.Every("reassign the cases of leaving advisors", cfg.ReassignEvery, func(ctx context.Context) error {
		n, err := leavers.Run(ctx)
		if n > 0 {
			rt.Log.InfoContext(ctx, "cases of leaving advisors reassigned", "cases", n)
		}
		return err
	})
	routes := httpapi.Routes{Cases: app.ReadCases{Cases: store}, Log: rt.Log, Do: httpapi.UseCases{
		Take:     app.TakeInCharge{Cases: store, Now: now},
		Back:     app.HandBack{Cases: store, Now: now},
		Reassign: app.Reassign{Cases: store, Now: now},
	}, Journey: httpapi.JourneyUseCases{
		Move:       app.MoveStage{Cases: store, Now: now},
		Facts:      app.RecordFacts{Cases: store, Now: now},
		Register:   app.RegisterBusiness{Cases: store, Now: now},
		Close:      app.CloseCase{Cases: store, Now: now},
		Next:       app.PlanNextAction{Cases: store, Now: now},
		Checkpoint: app.RecordCheckpoint{Cases: store, Now: now},
		Concern:    app.RaiseConcern{Cases: store, Now: now, NewID: newUUID},
		Plan:       app.PlanSession{Sessions: store, Now: now, NewID: newUUID},
		Sessions:   app.ListSessions{Sessions: store, Now: now},
		Enrol:      app.EnrolCase{Sessions: store, Now: now},
		WriteNote:  app.WriteNote{Cases: store, Notes: store, Now: now},
		ReadNotes:  app.ReadNotes{Cases: store, Notes: store},
	}}
	routes.Auth = guard
	if err := rt.Listen(routes.Handler()); err != nil {
		return nil, err
	}
	return &Service{Runtime: rt, Store: store}, nil
}

func newUUID() (string, error) {
	id, err := uuid.NewV7()
	if err != nil {
		return "", fmt.Errorf("new id: %w", err)
	}
	return id.String(), nil
}
