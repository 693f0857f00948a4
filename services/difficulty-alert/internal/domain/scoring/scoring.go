// Package scoring is the transparent model of a business's difficulty
// score: each active, unexpired signal adds its kind's weight times its
// strength times a time decay (halved every half-life of its theme), the
// contributions of a theme are capped, and the score is the sum of the
// themes. Three levels, named as the State's early-warning programme names
// them ("aucune alerte", "risque modéré", "risque fort"), start at the
// thresholds of the versioned rules (rules.json). Every score keeps its
// per-theme contributions and a plain French explanation. A court
// procedure is the business's state, shown beside the score by the
// callers, never read out of it. No I/O.
package scoring

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/ccicma/platform/pkg/events"

	"github.com/ccicma/platform/services/difficulty-alert/internal/domain/signal"
)

// Level is a business's alert level.
type Level string

// The levels, lowest first (the event's codes, events.BusinessLevel*).
const (
	LevelNone     Level = events.BusinessLevelNone
	LevelModerate Level = events.BusinessLevelModerate
	LevelHigh     Level = events.BusinessLevelHigh
)

// Levels lists the levels, lowest first.
func Levels() []Level { return []Level{LevelNone, LevelModerate, LevelHigh} }

// Label is the level's name in the early-warning programme.
func (l Level) Label() string {
	switch l {
	case LevelModerate:
		return "risque modéré"
	case LevelHigh:
		return "risque fort"
	default:
		return "aucune alerte"
	}
}

// Rank orders the levels: 0 for none, 1 moderate, 2 high.
func (l Level) Rank() int { return slices.Index(Levels(), l) }

// Valid tells whether l is a level.
func (l Level) Valid() bool { return l.Rank() >= 0 }

// Signal is what scoring reads of a stored signal.
type Signal struct {
	Kind     signal.Kind
	Theme    signal.Theme
	Status   signal.Status
	On       time.Time
	Expires  time.Time
	Strength int
}

// Counts tells whether the signal counts on day today: active (neither
// replaced nor withdrawn) and not expired.
func (s Signal) Counts(today time.Time) bool {
	return s.Status == signal.StatusActive && day(s.Expires).After(day(today))
}

// Contribution is what one theme adds to a score.
type Contribution struct {
	Theme signal.Theme `json:"theme"`
	// Points is the theme's contribution, capped and rounded.
	Points int `json:"points"`
	// Uncapped is the sum of its signals' points before the cap, rounded.
	Uncapped int `json:"uncapped"`
	// Capped says the cap cut the contribution.
	Capped bool `json:"capped"`
	// Signals counts the signals that counted; Latest is the date of the
	// most recent one.
	Signals int       `json:"signals"`
	Latest  time.Time `json:"latest"`
}

// Score is a business's score on a day, under a version of the rules.
type Score struct {
	Points        int
	Level         Level
	Contributions []Contribution
	Explanation   string
	RulesVersion  string
	// ActiveUntil is the day the last counted signal expires (zero when
	// none counts): until then decay changes the score every day.
	ActiveUntil time.Time
}

