package service

import (
	"context"
	"fmt"
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
func wireMail(cfg Config, rt *platform.Runtime, store *postgres.Store, sender *mailer.Sender, labels notice.Labels, now func() time.Time) error {
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
	composer := app.ComposeMail{Contents: store,
		Composer: notice.Composer{BaseURL: cfg.PublicBaseURL, Territory: cfg.MailTerritory, Zone: mailZone,
			ContactDays: cfg.MailContactDays, Labels: labels}}
	send := cfg.Mailer.NewMailer(mailer.NewPostgresQueue(rt.Pool), composer, sender, now, rt.Log.With("component", "mailer"),
		func(o string) { outcomes.WithLabelValues(o).Inc() })
	rt.Every("mailer", cfg.MailPoll, send.Run)
	digests := app.SendBuyerDigests{Digests: store, Hour: cfg.BuyerDigestHour, Zone: mailZone, Now: now}
	rt.Every("buyer digests", cfg.BuyerDigestEvery, func(ctx context.Context) error {
		n, err := digests.Run(ctx)
		if n > 0 {
			rt.Log.InfoContext(ctx, "buyer digests queued", "digests", n)
		}
		return err
	})
	rt.Log.Info("e-mail enabled", "smtp", cfg.RelayHost(), "tls", cfg.SMTPTLS, "status_links", cfg.PublicBaseURL)
	return nil
}
