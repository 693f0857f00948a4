package takeover

import (
	_ "embed"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"sync"

	"github.com/ccicma/platform/pkg/jsonstrict"
)

// embeddedRules are the matching rules the service ships with; a file the
// configuration names (MATCHING_RULES_FILE, parsed by ParseRules)
// replaces them.
//
//go:embed rules.json
var embeddedRules []byte

// embedded parses the embedded rules once; a test proves them valid.
var embedded = sync.OnceValues(func() (*Rules, error) { return ParseRules(embeddedRules) })

// EmbeddedRules returns the rules compiled into the service.
func EmbeddedRules() (*Rules, error) { return embedded() }

// maxRulesSize bounds what ParseRules reads: the real file is about a
// kilobyte, and an override is written by people.
const maxRulesSize = 64 << 10

// RulesFile is the matching rules as written in rules.json: weights (which
// add up to 100) and, for each criterion, the percentage of its weight
// each level earns.
type RulesFile struct {
	// Version names this edition of the rules; every match stores it.
	Version string `json:"version"`
	// Description says what the rules are, for whoever maintains them.
	Description string `json:"description,omitempty"`
	// Threshold is the score (0 to 100) from which a match is proposed.
	Threshold int `json:"threshold"`
	// Weights are the points of each criterion (Criterion*), adding up
	// to 100.
	Weights map[string]int `json:"weights"`
	// Sector: percentage earned by the finest NAF level the offer and
	// the search share (SectorLevels).
	Sector map[string]int `json:"sector"`
	// Area: percentage earned by the closest place they share
	// (AreaLevels).
	Area map[string]int `json:"area"`
	// Budget sets the price filter and its levels.
	Budget BudgetRules `json:"budget"`
	// Size sets the headcount filter and its levels.
	Size SizeRules `json:"size"`
	// Timeline: percentage by the distance of the horizons
	// (TimelineLevels).
	Timeline map[string]int `json:"timeline"`
	// Experience: percentage by the buyer's background (the search's
	// experience codes).
	Experience map[string]int `json:"experience"`
}

// BudgetRules say what a buyer can pay: they can finance the larger of the top of the budget
// band and the personal contribution times Leverage (a bank lends about
// Leverage - 1 euros for each euro brought); a price up to
// TolerancePercent above that is still negotiable, beyond it the pair
// is filtered out. A price below FloorPercent of the budget band's low
// bound is "below_budget".
type BudgetRules struct {
	Leverage         float64        `json:"leverage"`
	TolerancePercent int            `json:"tolerance_percent"`
	FloorPercent     int            `json:"floor_percent"`
	Points           map[string]int `json:"points"`
}

// SizeRules place a headcount: in the search's range it is "in_range"; within
// SlackPercent of a bound (at least one employee) "near"; beyond, the
// pair is filtered out.
type SizeRules struct {
	SlackPercent int            `json:"slack_percent"`
	Points       map[string]int `json:"points"`
}

// Levels of each criterion, from the best. The rules give each a
// percentage; along Sector and Area they may not grow.
var (
	SectorLevels   = []string{LevelSubclass, LevelClass, LevelGroup, LevelDivision, LevelSection}
	AreaLevels     = []string{LevelCommune, LevelEPCI, LevelDepartement, LevelRegion, LevelNational}
	BudgetLevels   = []string{LevelInBudget, LevelFinanced, LevelNegotiable, LevelBelowBudget}
	SizeLevels     = []string{LevelInRange, LevelNear}
	TimelineLevels = []string{LevelSame, LevelAdjacent, LevelFar}
)

// Rules are validated matching rules. They are immutable and safe for
// concurrent use.
type Rules struct {
	file RulesFile
}

// Version is the rules' edition, stored with every match.
func (r *Rules) Version() string { return r.file.Version }

// Threshold is the score from which a match is proposed.
func (r *Rules) Threshold() int { return r.file.Threshold }

