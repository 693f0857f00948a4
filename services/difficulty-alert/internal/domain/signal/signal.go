// Package signal is the model of the signs of difficulty difficulty-alert
// gathers about a business, on which scoring will stand: each signal has a
// source, a kind, a theme, a date, a strength and an expiry, and names the
// business by its SIREN (and the establishment by its SIRET when it
// concerns one: a signal about an establishment counts for its business).
// The source reference makes a signal idempotent: the same reference from
// the same source is the same signal. No I/O.
package signal

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Source says where a signal comes from.
type Source string

// The sources of signals.
const (
	SourceSelfReport         Source = "self_report"
	SourceAdvisorObservation Source = "advisor_observation"
	SourceBodacc             Source = "bodacc"
	SourcePartner            Source = "partner"
)

// Sources lists every source, in the order documents list them.
func Sources() []Source {
	return []Source{SourceSelfReport, SourceAdvisorObservation, SourceBodacc, SourcePartner}
}

// Theme is the part of a business's situation a signal speaks of; scoring
// caps the contributions of each theme.
type Theme string

// The themes.
const (
	ThemeFinances       Theme = "finances"
	ThemeSocialTaxDebts Theme = "social_tax_debts"
	ThemePayments       Theme = "payments"
	ThemeCourtEvents    Theme = "court_events"
	ThemeSelfAssessment Theme = "self_assessment"
)

// Themes lists every theme.
func Themes() []Theme {
	return []Theme{ThemeFinances, ThemeSocialTaxDebts, ThemePayments, ThemeCourtEvents, ThemeSelfAssessment}
}

// Kind is what a signal says, within its source: a court judgment for a
// BODACC notice (its procedure says which), later a partner's overdue
// debt, a payment incident...
type Kind string

// KindCourtJudgment is a judgment of a collective procedure published in
// the BODACC.
const KindCourtJudgment Kind = "court_judgment"

// Strength bounds: a signal weighs between 1 and 100 before decay.
const (
	MinStrength = 1
	MaxStrength = 100
)

// Status says whether a signal still counts.
type Status string

// Signal statuses: a rectified signal is replaced by the rectification's,
// a cancelled one withdrawn; neither counts any more, both are kept.
const (
	StatusActive    Status = "active"
	StatusReplaced  Status = "replaced"
	StatusWithdrawn Status = "withdrawn"
)

// Signal is one sign of difficulty about a business.
type Signal struct {
	Source Source
	Kind   Kind
	Theme  Theme
	// SIREN names the business; SIRET, when set, the establishment (its
	// first 9 digits are the SIREN).
	SIREN, SIRET string
	// On is the date of the fact signalled (a judgment's date).
	On time.Time
	// Strength is the signal's weight before decay (MinStrength..MaxStrength).
	Strength int
	// Expires is the date from which the signal no longer counts.
	Expires time.Time
	// Ref is the source's reference of the signal (a BODACC notice's
	// publication and number): the same Ref from the same Source is the
	// same signal.
	Ref string
	// Procedure is a court judgment's procedure (court events only).
	Procedure Procedure
	// RequestID is the intake request the signal names the business of
	// (the confidential stream's signals only): the request whose case
	// it links to its business.
	RequestID string
}

// Errors of a signal that cannot be kept.
var (
	ErrSIREN   = errors.New("invalid SIREN")
	ErrSIRET   = errors.New("invalid SIRET")
	ErrInvalid = errors.New("invalid signal")
)

// Validate checks a signal is whole: known source and theme, a valid
// SIREN (and SIRET of that SIREN), a date, an expiry after it, a strength
// in bounds and a reference.
func (s Signal) Validate() error {
	var problems []string
	if !contains(Sources(), s.Source) {
		problems = append(problems, fmt.Sprintf("source %q", s.Source))
	}
	if !contains(Themes(), s.Theme) {
		problems = append(problems, fmt.Sprintf("theme %q", s.Theme))
	}
	if s.Kind == "" {
		problems = append(problems, "no kind")
	}
	if s.On.IsZero() || !s.Expires.After(s.On) {
		problems = append(problems, "date and expiry")
	}
	if s.Strength < MinStrength || s.Strength > MaxStrength {
		problems = append(problems, fmt.Sprintf("strength %d", s.Strength))
	}
	if s.Ref == "" {
		problems = append(problems, "no source reference")
	}
	if len(problems) > 0 {
		return fmt.Errorf("%w: %s", ErrInvalid, strings.Join(problems, ", "))
	}
	if _, err := NormalizeSIREN(s.SIREN); err != nil || len(s.SIREN) != 9 {
		return ErrSIREN
	}
	if s.SIRET != "" {
		if d, err := NormalizeSIRET(s.SIRET); err != nil || d != s.SIRET || d[:9] != s.SIREN {
			return ErrSIRET
		}
	}
	return nil
}

// Business is the SIREN a signal counts for: its own, also when it is
// about one establishment.
func (s Signal) Business() string { return s.SIREN }

func contains[T comparable](xs []T, x T) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}
