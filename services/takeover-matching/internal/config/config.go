// Package config reads takeover-matching's settings from the environment.
package config

import (
	"fmt"
	"os"
	"time"

	"github.com/ccicma/platform/pkg/auth"
	"github.com/ccicma/platform/pkg/platform"

	"github.com/ccicma/platform/services/takeover-matching/internal/app"
	"github.com/ccicma/platform/services/takeover-matching/internal/domain/takeover"
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
	// MatchingRulesFile names matching rules (the JSON format of
	// internal/domain/takeover/rules.json) that replace the embedded ones;
	// empty means the embedded rules (see MatchingRules).
	MatchingRulesFile string `envconfig:"MATCHING_RULES_FILE"`
	// MatchThreshold, when set, replaces the rules' threshold: the score
	// (0 to 100) from which a pair that passes the filters is proposed.
	MatchThreshold *int `envconfig:"MATCH_THRESHOLD"`
	// SearchTTL is how long a buyer's search stays open or paused without
	// being renewed before it expires (12 months by default).
	SearchTTL time.Duration `envconfig:"SEARCH_TTL" default:"8760h"`
	// LifecycleEvery is how often listings due for review and searches
	// due to expire are looked for.
	LifecycleEvery time.Duration `envconfig:"LIFECYCLE_EVERY" default:"1h"`
}

// MatchingRules returns the matching rules: the file MatchingRulesFile
// names, read here so that the domain only parses bytes, or the embedded
// rules when none is named. It is meant for startup: a bad file stops
// the service with an error naming the file and the key at fault.
func (c Config) MatchingRules() (*takeover.Rules, error) {
	if c.MatchingRulesFile == "" {
		return takeover.EmbeddedRules()
	}
	b, err := os.ReadFile(c.MatchingRulesFile)
	if err != nil {
		return nil, fmt.Errorf("matching rules: %w", err)
	}
	r, err := takeover.ParseRules(b)
	if err != nil {
		return nil, fmt.Errorf("matching rules %s: %w", c.MatchingRulesFile, err)
	}
	return r, nil
}

// Threshold is the score from which a match is proposed under rules:
// MATCH_THRESHOLD when set (checked: 0 to 100), else the rules' own.
func (c Config) Threshold(rules *takeover.Rules) (int, error) {
	if c.MatchThreshold == nil {
		return rules.Threshold(), nil
	}
	if t := *c.MatchThreshold; t < 0 || t > 100 {
		return 0, fmt.Errorf("MATCH_THRESHOLD %d: want 0 to 100", t)
	}
	return *c.MatchThreshold, nil
}

// Load reads the configuration.
func Load() (Config, error) { return platform.LoadConfig[Config](app.Name) }
