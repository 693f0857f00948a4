package mailer

import (
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/url"
	"time"
)

// Config is the SMTP relay and delivery settings every sending service
// reads with the same keys (each also with the service's prefix). The
// sender's address is the service's own (its MAIL_FROM), not here. Without
// SMTPURL the service sends nothing.
type Config struct {
	// SMTPURL is smtp://[user:password@]host[:port] (STARTTLS per SMTPTLS)
	// or smtps://... (TLS from the first byte).
	SMTPURL string `envconfig:"SMTP_URL"`
	// SMTPTLS is the STARTTLS policy of smtp:// URLs: mandatory,
	// opportunistic or none (a local relay such as Mailpit).
	SMTPTLS string `envconfig:"SMTP_TLS" default:"mandatory"`
	// SMTPTimeout bounds each SMTP exchange (and the composing of an
	// e-mail).
	SMTPTimeout time.Duration `envconfig:"SMTP_TIMEOUT" default:"15s"`
	// MailPoll is how often the mailer looks for due e-mails.
	MailPoll time.Duration `envconfig:"MAIL_POLL" default:"5s"`
	// MailWorkers is how many e-mails a replica sends at once.
	MailWorkers int `envconfig:"MAIL_WORKERS" default:"4"`
	// A failed e-mail is retried after MailRetryBase, doubling up to
	// MailRetryMax, and given up after MailMaxAttempts.
	MailRetryBase   time.Duration `envconfig:"MAIL_RETRY_BASE" default:"30s"`
	MailRetryMax    time.Duration `envconfig:"MAIL_RETRY_MAX" default:"1h"`
	MailMaxAttempts int           `envconfig:"MAIL_MAX_ATTEMPTS" default:"8"`
	// MailLease is how long a claimed e-mail stays with its mailer. An
	// e-mail whose mailer was killed mid-send is sent again after it, so
	// it must outlast a whole attempt (MinLease).
	MailLease time.Duration `envconfig:"MAIL_LEASE" default:"5m"`
}

// Enabled reports whether an SMTP relay is set.
func (c Config) Enabled() bool { return c.SMTPURL != "" }

// Retry is the retry policy of the settings.
func (c Config) Retry() RetryPolicy {
	return RetryPolicy{Base: c.MailRetryBase, Max: c.MailRetryMax, MaxAttempts: c.MailMaxAttempts}
}

// MinLease is the shortest safe lease for an SMTP timeout: composing,
// connecting and the exchanges of one send (each bounded by the timeout),
// then the record. A shorter lease could expire while its mailer is still
// sending, and another replica would send the e-mail too.
func MinLease(smtpTimeout time.Duration) time.Duration { return 4*smtpTimeout + RecordTimeout }

// Check validates the delivery settings (NewSender checks the SMTP ones).
func (c Config) Check() error {
	var errs []error
	if c.MailMaxAttempts < 1 || c.MailRetryBase <= 0 || c.MailRetryMax < c.MailRetryBase {
		errs = append(errs, errors.New("MAIL_MAX_ATTEMPTS >= 1, 0 < MAIL_RETRY_BASE <= MAIL_RETRY_MAX"))
	}
	if c.SMTPTimeout <= 0 || c.MailPoll <= 0 {
		errs = append(errs, errors.New("SMTP_TIMEOUT and MAIL_POLL must be positive"))
	}
	if c.MailWorkers < 1 || c.MailWorkers > maxMailWorkers {
		errs = append(errs, fmt.Errorf("MAIL_WORKERS: 1 to %d", maxMailWorkers))
	}
	if c.MailLease < MinLease(c.SMTPTimeout) {
		errs = append(errs, fmt.Errorf("MAIL_LEASE: at least %s (4 × SMTP_TIMEOUT + %s)", MinLease(c.SMTPTimeout), RecordTimeout))
	}
	return errors.Join(errs...)
}

// maxMailWorkers bounds MAIL_WORKERS: each worker holds an SMTP
// connection and a database connection while it sends.
const maxMailWorkers = 32

// NewMailer is the mailer of these settings on every replica of a service:
// it sends the e-mails of queue, composed by composer, through sender,
// with the settings' retry policy (jittered), lease and timeout, under
// this process's name (DefaultOwner). observe counts outcomes (nil:
// none).
func (c Config) NewMailer(queue Queue, composer Composer, sender *Sender, now func() time.Time, log *slog.Logger,
	observe func(outcome string)) Mailer {
	return Mailer{Queue: queue, Composer: composer, Transport: sender, Domain: sender.Domain(), Retry: c.Retry(),
		Owner: DefaultOwner(), Lease: c.MailLease, Timeout: c.SMTPTimeout, Now: now, Jitter: rand.Float64,
		Observe: observe, Log: log, Workers: c.MailWorkers}
}

// RelayHost is the relay's host[:port], to log where e-mail goes: never
// the credentials SMTPURL may hold.
func (c Config) RelayHost() string {
	u, err := url.Parse(c.SMTPURL)
	if err != nil {
		return ""
	}
	return u.Host
}
