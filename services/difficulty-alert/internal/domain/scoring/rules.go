package scoring

import (
	_ "embed"
	"errors"
	"fmt"
	"maps"
	"math"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/ccicma/platform/pkg/jsonstrict"

	"github.com/ccicma/platform/services/difficulty-alert/internal/domain/signal"
)

// embeddedRules are the scoring rules the service ships with; a file the
// configuration names (SCORING_RULES_FILE, parsed by ParseRules) replaces
// them.
//
//go:embed rules.json
var embeddedRules []byte

var embedded = sync.OnceValues(func() (*Rules, error) { return ParseRules(embeddedRules) })

// EmbeddedRules returns the rules compiled into the service (a test
// proves them valid).
func EmbeddedRules() (*Rules, error) { return embedded() }

// maxRulesSize bounds what ParseRules reads: the real file is about a
// kilobyte, and an override is written by people.
const maxRulesSize = 64 << 10

// Bounds the rules are checked against.
const (
	// MaxWeight bounds a kind's weight: a weight multiplies a strength of
	// at most 100, and a theme's cap bounds the sum anyway.
	MaxWeight = 5.0
	// MaxHalfLifeDays bounds a theme's half-life (ten years).
	MaxHalfLifeDays = 3650
	// MaxCap bounds a theme's cap, in points.
	MaxCap = 1000
)

// RulesFile is the scoring rules as written in rules.json.
type RulesFile struct {
	// Version names this edition of the rules; every score stores it.
	Version string `json:"version"`
	// Description says what the rules are, for whoever maintains them.
	Description string `json:"description,omitempty"`
	// DefaultWeight weighs a signal whose kind Weights does not name, so
	// that a new source is never silently left out of the score.
	DefaultWeight *float64 `json:"default_weight"`
	// Weights multiply the strength of each kind of signal (0 to MaxWeight).
	Weights map[string]float64 `json:"weights"`
	// Themes set, for every theme, the half-life of its signals and the cap
	// of its contribution.
	Themes map[string]ThemeRules `json:"themes"`
	// Levels are the thresholds, in points, from which a score is
	// "risque modéré" (moderate) and "risque fort" (high).
	Levels Thresholds `json:"levels"`
}

// ThemeRules are a theme's time decay and cap.
type ThemeRules struct {
	// HalfLifeDays: a signal counts half as much after this many days.
	HalfLifeDays int `json:"half_life_days"`
	// Cap is the most the theme's signals together add to a score.
	Cap int `json:"cap"`
}

// Thresholds are the scores from which each alert level starts.
type Thresholds struct {
	Moderate int `json:"moderate"`
	High     int `json:"high"`
}

// Rules are validated scoring rules; immutable, safe for concurrent use.
type Rules struct {
	file RulesFile
}

// Version is the rules' edition, stored with every score.
func (r *Rules) Version() string { return r.file.Version }

// Thresholds returns the levels' thresholds.
func (r *Rules) Thresholds() Thresholds { return r.file.Levels }

var kindName = regexp.MustCompile(`^[a-z][a-z0-9_]{0,63}$`)

// ParseRules decodes and checks rules strictly: unknown or missing keys, a
// version that is no name, a weight, half-life or cap out of bounds, a
// theme missing or unknown, thresholds not 0 < moderate < high are errors
// that name the key.
func ParseRules(data []byte) (*Rules, error) {
	if len(data) > maxRulesSize {
		return nil, fmt.Errorf("larger than %d bytes", maxRulesSize)
	}
	var f RulesFile
	if err := jsonstrict.Decode(data, &f); err != nil {
		return nil, fmt.Errorf("decode scoring rules: %w", err)
	}
	if err := f.validate(); err != nil {
		return nil, err
	}
	return &Rules{file: f}, nil
}

func (f RulesFile) validate() error {
	var errs []error
	add := func(format string, a ...any) { errs = append(errs, fmt.Errorf(format, a...)) }
	if strings.TrimSpace(f.Version) == "" || f.Version != strings.TrimSpace(f.Version) || len(f.Version) > 64 {
		add("version %q: want a non-empty name without surrounding spaces, at most 64 bytes", f.Version)
	}
	badWeight := func(w float64) bool { return math.IsNaN(w) || w < 0 || w > MaxWeight }
	switch {
	case f.DefaultWeight == nil:
		add("default_weight is missing")
	case badWeight(*f.DefaultWeight):
		add("default_weight %v: want 0 to %v", *f.DefaultWeight, MaxWeight)
	}
	if len(f.Weights) == 0 {
		add("weights is missing")
	}
	for _, k := range slices.Sorted(maps.Keys(f.Weights)) {
		if !kindName.MatchString(k) {
			add("weights.%s: a kind is lower-case letters, digits and _", k)
		}
		if w := f.Weights[k]; badWeight(w) {
			add("weights.%s %v: want 0 to %v", k, w, MaxWeight)
		}
	}
	if _, ok := f.Weights[string(signal.KindCourtJudgment)]; !ok {
		add("weights.%s is missing (the BODACC's signals)", signal.KindCourtJudgment)
	}
	themes := make([]string, 0, len(signal.Themes()))
	for _, th := range signal.Themes() {
		themes = append(themes, string(th))
		t, ok := f.Themes[string(th)]
		if !ok {
			add("themes.%s is missing", th)
			continue
		}
		if t.HalfLifeDays < 1 || t.HalfLifeDays > MaxHalfLifeDays {
			add("themes.%s.half_life_days %d: want 1 to %d", th, t.HalfLifeDays, MaxHalfLifeDays)
		}
		if t.Cap < 1 || t.Cap > MaxCap {
			add("themes.%s.cap %d: want 1 to %d", th, t.Cap, MaxCap)
		}
	}
	for _, k := range slices.Sorted(maps.Keys(f.Themes)) {
		if !slices.Contains(themes, k) {
			add("themes.%s: unknown theme (want %s)", k, strings.Join(themes, ", "))
		}
	}
	if l := f.Levels; l.Moderate < 1 || l.High <= l.Moderate {
		add("levels moderate %d, high %d: want 0 < moderate < high", l.Moderate, l.High)
	}
	return errors.Join(errs...)
}

// Weight is what a kind of signal's strength is multiplied by.
func (r *Rules) Weight(k signal.Kind) float64 {
	if w, ok := r.file.Weights[string(k)]; ok {
		return w
	}
	return *r.file.DefaultWeight
}

// Theme returns a theme's decay and cap.
func (r *Rules) Theme(t signal.Theme) ThemeRules { return r.file.Themes[string(t)] }

// LevelOf is the level of a score under the rules' thresholds.
func (r *Rules) LevelOf(points int) Level {
	switch {
	case points >= r.file.Levels.High:
		return LevelHigh
	case points >= r.file.Levels.Moderate:
		return LevelModerate
	default:
		return LevelNone
	}
}
