package mailer_test

import (
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/ccicma/platform/pkg/mailer"
)

func TestRetryPolicy(t *testing.T) {
	p := mailer.RetryPolicy{Base: 30 * time.Second, Max: 10 * time.Minute, MaxAttempts: 5}
	now := time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC)
	temporary, final := errors.New("smtp 451"), errors.Join(errors.New("smtp 554"), mailer.ErrRejected)
	tests := []struct {
		name    string
		attempt int
		err     error
		jitter  float64
		status  string
		delay   time.Duration
	}{
		{"first failure waits the base", 1, temporary, 0, mailer.StatusPending, 30 * time.Second},
		{"then doubles", 3, temporary, 0, mailer.StatusPending, 2 * time.Minute},
		{"jitter adds up to half", 2, temporary, 0.5, mailer.StatusPending, 75 * time.Second},
		{"capped", 4, temporary, 0, mailer.StatusPending, 4 * time.Minute},
		{"given up after the last attempt", 5, temporary, 0, mailer.StatusFailed, 0},
		{"a final refusal is not retried", 1, final, 0, mailer.StatusFailed, 0},
	}
	for _, tt := range tests {
		o := p.After(tt.attempt, now, tt.err, tt.jitter)
		if o.Status != tt.status || !strings.HasPrefix(o.Error, "smtp ") {
			t.Errorf("%s: outcome %+v, want status %s", tt.name, o, tt.status)
		}
		if tt.status == mailer.StatusPending && o.NextAttempt.Sub(now) != tt.delay {
			t.Errorf("%s: retry after %v, want %v", tt.name, o.NextAttempt.Sub(now), tt.delay)
		}
	}
	if d := (mailer.RetryPolicy{Base: time.Minute, Max: 5 * time.Minute, MaxAttempts: 99}).Delay(30, 0.99); d > 5*time.Minute*3/2 {
		t.Errorf("delay after many failures %v: not capped", d)
	}
}

// TestMessageID: stable for a key, different between keys, and the key
// does not show.
func TestMessageID(t *testing.T) {
	a, b := mailer.MessageID("receipt:r1", "chambres.example"), mailer.MessageID("receipt:r2", "chambres.example")
	if a != mailer.MessageID("receipt:r1", "chambres.example") || a == b || strings.Contains(a, "r1") ||
		!strings.HasSuffix(a, "@chambres.example") {
		t.Errorf("MessageID: %q, %q", a, b)
	}
}

// TestSettingsChecked: bad SMTP and delivery settings are refused, each
// named.
func TestSettingsChecked(t *testing.T) {
	ok := mailer.Config{SMTPURL: "smtp://mail.example:1025", SMTPTLS: "none", SMTPTimeout: 15 * time.Second,
		MailPoll: 5 * time.Second, MailRetryBase: 30 * time.Second, MailRetryMax: time.Hour, MailMaxAttempts: 8, MailLease: 5 * time.Minute, MailWorkers: 4}
	if err := ok.Check(); err != nil {
		t.Fatal(err)
	}
	s, err := mailer.NewSender(ok, "Les chambres <ne-pas-repondre@chambres.example>")
	if err != nil || s.Domain() != "chambres.example" {
		t.Fatalf("NewSender: %v, domain %q", err, s.Domain())
	}
	tests := []struct {
		name   string
		change func(*mailer.Config)
		from   string
		want   string
	}{
		{"scheme", func(c *mailer.Config) { c.SMTPURL = "http://mail.example" }, "", "SMTP_URL"},
		{"port", func(c *mailer.Config) { c.SMTPURL = "smtp://mail.example:smtp" }, "", "SMTP_URL"},
		{"TLS policy", func(c *mailer.Config) { c.SMTPTLS = "sometimes" }, "", "SMTP_TLS"},
		{"sender", func(*mailer.Config) {}, "nobody", "MAIL_FROM"},
		{"lease shorter than an attempt", func(c *mailer.Config) { c.MailLease = time.Minute }, "", "MAIL_LEASE"},
		{"retry", func(c *mailer.Config) { c.MailRetryMax = time.Second }, "", "MAIL_RETRY_BASE"},
		{"no worker", func(c *mailer.Config) { c.MailWorkers = 0 }, "", "MAIL_WORKERS"},
		{"too many workers", func(c *mailer.Config) { c.MailWorkers = 33 }, "", "MAIL_WORKERS"},
	}
	for _, tt := range tests {
		c := ok
		tt.change(&c)
		from := "x@chambres.example"
		if tt.from != "" {
			from = tt.from
		}
		_, err := mailer.NewSender(c, from)
		err = errors.Join(err, c.Check())
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: %v, want an error naming %s", tt.name, err, tt.want)
		}
	}
}

// TestMailerRefusesAShortLease: a lease that could end while its send is
// still running would let another replica send the e-mail too.
func TestMailerRefusesAShortLease(t *testing.T) {
	m := mailer.Mailer{Queue: mailer.NewPostgresQueue(nil), Composer: letters{}, Transport: &mailer.Sender{},
		Now: time.Now, Log: slog.New(slog.DiscardHandler), Timeout: 15 * time.Second, Lease: 30 * time.Second}
	if err := m.Run(t.Context()); err == nil || !strings.Contains(err.Error(), "lease") {
		t.Errorf("Run with a 30 s lease and a 15 s timeout: %v, want refused", err)
	}
}

// TestConfigMailer: the mailer of the settings carries their retry
// policy, lease and timeout; the relay's host is logged without its
// credentials.
func TestConfigMailer(t *testing.T) {
	cfg := mailer.Config{SMTPURL: "smtp://user:secret@relay.example:2525", SMTPTLS: "none", SMTPTimeout: 7 * time.Second,
		MailRetryBase: time.Minute, MailRetryMax: time.Hour, MailMaxAttempts: 4, MailLease: 2 * time.Minute, MailWorkers: 3}
	sender, err := mailer.NewSender(cfg, "Les chambres <ne-pas-repondre@ccicma.example>")
	if err != nil {
		t.Fatal(err)
	}
	m := cfg.NewMailer(nil, nil, sender, time.Now, slog.New(slog.DiscardHandler), nil)
	if m.Retry != cfg.Retry() || m.Lease != 2*time.Minute || m.Timeout != 7*time.Second || m.Domain != "ccicma.example" ||
		m.Owner == "" || m.Jitter == nil || m.Transport == nil || m.Workers != 3 {
		t.Errorf("mailer of the settings: %+v", m)
	}
	if got := cfg.RelayHost(); got != "relay.example:2525" {
		t.Errorf("RelayHost() = %q, want the host without credentials", got)
	}
}
