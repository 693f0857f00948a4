package config

import (
	"fmt"
	"time"
	_ "time/tzdata" // the digest's zone, even in images without a zone database
)

// Mail is the e-mail settings. Without SMTPURL no e-mail is queued or sent
// (development): the inbox alone carries the notifications.
type Mail struct {
	// SMTPURL is smtp://[user:password@]host[:port] (STARTTLS per SMTPTLS)
	// or smtps://... (TLS from the first byte).
	SMTPURL string `envconfig:"SMTP_URL"`
	// SMTPTLS is the STARTTLS policy of smtp:// URLs: mandatory,
	// opportunistic or none (a local relay such as Mailpit).
	SMTPTLS     string        `envconfig:"SMTP_TLS" default:"mandatory"`
	SMTPTimeout time.Duration `envconfig:"SMTP_TIMEOUT" default:"15s"`
	// MailFrom is the sender of the e-mails.
	MailFrom string `envconfig:"MAIL_FROM" default:"Bureau des conseillers CCI-CMA <ne-pas-repondre@ccicma.example>"`
	// PublicBaseURL prefixes the links to the desk in e-mails.
	PublicBaseURL string `envconfig:"PUBLIC_BASE_URL" default:"http://localhost:8085"`
	// MailDefaultMode applies to advisors who have not chosen: each,
	// digest or none.
	MailDefaultMode string `envconfig:"MAIL_DEFAULT_MODE" default:"each"`
	// MailPoll is how often the mailer looks for due e-mails.
	MailPoll time.Duration `envconfig:"MAIL_POLL" default:"5s"`
	// A failed e-mail is retried after MailRetryBase, doubling up to
	// MailRetryMax, and given up after MailMaxAttempts.
	MailRetryBase   time.Duration `envconfig:"MAIL_RETRY_BASE" default:"30s"`
	MailRetryMax    time.Duration `envconfig:"MAIL_RETRY_MAX" default:"1h"`
	MailMaxAttempts int           `envconfig:"MAIL_MAX_ATTEMPTS" default:"8"`
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
