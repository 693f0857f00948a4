// Package config reads creation-support's settings from the environment.
package config

import (
	"github.com/ccicma/platform/pkg/auth"
	"github.com/ccicma/platform/pkg/platform"
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
}

// Load reads the configuration.
func Load() (Config, error) { return platform.LoadConfig[Config]("CREATION_SUPPORT") }
