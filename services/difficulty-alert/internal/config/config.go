// Package config reads difficulty-alert's settings from the environment.
package config

import (
	"fmt"
	"os"
	"time"

	"github.com/ccicma/platform/pkg/auth"
	"github.com/ccicma/platform/pkg/platform"

	"github.com/ccicma/platform/services/difficulty-alert/internal/app"
	"github.com/ccicma/platform/services/difficulty-alert/internal/domain/scoring"
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
//
// Partner systems push signals with credentials of their own, provisioned
// from PARTNER_CLIENTS_FILE (see the README): without it, no partner may
// call.
type Config struct {
	platform.Config
	AuthConfig
	// ScoringRulesFile names scoring rules (the JSON format of
	// internal/domain/scoring/rules.json) that replace the embedded ones;
	// empty means the embedded rules. Checked strictly at start.
	ScoringRulesFile string `envconfig:"SCORING_RULES_FILE"`
	// ScoreDecayEvery is how often the daily rescoring looks for the
	// businesses not yet rescored today (their signals' decay): each is
	// rescored by the first run of its day.
	ScoreDecayEvery time.Duration `envconfig:"SCORE_DECAY_EVERY" default:"1h"`

	// PartnerClientsFile is the JSON file of the partner clients (ids,
	// names, SHA-256 of their secrets, scopes, active), read at start;
	// unset, every partner client is inactive.
	PartnerClientsFile string `envconfig:"PARTNER_CLIENTS_FILE"`
	// PartnerTokenTTL is the lifetime of partners' access tokens.
	PartnerTokenTTL time.Duration `envconfig:"PARTNER_TOKEN_TTL" default:"15m"`
	// PartnerRatePerMinute and PartnerRateBurst bound each partner
	// client's pushes (429 beyond; 0 turns the limit off).
	PartnerRatePerMinute int `envconfig:"PARTNER_RATE_LIMIT_PER_MINUTE" default:"60"`
	PartnerRateBurst     int `envconfig:"PARTNER_RATE_LIMIT_BURST" default:"10"`
	// PartnerKeyRetention is how long a push's Idempotency-Key is kept
	// (pruned every HOUSEKEEP_EVERY, with expired tokens).
	PartnerKeyRetention time.Duration `envconfig:"PARTNER_IDEMPOTENCY_RETENTION" default:"168h"`
}

// ScoringRules returns the scoring rules: the file ScoringRulesFile names,
// read here so that the domain only parses bytes, or the embedded rules.
// It is meant for startup: a bad file stops the service with an error
// naming the file and the key at fault.
func (c Config) ScoringRules() (*scoring.Rules, error) {
	if c.ScoringRulesFile == "" {
		return scoring.EmbeddedRules()
	}
	b, err := os.ReadFile(c.ScoringRulesFile)
	if err != nil {
		return nil, fmt.Errorf("scoring rules: %w", err)
	}
	r, err := scoring.ParseRules(b)
	if err != nil {
		return nil, fmt.Errorf("scoring rules %s: %w", c.ScoringRulesFile, err)
	}
	return r, nil
}

// Load reads the configuration.
func Load() (Config, error) { return platform.LoadConfig[Config](app.Name) }
