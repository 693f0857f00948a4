package service_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ccicma/platform/pkg/events"
	"github.com/ccicma/platform/pkg/mailcatch"
	"github.com/ccicma/platform/pkg/telemetry"
	"github.com/ccicma/platform/pkg/testkit"

	"github.com/ccicma/platform/services/advisor-desk/service"
)

// newMailInfra is the infrastructure of the mail and reminder tests:
// jobs tick fast, on a clock the test moves, and mails link to
// https://desk.example.
func newMailInfra(t *testing.T) *infra {
	t.Helper()
	in := newInfra(t)
	in.clock = testkit.NewClock(time.Now().UTC().Truncate(time.Second))
	in.change = []func(*service.Config){func(c *service.Config) {
		c.ReminderEvery, c.MailPoll, c.MailDigestEvery = 50*time.Millisecond, 50*time.Millisecond, time.Hour
		c.PublicBaseURL = "https://desk.example"
	}}
	return in
}

func withSMTP(srv *mailcatch.Server) func(*service.Config) {
	return func(c *service.Config) { c.SMTPURL, c.SMTPTLS = srv.URL(), "none" }
}

// put sends a JSON body with a bearer token and decodes the answer.
func (d *desk) put(t *testing.T, token, path, body string, out any) int {
	t.Helper()
	a := d.Call(t, http.MethodPut, path, token, body)
	a.Decode(t, out)
	return a.Status
}

