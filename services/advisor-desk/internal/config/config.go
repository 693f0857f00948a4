// Package config reads advisor-desk's settings from the environment.
package config

import (
	"time"

	"github.com/ccicma/platform/pkg/auth"
	"github.com/ccicma/platform/pkg/platform"

	"github.com/ccicma/platform/services/advisor-desk/internal/app"
)

// AuthConfig is the token settings (AUTH_*): an alias, so that Config can
// embed it beside platform.Config and its keys keep their names.
type AuthConfig = auth.Config

// Config is advisor-desk's whole configuration. Every key may be prefixed
// with ADVISOR_DESK_ (e.g. ADVISOR_DESK_DEV_SIGNIN).
type Config struct {
	platform.Config
	AuthConfig
	Mail
	Reminders
	Peers
	// DevSignin makes advisor-desk the token issuer of a development
	// platform: it signs in any known, active advisor by id alone
	// (POST /api/v1/dev/tokens) and publishes its public key
	// (GET /.well-known/jwks.json). Never in production, where an OIDC
	// provider issues the tokens (AUTH_JWKS_URL, AUTH_ISSUER).
	DevSignin bool `envconfig:"DEV_SIGNIN" default:"false"`
	// AdvisorsFile seeds the directory; empty means the embedded demo file.
	AdvisorsFile string `envconfig:"ADVISORS_FILE"`
	// StreamPoll is how often a live stream re-reads without a wake-up.
	StreamPoll time.Duration `envconfig:"STREAM_POLL" default:"2s"`
	// StreamHeartbeat keeps idle streams open through proxies.
	StreamHeartbeat time.Duration `envconfig:"STREAM_HEARTBEAT" default:"15s"`
}

// Load reads the configuration.
func Load() (Config, error) { return platform.LoadConfig[Config](app.Name) }
