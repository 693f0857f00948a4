// Package config reads creation-support's settings from the environment.
package config

import (
	"time"

	"github.com/ccicma/platform/pkg/auth"
	"github.com/ccicma/platform/pkg/platform"

	"github.com/ccicma/platform/services/creation-support/internal/app"
)

// AuthConfig is the token settings (AUTH_*): an alias, so that Config can
// embed it beside platform.Config and its keys keep their names.
type AuthConfig = auth.Config

// Config is creation-support's whole configuration. Every key may be
// prefixed with CREATION_SUPPORT_ (e.g. CREATION_SUPPORT_DATABASE_URL,
// CREATION_SUPPORT_AUTH_JWKS_URL).
type Config struct {
	platform.Config
	// AuthConfig verifies the advisors' tokens against AUTH_JWKS_URL (the
	// OIDC provider's keys, or advisor-desk's /.well-known/jwks.json in
	// development) with AUTH_ISSUER. Without AUTH_JWKS_URL the advisors'
	// API answers 503 and the event consumers still run.
	AuthConfig
	// PersonalDataRetention: advisors' hand-back comments (free text that
	// may name the applicant) are erased this long after (3 years).
	PersonalDataRetention time.Duration `envconfig:"PERSONAL_DATA_RETENTION" default:"26280h"`
	// AnonymiseEvery is how often the erasure runs.
	AnonymiseEvery time.Duration `envconfig:"ANONYMISE_EVERY" default:"1h"`
	// OverdueEvery is how often overdue next actions are looked for and
	// their advisors reminded.
	OverdueEvery time.Duration `envconfig:"OVERDUE_EVERY" default:"15m"`
	// ReassignAbsentAfter: the open cases of an advisor absent for longer
	// than this from now (or no longer active) move to other advisors,
	// checked every ReassignEvery.
	ReassignAbsentAfter time.Duration `envconfig:"REASSIGN_ABSENT_AFTER" default:"336h"`
	ReassignEvery       time.Duration `envconfig:"REASSIGN_EVERY" default:"1h"`
}

// Load reads the configuration.
func Load() (Config, error) { return platform.LoadConfig[Config](app.Name) }
