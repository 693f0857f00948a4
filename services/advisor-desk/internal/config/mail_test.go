package config_test

import (
	"testing"
	"time"

	"github.com/ccicma/platform/services/advisor-desk/internal/config"
)

// The e-mail and reminder settings: defaults (no SMTP: e-mail off; day 9,
// 21, 45; digest at 8 in Paris), bare and prefixed keys.
func TestMailAndReminderKeys(t *testing.T) {
	cfg, err := config.Load()
	if err != nil {
		t.Fatal(err)
	}
	day := 24 * time.Hour
	if cfg.SMTPURL != "" || cfg.SMTPTLS != "mandatory" || cfg.MailDefaultMode != "each" || cfg.MailDigestHour != 8 ||
		cfg.ReminderFirst != 9*day || cfg.ReminderLast != 21*day || cfg.ReminderEscalation != 45*day {
		t.Errorf("defaults: %+v %+v", cfg.Mail, cfg.Reminders)
	}
	if loc, err := cfg.DigestZone(); err != nil || loc.String() != "Europe/Paris" {
		t.Errorf("digest zone %v, %v", loc, err)
	}
	t.Setenv("SMTP_URL", "smtp://mailpit:1025")
	t.Setenv("ADVISOR_DESK_SMTP_TLS", "none")
	t.Setenv("ADVISOR_DESK_REMINDER_FIRST", "48h")
	t.Setenv("MAIL_DIGEST_HOUR", "18")
	t.Setenv("MAIL_DIGEST_ZONE", "Nowhere/Atlantis")
	if cfg, err = config.Load(); err != nil {
		t.Fatal(err)
	}
	if cfg.SMTPURL != "smtp://mailpit:1025" || cfg.SMTPTLS != "none" || cfg.ReminderFirst != 48*time.Hour || cfg.MailDigestHour != 18 {
		t.Errorf("read %+v %+v", cfg.Mail, cfg.Reminders)
	}
	if _, err := cfg.DigestZone(); err == nil {
		t.Error("an unknown zone was accepted")
	}
}
