// Package config reads difficulty-alert's settings from the environment.
package config

import (
	"github.com/ccicma/platform/pkg/auth"
	"github.com/ccicma/platform/pkg/platform"

	"github.com/ccicma/platform/services/difficulty-alert/internal/app"
)

// AuthConfig is the token settings (AUTH_*): an alias, so that Config can
// embed it beside platform.Config and its keys keep their names.
type AuthConfig = auth.Config

// Config is difficulty-alert's whole configuration. Every key may be prefixed with
// DIFFICULTY_ALERT_ (e.g. DIFFICULTY_ALERT_DATABASE_URL).
//
// The API verifies advisors' tokens against AUTH_JWKS_URL, with
// AUTH_ISSUER (or OIDC_ISSUER) and AUTH_AUDIENCE: an OIDC provider's in
// production, advisor-desk's development issuer
// (http://<advisor-desk>/.well-known/jwks.json, issuer "advisor-desk-dev")
// in development. Without keys the API answers 503 to every call (difficulty
// cases are confidential: no key, no read) while the consumers still open
// and assign cases.
type Config struct {
	platform.Config
	AuthConfig
}

// Load reads the configuration.
func Load() (Config, error) { return platform.LoadConfig[Config](app.Name) }
