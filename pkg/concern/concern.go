// Package concern holds the rules of an advisor's concern about a
// business they follow, wherever it is raised (a takeover offer, a
// creation case in follow-up): what the advisor may say they saw (the
// codes of events.ConcernKinds, never free text) and the day a concern
// counts for, at most one a file a day. No I/O.
package concern

import (
	"slices"
	"strings"
	"time"

	"github.com/ccicma/platform/pkg/events"
)

// Day is the UTC day of t: the day a concern raised at t counts for.
func Day(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// SameDay tells whether two instants fall on the same UTC day.
func SameDay(a, b time.Time) bool { return Day(a).Equal(Day(b)) }

// Problem is what is wrong with the concerns sent: a code (required,
// invalid, repeated) and its message, in French, for the field
// "concerns".
type Problem struct{ Code, Message string }

// Check checks what an advisor saw: one or more of events.ConcernKinds,
// each once; nil when it holds.
func Check(kinds []string) *Problem {
	if len(kinds) == 0 {
		return &Problem{"required", "Indiquez au moins une difficulté constatée."}
	}
	for i, k := range kinds {
		if !slices.Contains(events.ConcernKinds(), k) {
			return &Problem{"invalid", "Difficulté attendue parmi : " + strings.Join(events.ConcernKinds(), ", ") + "."}
		}
		if slices.Contains(kinds[:i], k) {
			return &Problem{"repeated", "La difficulté « " + k + " » est indiquée deux fois."}
		}
	}
	return nil
}
