// Package service is takeover-matching's composition root. The service owns
// seller offers, buyer searches and matches; for now it starts, migrates its schema, ensures its
// stream and serves health and metrics, and consumes nothing yet.
package service

import (
	"context"

	"github.com/ccicma/platform/pkg/natsbus"
	"github.com/ccicma/platform/pkg/platform"
	"github.com/ccicma/platform/pkg/telemetry"

	"github.com/ccicma/platform/services/takeover-matching/internal/config"
	"github.com/ccicma/platform/services/takeover-matching/migrations"
)

// Name is the service's name: NATS user, durable consumer, event source.
const Name = "takeover-matching"

// Schema is the service's Postgres schema.
const Schema = "takeover_matching"

// Config is the service's configuration.
type Config = config.Config

// LoadConfig reads the configuration from the environment.
func LoadConfig() (Config, error) { return config.Load() }

// Service is a started takeover-matching.
type Service struct {
	*platform.Runtime // Addr, Run
}

// New connects the service's dependencies.
func New(ctx context.Context, cfg Config, topts telemetry.Options) (*Service, error) {
	id, _ := natsbus.IdentityOf(Name)
	rt, err := platform.Start(ctx, cfg.Config, platform.Spec{Identity: id, Schema: Schema, Migrations: migrations.Set()}, topts)
	if err != nil {
		return nil, err
	}
	if err := rt.Listen(nil); err != nil {
		return nil, err
	}
	return &Service{Runtime: rt}, nil
}
