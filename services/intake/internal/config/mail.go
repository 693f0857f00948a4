package config

import (
	"errors"
	"net/url"
	"time"

	"github.com/ccicma/platform/pkg/mailer"
)

// Mailer is the SMTP relay and delivery settings every sending service
// shares (SMTP_URL, SMTP_TLS, SMTP_TIMEOUT, MAIL_POLL, MAIL_RETRY_*,
// MAIL_MAX_ATTEMPTS, MAIL_LEASE): an alias, so that Mail can embed it and
// its keys keep their names.
type Mailer = mailer.Config

// Mail is the settings of the applicants' e-mails (receipts and
// follow-ups). Without SMTP_URL no e-mail is queued or sent: the status
// link shown after the submission is then the applicant's only one.
type Mail struct {
	Mailer
	// MailFrom is the sender: the chambers, never an advisor.
	MailFrom string `envconfig:"MAIL_FROM" default:"Les chambres CCI et CMA <ne-pas-repondre@ccicma.example>"`
	// MailTerritory completes the chambers' names in subjects and
	// signatures ("la CCI et la CMA de l'Essonne").
	MailTerritory string `envconfig:"MAIL_TERRITORY" default:"de l'Essonne"`
	// PublicBaseURL prefixes the status links in e-mails: intake's public
	// address, as applicants reach it.
	PublicBaseURL string `envconfig:"PUBLIC_BASE_URL" default:"http://localhost:8080"`
	// MailFollowUpDelay holds a follow-up e-mail back after the step that
	// calls for it; a later step within the delay replaces it, so that
	// steps minutes apart make one e-mail.
	MailFollowUpDelay time.Duration `envconfig:"MAIL_FOLLOW_UP_DELAY" default:"10m"`
	// MailContactDays is the chambers' commitment the receipt states: a
	// first contact within so many working days (0: none stated).
	MailContactDays int `envconfig:"MAIL_CONTACT_DAYS" default:"10"`
}

// CheckMail validates the e-mail settings, when e-mail is enabled.
func (m Mail) CheckMail() error {
	if !m.Enabled() {
		return nil
	}
	errs := []error{m.Mailer.Check()}
	if u, err := url.Parse(m.PublicBaseURL); err != nil || u.Scheme == "" || u.Host == "" {
		errs = append(errs, errors.New("PUBLIC_BASE_URL: an absolute URL"))
	}
	if m.MailContactDays < 0 || m.MailContactDays > 60 {
		errs = append(errs, errors.New("MAIL_CONTACT_DAYS: 0 to 60"))
	}
	if m.MailFollowUpDelay < 0 {
		errs = append(errs, errors.New("MAIL_FOLLOW_UP_DELAY: not negative"))
	}
	return errors.Join(errs...)
}
