// Package config reads intake's settings from the environment.
package config

import (
	"fmt"
	"os"
	"time"

	"github.com/ccicma/platform/pkg/auth"
	"github.com/ccicma/platform/pkg/platform"

	"github.com/ccicma/platform/services/intake/internal/app"
	"github.com/ccicma/platform/services/intake/internal/domain/request"
	"github.com/ccicma/platform/services/intake/internal/domain/routing"
)

// AuthConfig is the token settings (AUTH_*): an alias, so that Config can
// embed it beside platform.Config and its keys keep their names.
type AuthConfig = auth.Config

// Config is intake's whole configuration. Every key may be prefixed with
// INTAKE_ (e.g. INTAKE_DATABASE_URL).
type Config struct {
	platform.Config
	// AuthConfig verifies advisors' tokens (AUTH_JWKS_URL, AUTH_ISSUER or
	// OIDC_ISSUER) on the advisor routes; without keys those routes
	// answer 503 and the public forms and API still work.
	AuthConfig
	// Mail is the applicants' e-mails (SMTP_URL, MAIL_FROM, ...).
	Mail
	// Departements are the départements the chambers serve; requests from
	// elsewhere are accepted and flagged for forwarding.
	Departements []string `envconfig:"DEPARTEMENTS" default:"91"`
	// PersonalDataRetention: the applicant's personal data (contact
	// details, free texts) is erased this long after submission (3 years).
	PersonalDataRetention time.Duration `envconfig:"PERSONAL_DATA_RETENTION" default:"26280h"`
	// AnonymiseEvery is how often the erasure runs.
	AnonymiseEvery time.Duration `envconfig:"ANONYMISE_EVERY" default:"1h"`
	// RoutingRulesFile names a routing table (the JSON format of
	// internal/domain/routing/rules.json) that replaces the embedded one;
	// empty means the embedded table (see RoutingRules).
	RoutingRulesFile string `envconfig:"ROUTING_RULES_FILE"`
	// DifficultyVigilanceThreshold is the lowest self-diagnosis score of a
	// difficulty report that calls for vigilance.
	DifficultyVigilanceThreshold int `envconfig:"DIFFICULTY_VIGILANCE_THRESHOLD" default:"15"`
	// DifficultyAlertThreshold is the highest score that calls for
	// vigilance only; above it, a prevention advisor calls back.
	DifficultyAlertThreshold int `envconfig:"DIFFICULTY_ALERT_THRESHOLD" default:"50"`
	// BuyerDigestMinScore is the lowest match score (0 to 100) that puts
	// a new listing in a buyer's daily digest.
	BuyerDigestMinScore int `envconfig:"BUYER_DIGEST_MIN_SCORE" default:"75"`
	// BuyerDigestHour is the hour (0 to 23, Europe/Paris) from which the
	// day's digests go out; they name the matches proposed before it.
	BuyerDigestHour int `envconfig:"BUYER_DIGEST_HOUR" default:"8"`
	// BuyerDigestEvery is how often each replica looks for digests due.
	BuyerDigestEvery time.Duration `envconfig:"BUYER_DIGEST_EVERY" default:"5m"`
}

// DifficultyThresholds are the thresholds that turn a difficulty report's
// score into a level.
func (c Config) DifficultyThresholds() request.Thresholds {
	return request.Thresholds{Vigilance: c.DifficultyVigilanceThreshold, Alert: c.DifficultyAlertThreshold}
}

// RoutingRules returns the routing table: the file RoutingRulesFile names,
// read here so that the routing domain only parses bytes, or the embedded
// table when none is named. It is meant for startup: a bad file stops the
// service with an error naming the file and the rule.
func (c Config) RoutingRules() (*routing.Rules, error) {
	if c.RoutingRulesFile == "" {
		return routing.EmbeddedRules()
	}
	b, err := os.ReadFile(c.RoutingRulesFile)
	if err != nil {
		return nil, fmt.Errorf("routing rules: %w", err)
	}
	r, err := routing.ParseRules(b)
	if err != nil {
		return nil, fmt.Errorf("routing rules %s: %w", c.RoutingRulesFile, err)
	}
	return r, nil
}

// Load reads the configuration and checks it.
func Load() (Config, error) {
	c, err := platform.LoadConfig[Config](app.Name)
	if err != nil {
		return c, err
	}
	if err := c.DifficultyThresholds().Validate(); err != nil {
		return c, fmt.Errorf("read %s configuration: DIFFICULTY_VIGILANCE_THRESHOLD, DIFFICULTY_ALERT_THRESHOLD: %w", platform.EnvPrefix(app.Name), err)
	}
	if c.BuyerDigestMinScore < 0 || c.BuyerDigestMinScore > 100 || c.BuyerDigestHour < 0 || c.BuyerDigestHour > 23 || c.BuyerDigestEvery <= 0 {
		return c, fmt.Errorf("read %s configuration: BUYER_DIGEST_MIN_SCORE 0 to 100, BUYER_DIGEST_HOUR 0 to 23, BUYER_DIGEST_EVERY positive", platform.EnvPrefix(app.Name))
	}
	if err := c.CheckMail(); err != nil {
		return c, fmt.Errorf("read %s configuration: e-mail settings: %w", platform.EnvPrefix(app.Name), err)
	}
	return c, nil
}
