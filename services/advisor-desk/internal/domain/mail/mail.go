// Package mail is the e-mail side of notifications: an advisor's choice
// (each notification, a daily digest, or none), the content of the e-mails
// in French, when a failed e-mail is tried again, and when the day's digest
// is due. No I/O.
package mail

import (
	"errors"
	"fmt"
	"math"
	"time"
)

// Mode is how an advisor wants their notifications by e-mail.
type Mode string

// The modes an advisor may choose.
const (
	ModeEach   Mode = "each"   // one e-mail per notification
	ModeDigest Mode = "digest" // one e-mail a day with the day's notifications
	ModeNone   Mode = "none"   // no e-mail; the inbox only
)

// ErrInvalidMode reports a mode that is none of the above.
var ErrInvalidMode = errors.New("mail mode must be each, digest or none")

// ParseMode checks a mode.
func ParseMode(s string) (Mode, error) {
	switch m := Mode(s); m {
	case ModeEach, ModeDigest, ModeNone:
		return m, nil
	}
	return "", fmt.Errorf("%w: %q", ErrInvalidMode, s)
}

// Kinds of e-mails.
const (
	KindEach   = "each"
	KindDigest = "digest"
)

// Statuses of a queued e-mail.
const (
	StatusPending = "pending"
	StatusSent    = "sent"
	StatusFailed  = "failed"  // given up: rejected, or out of attempts
	StatusSkipped = "skipped" // nothing left to report (e.g. an empty digest)
)

// Item is one notification reported by an e-mail.
type Item struct {
	Title     string
	Body      string
	Link      string // path on the advisor desk, e.g. /dossiers/creation/<id>
	CreatedAt time.Time
}

// Outgoing is a queued e-mail with what it reports, ready to be composed.
type Outgoing struct {
	ID        int64
	Kind      string
	AdvisorID string
	Name      string // the advisor's name and address: never logged
	Address   string
	Attempts  int // attempts made before this one
	Items     []Item
	// CoversUntil is the end of a digest's period.
	CoversUntil time.Time
}

// Outcome is what becomes of a queued e-mail after an attempt.
type Outcome struct {
	Status      string
	NextAttempt time.Time // when pending
	Error       string    // a reason without personal data
}

// RetryPolicy says when a failed e-mail is tried again: exponential
// backoff from Base, capped at Max, with jitter so that replicas and
// e-mails do not retry in step; after MaxAttempts it is given up.
type RetryPolicy struct {
	Base        time.Duration
	Max         time.Duration
	MaxAttempts int
}

// After returns the outcome of a failed attempt number attempt (1 for the
// first). permanent failures (the server refused the message for good)
// are not retried. jitter in [0, 1) spreads the delay by up to half of it.
func (p RetryPolicy) After(attempt int, now time.Time, permanent bool, jitter float64, reason string) Outcome {
	if permanent || attempt >= p.MaxAttempts {
		return Outcome{Status: StatusFailed, Error: reason}
	}
	return Outcome{Status: StatusPending, NextAttempt: now.Add(p.Delay(attempt, jitter)), Error: reason}
}

// Delay is the pause after failed attempt number attempt.
func (p RetryPolicy) Delay(attempt int, jitter float64) time.Duration {
	d := float64(p.Base) * math.Pow(2, float64(max(attempt-1, 0)))
	d = min(d, float64(p.Max))
	return time.Duration(d * (1 + jitter/2))
}

// Digest locates the daily digest: at hour in zone each day.
type Digest struct {
	Hour int
	Zone *time.Location
}

// Latest returns the latest digest moment at or before now and the date
// it is named after (YYYY-MM-DD in the zone).
func (d Digest) Latest(now time.Time) (moment time.Time, date string) {
	local := now.In(d.Zone)
	m := time.Date(local.Year(), local.Month(), local.Day(), d.Hour, 0, 0, 0, d.Zone)
	if m.After(local) {
		m = time.Date(local.Year(), local.Month(), local.Day()-1, d.Hour, 0, 0, 0, d.Zone)
	}
	return m.UTC(), m.Format(time.DateOnly)
}

// DigestKey is the once-per-advisor-per-day key of a digest.
func DigestKey(advisorID, date string) string { return "digest:" + advisorID + ":" + date }

// EachKey is the once-per-notification key of an e-mail.
func EachKey(notificationID string) string { return "n:" + notificationID }