// TestMailEndToEnd: a case event published twice through NATS gives one
// notification and one e-mail over SMTP; an advisor sets their own e-mail
// preference (and nobody else's), after which no e-mail is queued for
// them.
func TestMailEndToEnd(t *testing.T) {
	t.Parallel()
	in := newMailInfra(t)
	srv := mailcatch.Start(t)
	d, _ := in.start(t, withSMTP(srv))

	ev := caseOpened(t, events.ChamberCMA, "cma-91-001", "91")
	d.PublishCopy(t, ev, "first-"+ev.ID)
	d.CaughtUp(t, d.PublishCopy(t, ev, "second-"+ev.ID))
	testkit.Eventually(t, testkit.Wait, "the e-mail sent", func() (bool, error) {
		return d.DB.Count(t, `SELECT count(*) FROM advisor_desk.mail_queue WHERE status IN ('pending', 'sending')`) == 0, nil
	})
	ms := srv.Messages()
	if len(ms) != 1 || ms[0].To[0] != "lea.dubois@cma-idf.example" ||
		!strings.Contains(ms[0].Text(), "https://desk.example/dossiers/creation/"+ev.Subject) {
		t.Fatalf("sent %d e-mails (%+v), want one to Léa with the case's link", len(ms), ms)
	}
	if n := d.DB.Count(t, `SELECT count(*) FROM advisor_desk.mail_queue WHERE status = 'sent'`); n != 1 {
		t.Errorf("%d e-mails sent in the queue, want 1", n)
	}
	resp, err := http.Get(d.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	metrics, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{`mails_total{outcome="sent"} 1`, "mail_backlog 0"} {
		if !strings.Contains(string(metrics), want) {
			t.Errorf("metrics lack %q:\n%s", want, grep(string(metrics), "mail"))
		}
	}

	const me, path = "cma-91-001", "/api/v1/advisors/cma-91-001/mail-preference"
	var pref struct {
		AdvisorID, Mode string
		Chosen          bool
		Status          int
		Errors          []struct{ Field string }
	}
	if status, _ := d.get(t, d.token(t, me), path, &pref); status != http.StatusOK || pref.Mode != "each" || pref.Chosen {
		t.Errorf("GET own preference: %d %+v, want the default each", status, pref)
	}
	tests := []struct {
		name, as, path, body string
		status               int
		field                string
	}{
		{"no token", "", path, `{"mode":"none"}`, http.StatusUnauthorized, ""},
		{"someone else's, even a manager of the chamber", "cma-91-006", path, `{"mode":"none"}`, http.StatusForbidden, ""},
		{"unknown mode", me, path, `{"mode":"weekly"}`, http.StatusUnprocessableEntity, "mode"},
		{"unknown field", me, path, `{"mode":"digest","hour":7}`, http.StatusBadRequest, "hour"},
		{"own", me, path, `{"mode":"digest"}`, http.StatusOK, ""},
	}
	for _, tt := range tests {
		pref.Errors = nil
		token := ""
		if tt.as != "" {
			token = d.token(t, tt.as)
		}
		status := d.put(t, token, tt.path, tt.body, &pref)
		if status != tt.status || (tt.field != "" && (len(pref.Errors) != 1 || pref.Errors[0].Field != tt.field)) {
			t.Errorf("%s: %d %+v, want %d naming %q", tt.name, status, pref, tt.status, tt.field)
		}
	}
	if status, _ := d.get(t, d.token(t, me), path, &pref); status != http.StatusOK || pref.Mode != "digest" || !pref.Chosen {
		t.Errorf("GET after PUT: %d %+v, want digest, chosen", status, pref)
	}
	if status, _ := d.get(t, d.token(t, "cma-91-006"), path, &pref); status != http.StatusForbidden {
		t.Errorf("a manager read another's preference: %d", status)
	}

	ev2 := caseOpened(t, events.ChamberCMA, me, "91")
	d.CaughtUp(t, d.Publish(t, ev2))
	if n := d.DB.Count(t, `SELECT count(*) FROM advisor_desk.mails WHERE advisor_id = $1`, me); n != 1 {
		t.Errorf("%d e-mails queued for Léa after she chose the digest, want still 1", n)
	}
}

// TestRemindersSurviveRestart: the timers of a case opened on one instance
// fire on the next one, after a restart, when their day comes; a taking in
// charge cancels the rest.
func TestRemindersSurviveRestart(t *testing.T) {
	t.Parallel()
	in := newMailInfra(t)
	const advisor = "cci-91-002"
	first, stop := in.start(t) // no SMTP: no e-mail queued
	ev := caseOpened(t, events.ChamberCCI, advisor, "91")
	first.CaughtUp(t, first.Publish(t, ev))
	timers := `SELECT count(*) FROM advisor_desk.reminder_timers WHERE case_id = $1 AND status = $2`
	if n := first.DB.Count(t, timers, ev.Subject, "pending"); n != 3 {
		t.Fatalf("%d reminder timers pending, want 3", n)
	}
	stop()

	in.clock.Advance(9*24*time.Hour + time.Hour)
	srv := mailcatch.Start(t)
	second, _ := in.start(t, withSMTP(srv))
	testkit.Eventually(t, testkit.Wait, "the day-9 reminder after the restart", func() (bool, error) {
		return second.DB.Count(t, timers, ev.Subject, "fired") == 1, nil
	})
	ns := second.list(t, advisor)
	var reminders []notif
	for _, n := range ns {
		if strings.HasPrefix(n.Kind, "reminder.") {
			reminders = append(reminders, n)
		}
	}
	if len(reminders) != 1 || reminders[0].Kind != "reminder.reminder" || reminders[0].Link != "/dossiers/creation/"+ev.Subject {
		t.Fatalf("%s's reminders: %+v, want the first reminder of the case", advisor, reminders)
	}
	testkit.Eventually(t, testkit.Wait, "the reminder's e-mail", func() (bool, error) { return len(srv.Messages()) == 1, nil })
	if m := srv.Messages()[0]; m.To[0] != "karim.benali@cci-essonne.example" || !strings.HasPrefix(m.Header("Subject"), "[CCI-CMA] Rappel") {
		t.Errorf("reminder e-mail to %v, subject %q", m.To, m.Header("Subject"))
	}

	taken, err := events.New("creation-support", ev.Subject, "91", events.CreationCaseTakenInCharge{CaseID: ev.Subject,
		RequestID: uuid.Must(uuid.NewV7()).String(), Chamber: events.ChamberCCI, AdvisorID: advisor, TakenAt: in.clock.Now()}, in.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	second.CaughtUp(t, second.Publish(t, taken))
	if p, c := second.DB.Count(t, timers, ev.Subject, "pending"), second.DB.Count(t, timers, ev.Subject, "cancelled"); p != 0 || c != 2 {
		t.Errorf("after taking in charge: %d timers pending, %d cancelled; want 0 and 2", p, c)
	}
}

// TestMailReminderSettingsChecked: bad settings stop the service before it
// connects to anything, each named.
func TestMailReminderSettingsChecked(t *testing.T) {
	tests := []struct {
		name   string
		change func(*service.Config)
		want   string
	}{
		{"reminders out of order", func(c *service.Config) { c.ReminderLast = c.ReminderFirst }, "REMINDER_FIRST < REMINDER_LAST"},
		{"digest hour", func(c *service.Config) { c.MailDigestHour = 24 }, "MAIL_DIGEST_HOUR"},
		{"default mode", func(c *service.Config) { c.MailDefaultMode = "weekly" }, "MAIL_DEFAULT_MODE"},
		{"zone", func(c *service.Config) { c.MailDigestZone = "Mars/Olympus" }, "MAIL_DIGEST_ZONE"},
		{"SMTP URL", func(c *service.Config) { c.SMTPURL = "http://mail.example" }, "SMTP_URL"},
		{"TLS policy", func(c *service.Config) { c.SMTPURL, c.SMTPTLS = "smtp://mail.example", "sometimes" }, "SMTP_TLS"},
		{"sender", func(c *service.Config) { c.SMTPURL, c.MailFrom = "smtp://mail.example", "nobody" }, "MAIL_FROM"},
	}
	for _, tt := range tests {
		cfg, err := service.LoadConfig()
		if err != nil {
			t.Fatal(err)
		}
		cfg.DevSignin = true
		cfg.Config.DB.URL = "postgres://nobody@127.0.0.1:1/none" // never reached
		tt.change(&cfg)
		_, err = service.New(context.Background(), cfg, telemetry.Options{Logger: slog.New(slog.DiscardHandler)})
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: New = %v, want an error naming %s", tt.name, err, tt.want)
		}
	}
}