// Score computes the score of a business's signals on day today. Signals
// that do not count (replaced, withdrawn, expired) are left out; a signal
// dated after today counts undecayed.
func (r *Rules) Score(signals []Signal, today time.Time) Score {
	today = day(today)
	type sum struct {
		raw    float64
		n      int
		latest time.Time
	}
	sums := map[signal.Theme]*sum{}
	s := Score{RulesVersion: r.Version()}
	for _, sg := range signals {
		if !sg.Counts(today) {
			continue
		}
		t := sums[sg.Theme]
		if t == nil {
			t = &sum{}
			sums[sg.Theme] = t
		}
		age := max(0, today.Sub(day(sg.On)).Hours()/24)
		t.raw += r.Weight(sg.Kind) * float64(sg.Strength) * math.Exp2(-age/float64(r.Theme(sg.Theme).HalfLifeDays))
		t.n++
		if on := day(sg.On); on.After(t.latest) {
			t.latest = on
		}
		if e := day(sg.Expires); e.After(s.ActiveUntil) {
			s.ActiveUntil = e
		}
	}
	for _, th := range signal.Themes() {
		t := sums[th]
		if t == nil {
			continue
		}
		limit := r.Theme(th).Cap
		uncapped := int(math.Round(t.raw))
		c := Contribution{Theme: th, Points: min(uncapped, limit), Uncapped: uncapped, Capped: uncapped > limit,
			Signals: t.n, Latest: t.latest}
		s.Contributions = append(s.Contributions, c)
		s.Points += c.Points
	}
	// The largest contributions first: the explanation reads as the
	// reasons, most important first.
	slices.SortStableFunc(s.Contributions, func(a, b Contribution) int { return b.Points - a.Points })
	s.Level = r.LevelOf(s.Points)
	s.Explanation = explain(s)
	return s
}

// ThemeLabel is a theme's name in the explanation.
func ThemeLabel(t signal.Theme) string {
	switch t {
	case signal.ThemeFinances:
		return "Finances"
	case signal.ThemeSocialTaxDebts:
		return "Dettes sociales et fiscales"
	case signal.ThemePayments:
		return "Incidents de paiement"
	case signal.ThemeCourtEvents:
		return "Décisions de justice"
	case signal.ThemeSelfAssessment:
		return "Autodiagnostic"
	default:
		return string(t)
	}
}

// explain writes the score in plain French: each theme's points, its
// signals and the date of the latest, the cap when it cut, then the total
// and the level.
func explain(s Score) string {
	if len(s.Contributions) == 0 {
		return "Aucun signal en cours : 0 point, aucune alerte."
	}
	parts := make([]string, len(s.Contributions))
	for i, c := range s.Contributions {
		p := fmt.Sprintf("%s : %s", ThemeLabel(c.Theme), points(c.Points))
		if c.Capped {
			p += ", plafond du thème atteint"
		}
		if c.Signals == 1 {
			p += fmt.Sprintf(" (1 signal, le %s", FrenchDate(c.Latest))
		} else {
			p += fmt.Sprintf(" (%d signaux, le plus récent le %s", c.Signals, FrenchDate(c.Latest))
		}
		if c.Capped {
			p += fmt.Sprintf(", %s avant plafond", points(c.Uncapped))
		}
		p += ")"
		parts[i] = p
	}
	return fmt.Sprintf("%s. Total : %s, %s.", strings.Join(parts, " ; "), points(s.Points), s.Level.Label())
}

func points(n int) string {
	if n == 0 || n == 1 {
		return fmt.Sprintf("%d point", n)
	}
	return fmt.Sprintf("%d points", n)
}

var months = [...]string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
	"novembre", "décembre"}

// FrenchDate writes a date as French prose does: "3 novembre 2026", "1er mars 2026".
func FrenchDate(t time.Time) string {
	d := fmt.Sprint(t.Day())
	if t.Day() == 1 {
		d = "1er"
	}
	return fmt.Sprintf("%s %s %d", d, months[t.Month()-1], t.Year())
}

// day is t's calendar day (UTC midnight of its date).
func day(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// LevelChanged is the event of a business whose level changed, either
// way; ok is false when the level is the same (nothing to tell). It names
// the business by its opaque number, never by its SIREN or name.
func LevelChanged(businessID string, previous, next Level, rulesVersion string, at time.Time) (events.DifficultyBusinessLevelChanged, bool) {
	if previous == next {
		return events.DifficultyBusinessLevelChanged{}, false
	}
	return events.DifficultyBusinessLevelChanged{BusinessID: businessID, PreviousLevel: string(previous), Level: string(next),
		RulesVersion: rulesVersion, ChangedAt: at}, true
}

// Rising tells whether going from previous to next raises the alert.
func Rising(previous, next Level) bool { return next.Rank() > previous.Rank() }
