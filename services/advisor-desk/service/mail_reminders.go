package service

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/ccicma/platform/pkg/mailer"
	"github.com/ccicma/platform/pkg/platform"

	"github.com/ccicma/platform/services/advisor-desk/internal/adapters/live"
	"github.com/ccicma/platform/services/advisor-desk/internal/adapters/postgres"
	"github.com/ccicma/platform/services/advisor-desk/internal/app"
	"github.com/ccicma/platform/services/advisor-desk/internal/domain/mail"
	"github.com/ccicma/platform/services/advisor-desk/internal/domain/reminder"
	"github.com/ccicma/platform/services/advisor-desk/internal/ports/consumers"
	"github.com/ccicma/platform/services/advisor-desk/internal/ports/httpapi"
)

// Option adjusts a service beyond its configuration (tests).
type Option func(*options)

type options struct {
	now   func() time.Time
	peers func(service string) string // WithPeers
}

// WithClock makes the service read the time from now: reminders, digests
// and retries then follow a clock the caller moves.
func WithClock(now func() time.Time) Option { return func(o *options) { o.now = now } }

func newOptions(opts []Option) options {
	o := options{now: func() time.Time { return time.Now().UTC() }}
	for _, f := range opts {
		f(&o)
	}
	return o
}

// mailReminders is the e-mail and reminder part of the service: the
// reaction that keeps reminder timers, the preference routes, and the
// periodic jobs (registered on the runtime).
type mailReminders struct {
	reaction consumers.Reaction
	routes   httpapi.MailPreferenceRoutes
}

// mailSetup is the checked e-mail and reminder settings.
type mailSetup struct {
	composer    mail.Composer
	durations   reminder.Durations
	defaultMode mail.Mode
	sender      *mailer.Sender // nil: e-mail disabled
}

// prepareMailReminders checks the settings before anything is started.
func prepareMailReminders(cfg Config) (mailSetup, error) {
	mc, d, err := checkMailReminders(cfg)
	if err != nil {
		return mailSetup{}, err
	}
	ms := mailSetup{composer: mc, durations: d}
	ms.defaultMode, _ = mail.ParseMode(cfg.MailDefaultMode)
	if cfg.Mailer.Enabled() {
		if ms.sender, err = mailer.NewSender(cfg.Mailer, cfg.MailFrom); err != nil {
			return mailSetup{}, err
		}
	}
	return ms, nil
}

// wireMailReminders sets e-mail and reminders up. Without SMTP_URL no
// e-mail is queued (the store does not enable mail) and none is sent;
// preferences can still be set.
func wireMailReminders(ms mailSetup, cfg Config, rt *platform.Runtime, store *postgres.Store, hub *live.Hub, now func() time.Time) (mailReminders, error) {
	defaultMode := ms.defaultMode
	mr := mailReminders{
		reaction: consumers.Reaction{Types: app.ReminderEventTypes(),
			Handle: app.ScheduleReminders{Cases: store, Durations: ms.durations}.Handle},
		routes: httpapi.MailPreferenceRoutes{Log: rt.Log,
			Preferences: app.MailPreference{Modes: store, Default: defaultMode, Now: now}},
	}
	fire := app.FireReminders{Timers: store, Live: hub, Now: now, Log: rt.Log}
	rt.Every("reminders", cfg.ReminderEvery, fire.Run)
	if ms.sender == nil {
		rt.Log.Warn("e-mail disabled: SMTP_URL is not set; notifications stay in the inbox")
		return mr, nil
	}
	store.EnableMail(defaultMode)
	if err := mailJobs(ms, cfg, rt, store, now); err != nil {
		return mailReminders{}, err
	}
	rt.Log.Info("e-mail enabled", "smtp", cfg.RelayHost(), "tls", cfg.SMTPTLS, "default_mode", defaultMode, "digest_hour", cfg.MailDigestHour)
	return mr, nil
}

