// Package service is difficulty-alert's composition root. The service owns
// difficulty signals, risk scores, alerts and prevention cases; for now it starts, migrates its schema, ensures its
// stream and serves health and metrics, and consumes nothing yet.
package service

import (
	"context"

	"github.com/ccicma/platform/pkg/natsbus"
	"github.com/ccicma/platform/pkg/platform"
	"github.com/ccicma/platform/pkg/telemetry"

	"github.com/ccicma/platform/services/difficulty-alert/internal/config"
	"github.com/ccicma/platform/services/difficulty-alert/migrations"
)

// Name is the service's name: NATS user, durable consumer, event source.
const Name = "difficulty-alert"

// Schema is the service's Postgres schema.
const Schema = "difficulty_alert"

// Config is the service's configuration.
type Config = config.Config

// LoadConfig reads the configuration from the environment.
func LoadConfig() (Config, error) { return config.Load() }

// Service is a started difficulty-alert.
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
