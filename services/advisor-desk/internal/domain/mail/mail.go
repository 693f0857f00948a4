// Package mail is the e-mail side of notifications: an advisor's choice
// (each notification, a daily digest, or none), the content of the e-mails
// in French, and when the day's digest is due. No I/O: delivery (leases,
// retries, the SMTP relay) is pkg/mailer's.
package mail

import (
	"errors"
	"fmt"
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
	Items     []Item
	// CoversUntil is the end of a digest's period.
	CoversUntil time.Time
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