// mailJobs registers the mailer, the digests and the e-mail housekeeping,
// with their metrics.
func mailJobs(ms mailSetup, cfg Config, rt *platform.Runtime, store *postgres.Store, now func() time.Time) error {
	outcomes := prometheus.NewCounterVec(prometheus.CounterOpts{Name: "mails_total",
		Help: "E-mail attempts by outcome: sent, retry, failed (given up), skipped (nothing to report)."}, []string{"outcome"})
	if err := rt.Tel.Registry.Register(outcomes); err != nil {
		return fmt.Errorf("register mail metrics: %w", err)
	}
	queue := mailer.NewPostgresQueue(rt.Pool)
	if err := rt.Tel.Metrics.GaugeFunc("mail_backlog", "E-mails queued and not yet sent.", mailBacklog(queue)); err != nil {
		return err
	}
	send := cfg.Mailer.NewMailer(queue, app.ComposeMail{Contents: store, Composer: ms.composer}, ms.sender, now,
		rt.Log.With("component", "mailer"), func(o string) { outcomes.WithLabelValues(o).Inc() })
	rt.Every("mailer", cfg.MailPoll, send.Run)
	digests := app.QueueDigests{Queue: store, Digest: mail.Digest{Hour: cfg.MailDigestHour, Zone: ms.composer.Zone},
		Default: ms.defaultMode, Now: now, Log: rt.Log}
	rt.Every("mail-digests", cfg.MailDigestEvery, digests.Run)
	prune := app.PruneMails{Mails: queue, Retention: cfg.MailRetention, Now: now, Log: rt.Log}
	rt.Every("mail-housekeeping", cfg.HousekeepEvery, prune.Run)
	return nil
}

// checkMailReminders validates the settings.
func checkMailReminders(cfg Config) (mail.Composer, reminder.Durations, error) {
	var errs []error
	zone, err := cfg.DigestZone()
	errs = append(errs, err)
	if _, err := mail.ParseMode(cfg.MailDefaultMode); err != nil {
		errs = append(errs, fmt.Errorf("MAIL_DEFAULT_MODE: %w", err))
	}
	if cfg.MailDigestHour < 0 || cfg.MailDigestHour > 23 {
		errs = append(errs, errors.New("MAIL_DIGEST_HOUR: 0 to 23"))
	}
	if cfg.MailRetention < 8*24*time.Hour {
		errs = append(errs, errors.New("MAIL_RETENTION: at least 192h (the digests look a week back)"))
	}
	if cfg.Mailer.Enabled() {
		errs = append(errs, cfg.Mailer.Check())
	}
	d := reminder.Durations{Reminder: cfg.ReminderFirst, LastReminder: cfg.ReminderLast, Escalation: cfg.ReminderEscalation}
	if d.Reminder <= 0 || d.LastReminder <= d.Reminder || d.Escalation <= d.LastReminder {
		errs = append(errs, errors.New("want 0 < REMINDER_FIRST < REMINDER_LAST < REMINDER_ESCALATION"))
	}
	base, err := url.Parse(cfg.PublicBaseURL)
	if err != nil || base.Scheme == "" || base.Host == "" {
		errs = append(errs, errors.New("PUBLIC_BASE_URL: an absolute URL"))
	}
	if err := errors.Join(errs...); err != nil {
		return mail.Composer{}, d, fmt.Errorf("advisor-desk e-mail and reminder settings: %w", err)
	}
	return mail.Composer{BaseURL: trimSlash(cfg.PublicBaseURL), Zone: zone}, d, nil
}

func trimSlash(s string) string {
	for len(s) > 0 && s[len(s)-1] == '/' {
		s = s[:len(s)-1]
	}
	return s
}

func mailBacklog(queue *mailer.PostgresQueue) func() float64 {
	return func() float64 {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		n, err := queue.Backlog(ctx)
		if err != nil {
			return -1
		}
		return float64(n)
	}
}

// withMailPreferences serves the preference routes beside the others.
func withMailPreferences(routes http.Handler, mr mailReminders) http.Handler {
	mux := http.NewServeMux()
	mr.routes.Register(mux)
	mux.Handle("/", routes)
	return mux
}
