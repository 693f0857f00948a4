package config

import (
	"fmt"
	"time"
	_ "time/tzdata" // the digest's zone, even in images without a zone database

	"github.com/ccicma/platform/pkg/mailer"
)

// Mailer is the SMTP relay and delivery settings every sending service
// shares (SMTP_URL, SMTP_TLS, SMTP_TIMEOUT, MAIL_POLL, MAIL_RETRY_*,
// MAIL_MAX_ATTEMPTS, MAIL_LEASE): an alias, so that Mail can embed it and
// its keys keep their names.
type Mailer = mailer.Config

// Mail is the e-mail settings. Without SMTP_URL no e-mail is queued or
// sent (development): the inbox alone carries the notifications.
type Mail struct {
	Mailer
	// MailFrom is the sender of the e-mails.
	MailFrom string `envconfig:"MAIL_FROM" default:"Bureau des conseillers CCI-CMA <ne-pas-repondre@ccicma.example>"`
	// PublicBaseURL prefixes the links to the desk in e-mails.
	PublicBaseURL string `envconfig:"PUBLIC_BASE_URL" default:"http://localhost:8085"`
	// MailDefaultMode applies to advisors who have not chosen: each,
	// digest or none.
	MailDefaultMode string `envconfig:"MAIL_DEFAULT_MODE" default:"each"`
	// The daily digest goes out at MailDigestHour in MailDigestZone; the
	// job checks every MailDigestEvery whether it is due.
	MailDigestHour  int           `envconfig:"MAIL_DIGEST_HOUR" default:"8"`
	MailDigestZone  string        `envconfig:"MAIL_DIGEST_ZONE" default:"Europe/Paris"`
	MailDigestEvery time.Duration `envconfig:"MAIL_DIGEST_EVERY" default:"5m"`
	// MailRetention keeps finished e-mails (at least 8 days: the digests
	// look a week back); they are pruned with the other housekeeping.
	MailRetention time.Duration `envconfig:"MAIL_RETENTION" default:"2160h"`
}

// Reminders is the reminder settings: delays from the moment a case
// starts waiting, and how often due reminders are looked for.
type Reminders struct {
	ReminderFirst      time.Duration `envconfig:"REMINDER_FIRST" default:"216h"`       // day 9
	ReminderLast       time.Duration `envconfig:"REMINDER_LAST" default:"504h"`        // day 21
	ReminderEscalation time.Duration `envconfig:"REMINDER_ESCALATION" default:"1080h"` // day 45
	ReminderEvery      time.Duration `envconfig:"REMINDER_EVERY" default:"1m"`
}

// DigestZone loads the digest's time zone.
func (m Mail) DigestZone() (*time.Location, error) {
	loc, err := time.LoadLocation(m.MailDigestZone)
	if err != nil {
		return nil, fmt.Errorf("MAIL_DIGEST_ZONE: %w", err)
	}
	return loc, nil
}