// ParseRules decodes and checks rules strictly: unknown or missing keys,
// a version that is no name, weights that do not add up to 100,
// percentages outside 0-100 or growing along a hierarchy are errors that
// name the key.
func ParseRules(data []byte) (*Rules, error) {
	if len(data) > maxRulesSize {
		return nil, fmt.Errorf("larger than %d bytes", maxRulesSize)
	}
	var f RulesFile
	if err := jsonstrict.Decode(data, &f); err != nil {
		return nil, fmt.Errorf("decode matching rules: %w", err)
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
	if f.Threshold < 0 || f.Threshold > 100 {
		add("threshold %d: want 0 to 100", f.Threshold)
	}
	errs = append(errs, checkWeights(f.Weights)...)
	errs = append(errs, checkLevels("sector", f.Sector, SectorLevels, true)...)
	errs = append(errs, checkLevels("area", f.Area, AreaLevels, true)...)
	errs = append(errs, checkLevels("budget.points", f.Budget.Points, BudgetLevels, false)...)
	errs = append(errs, checkLevels("size.points", f.Size.Points, SizeLevels, true)...)
	errs = append(errs, checkLevels("timeline", f.Timeline, TimelineLevels, true)...)
	errs = append(errs, checkLevels("experience", f.Experience, experiences, false)...)
	if b := f.Budget; math.IsNaN(b.Leverage) || b.Leverage < 1 || b.Leverage > 20 {
		add("budget.leverage %v: want 1 to 20 (the price the contribution finances, in contributions)", b.Leverage)
	}
	if t := f.Budget.TolerancePercent; t < 0 || t > 100 {
		add("budget.tolerance_percent %d: want 0 to 100", t)
	}
	if p := f.Budget.FloorPercent; p < 0 || p > 100 {
		add("budget.floor_percent %d: want 0 to 100", p)
	}
	if s := f.Size.SlackPercent; s < 0 || s > 100 {
		add("size.slack_percent %d: want 0 to 100", s)
	}
	return errors.Join(errs...)
}

// WeighedCriteria are the criteria that weigh into the score, in the
// order of a fit's contributions (the deal type is a filter only).
var WeighedCriteria = []string{CriterionSector, CriterionArea, CriterionBudget, CriterionSize, CriterionTimeline, CriterionExperience}

// AllCriteria are every criterion, in the order a fit lists those met.
var AllCriteria = []string{CriterionSector, CriterionArea, CriterionBudget, CriterionSize, CriterionDealType, CriterionTimeline,
	CriterionExperience}

func checkWeights(w map[string]int) []error {
	var errs []error
	sum := 0
	for _, c := range WeighedCriteria {
		v, ok := w[c]
		switch {
		case !ok:
			errs = append(errs, fmt.Errorf("weights.%s is missing", c))
		case v < 0 || v > 100:
			errs = append(errs, fmt.Errorf("weights.%s %d: want 0 to 100", c, v))
		}
		sum += v
	}
	for _, k := range slices.Sorted(maps.Keys(w)) {
		if !slices.Contains(WeighedCriteria, k) {
			errs = append(errs, fmt.Errorf("weights.%s: unknown criterion (want %s)", k, strings.Join(WeighedCriteria, ", ")))
		}
	}
	if len(errs) == 0 && sum != 100 {
		errs = append(errs, fmt.Errorf("weights add up to %d: want 100", sum))
	}
	return errs
}

// checkLevels checks that p gives a percentage to every level and to
// nothing else; ordered levels may not earn more than a better one.
func checkLevels(key string, p map[string]int, levels []string, ordered bool) []error {
	var errs []error
	prev := 100
	for _, l := range levels {
		v, ok := p[l]
		switch {
		case !ok:
			errs = append(errs, fmt.Errorf("%s.%s is missing", key, l))
			continue
		case v < 0 || v > 100:
			errs = append(errs, fmt.Errorf("%s.%s %d: want a percentage, 0 to 100", key, l, v))
		case ordered && v > prev:
			errs = append(errs, fmt.Errorf("%s.%s %d: more than the closer level before it (%d)", key, l, v, prev))
		}
		prev = v
	}
	for _, k := range slices.Sorted(maps.Keys(p)) {
		if !slices.Contains(levels, k) {
			errs = append(errs, fmt.Errorf("%s.%s: unknown level (want %s)", key, k, strings.Join(levels, ", ")))
		}
	}
	return errs
}

// points is what a criterion earns at level: its weight times the level's
// percentage, rounded to the nearest point.
func (r *Rules) points(criterion string, percents map[string]int, level string) int {
	return (r.file.Weights[criterion]*percents[level] + 50) / 100
}

// weight is the most a criterion can earn.
func (r *Rules) weight(criterion string) int { return r.file.Weights[criterion] }
