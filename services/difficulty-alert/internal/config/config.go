// Package config reads difficulty-alert's settings from the environment.
package config

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/ccicma/platform/pkg/auth"
	"github.com/ccicma/platform/pkg/platform"

	"github.com/ccicma/platform/services/difficulty-alert/internal/app"
	"github.com/ccicma/platform/services/difficulty-alert/internal/domain/scoring"
	"github.com/ccicma/platform/services/difficulty-alert/internal/domain/signal"
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
//
// With BODACC_FEED_URL the service polls the BODACC open-data portal for
// the notices of collective procedures of BODACC_FEED_DEPARTEMENTS (see
// BodaccFeed).
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

	// BodaccFeedURL is the base URL of the BODACC open-data portal
	// (https://bodacc-datadila.opendatasoft.com) whose notices of
	// collective procedures the service polls; empty, no feed (the cell
	// imports files).
	BodaccFeedURL string `envconfig:"BODACC_FEED_URL"`
	// BodaccFeedDepartements are the départements whose notices are
	// polled (comma-separated: "91,77"); required with the feed.
	BodaccFeedDepartements []string `envconfig:"BODACC_FEED_DEPARTEMENTS"`
	// BodaccFeedEvery is how often each département is polled.
	BodaccFeedEvery time.Duration `envconfig:"BODACC_FEED_EVERY" default:"6h"`
	// BodaccFeedOverlap is how far before its cursor a run reads again
	// (whole days): notices are published late, and rectified.
	BodaccFeedOverlap time.Duration `envconfig:"BODACC_FEED_OVERLAP" default:"72h"`
	// BodaccFeedSince (YYYY-MM-DD) is where a département's first run
	// starts; empty, BODACC_FEED_OVERLAP before that day.
	BodaccFeedSince string `envconfig:"BODACC_FEED_SINCE"`
}

// BodaccFeed is the feed's settings, checked.
type BodaccFeed struct {
	// URL is empty when there is no feed.
	URL            string
	Departements   []string
	Every, Overlap time.Duration
	Since          time.Time
}

// Bounds of the feed's settings.
const (
	minFeedEvery   = time.Minute
	maxFeedEvery   = 7 * 24 * time.Hour
	maxFeedOverlap = 31 * 24 * time.Hour
)

// BodaccFeed checks the feed's settings strictly, for startup: an error
// names the key at fault. now is the time of the start (BODACC_FEED_SINCE
// may not be after it).
func (c Config) BodaccFeed(now time.Time) (BodaccFeed, error) {
	f := BodaccFeed{Every: c.BodaccFeedEvery, Overlap: c.BodaccFeedOverlap}
	if strings.TrimSpace(c.BodaccFeedURL) == "" {
		if len(c.BodaccFeedDepartements) > 0 || c.BodaccFeedSince != "" {
			return BodaccFeed{}, errors.New("BODACC_FEED_DEPARTEMENTS or BODACC_FEED_SINCE without BODACC_FEED_URL: set the portal's URL, or leave them out")
		}
		return BodaccFeed{}, nil
	}
	u, err := url.Parse(c.BodaccFeedURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil ||
		u.RawQuery != "" || u.Fragment != "" {
		return BodaccFeed{}, fmt.Errorf("BODACC_FEED_URL %q: want the portal's base URL, http(s)://host[/path], no query nor credentials", c.BodaccFeedURL)
	}
	f.URL = strings.TrimRight(c.BodaccFeedURL, "/")
	if len(c.BodaccFeedDepartements) == 0 {
		return BodaccFeed{}, errors.New("BODACC_FEED_DEPARTEMENTS: want the départements to follow (\"91\", \"91,77\") with BODACC_FEED_URL")
	}
	for _, d := range c.BodaccFeedDepartements {
		d = strings.TrimSpace(d)
		if !signal.ValidDepartement(d) {
			return BodaccFeed{}, fmt.Errorf("BODACC_FEED_DEPARTEMENTS: %q is not a département's code", d)
		}
		if slices.Contains(f.Departements, d) {
			return BodaccFeed{}, fmt.Errorf("BODACC_FEED_DEPARTEMENTS: %q twice", d)
		}
		f.Departements = append(f.Departements, d)
	}
	if f.Every < minFeedEvery || f.Every > maxFeedEvery {
		return BodaccFeed{}, fmt.Errorf("BODACC_FEED_EVERY %s: want between %s and %s", f.Every, minFeedEvery, maxFeedEvery)
	}
	if f.Overlap < 0 || f.Overlap > maxFeedOverlap || f.Overlap%(24*time.Hour) != 0 {
		return BodaccFeed{}, fmt.Errorf("BODACC_FEED_OVERLAP %s: want whole days (72h) from 0 to %s", f.Overlap, maxFeedOverlap)
	}
	if c.BodaccFeedSince != "" {
		since, err := time.Parse(time.DateOnly, c.BodaccFeedSince)
		if err != nil || since.After(now) {
			return BodaccFeed{}, fmt.Errorf("BODACC_FEED_SINCE %q: want a date (YYYY-MM-DD), not in the future", c.BodaccFeedSince)
		}
		f.Since = since
	}
	return f, nil
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
