package service

import (
	"fmt"
	"math/rand/v2"
	"net/url"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/ccicma/platform/pkg/mailer"
	"github.com/ccicma/platform/pkg/platform"

	"github.com/ccicma/platform/services/intake/internal/adapters/postgres"
	"github.com/ccicma/platform/services/intake/internal/app"
	"github.com/ccicma/platform/services/intake/internal/domain/notice"
)

// mailZone shows dates in e-mails as applicants read them.
var mailZone = func() *time.Location {
	if loc, err := time.LoadLocation("Europe/Paris"); err == nil {
		return loc
	}
	return time.UTC
}()

// newSender checks the SMTP settings before anything starts; nil when
// e-mail is disabled (no SMTP_URL).
func newSender(cfg Config) (*mailer.Sender, error) {
	if !cfg.Mail.Enabled() {
		return nil, nil
	}
	s, err := mailer.NewSender(cfg.Mailer, cfg.MailFrom)
	if err != nil {
		return nil, fmt.Errorf("intake e-mail settings: %w", err)
	}
	return s, nil
}

// wireMail makes the store queue the applicants' e-mails and registers
// the mailer that sends them. Without a sender nothing is queued.
func wireMail(cfg Config, rt *platform.Runtime, store *postgres.Store, sender *mailer.Sender, now func() time.Time) error {
	if sender == nil {
		rt.Log.Warn("e-mail disabled: SMTP_URL is not set; applicants get no receipt")
		return nil
	}
	outcomes := prometheus.NewCounterVec(prometheus.CounterOpts{Name: "mails_total",
		Help: "E-mail attempts by outcome: sent, retry, failed (given up), skipped (nothing to send)."}, []string{"outcome"})
	if err := rt.Tel.Registry.Register(outcomes); err != nil {
		return fmt.Errorf("register mail metrics: %w", err)
	}
	store.EnableMail(cfg.MailFollowUpDelay, now)
	composer := notice.Composer{BaseURL: cfg.PublicBaseURL, Territory: cfg.MailTerritory, Zone: mailZone}
	send := mailer.Mailer{Queue: mailer.NewPostgresQueue(rt.Pool), Transport: sender, Domain: sender.Domain(),
		Composer: app.ComposeMail{Contents: store, Composer: composer},
		Retry:    cfg.Mailer.Retry(), Owner: mailer.DefaultOwner(), Lease: cfg.MailLease, Timeout: cfg.SMTPTimeout,
		Now: now, Jitter: rand.Float64, Observe: func(o string) { outcomes.WithLabelValues(o).Inc() },
		Log: rt.Log.With("component", "mailer")}
	rt.Every("mailer", cfg.MailPoll, send.Run)
	host := ""
	if u, err := url.Parse(cfg.SMTPURL); err == nil {
		host = u.Host // never the credentials
	}
	rt.Log.Info("e-mail enabled", "smtp", host, "tls", cfg.SMTPTLS, "status_links", cfg.PublicBaseURL)
	return nil
}
