// Package config reads takeover-matching's settings from the environment.
package config

import (
	"github.com/ccicma/platform/pkg/auth"
	"github.com/ccicma/platform/pkg/platform"

	"github.com/ccicma/platform/services/takeover-matching/internal/app"
)

// AuthConfig is the token settings (AUTH_*): an alias, so that Config can
// embed it beside platform.Config and its keys keep their names.
type AuthConfig = auth.Config

// Config is takeover-matching's whole configuration. Every key may be prefixed with
// TAKEOVER_MATCHING_ (e.g. TAKEOVER_MATCHING_DATABASE_URL).
type Config struct {
	platform.Config
	// AuthConfig verifies the advisors' tokens against AUTH_JWKS_URL (the
	// OIDC provider's keys, or advisor-desk's in development) and
	// AUTH_ISSUER. Without AUTH_JWKS_URL the API answers 503.
	AuthConfig
	// MatchThreshold is the score (0 to 100) from which a search that
	// meets the required criteria is proposed as a match for an offer.
	MatchThreshold int `envconfig:"MATCH_THRESHOLD" default:"60"`
}

// Load reads the configuration.
func Load() (Config, error) { return platform.LoadConfig[Config](app.Name) }
