package service_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ccicma/platform/pkg/auth"
	"github.com/ccicma/platform/pkg/events"
	"github.com/ccicma/platform/pkg/natsbus"
	"github.com/ccicma/platform/pkg/pgdb"
	"github.com/ccicma/platform/pkg/telemetry"
	"github.com/ccicma/platform/pkg/testkit"

	"github.com/ccicma/platform/services/advisor-desk/internal/testsmtp"
	"github.com/ccicma/platform/services/advisor-desk/service"
)

// infra is what outlives one advisor-desk instance: the database, NATS
// (with creation-support's connection to publish case events), the
// signing key, and a clock the test moves.
type infra struct {
	ctx     context.Context
	admin   string
	db      pgdb.Config
	ns      *testkit.NATS
	cs      *natsbus.Bus
	keyFile string
	clock   *testClock
}

type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func newInfra(t *testing.T) *infra {
	t.Helper()
	ctx := testkit.Context(t)
	in := &infra{ctx: ctx, admin: testkit.Database(t), ns: testkit.StartNATS(t),
		clock: &testClock{t: time.Now().UTC().Truncate(time.Second)}}
	in.db = testkit.ServiceDatabase(t, in.admin, service.Schema)
	tel, err := telemetry.New(ctx, "creation-support", telemetry.Options{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	id, err := natsbus.IdentityOf("creation-support")
	if err != nil {
		t.Fatal(err)
	}
	if in.cs, err = natsbus.Connect(ctx, in.ns.Config("creation-support"), id, tel); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(in.cs.Close)
	if err := in.cs.EnsureStream(ctx, events.StreamCreation, 1); err != nil {
		t.Fatal(err)
	}
	in.keyFile = filepath.Join(t.TempDir(), "signing-key.pem")
	key, err := auth.GenerateKeyPEM()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(in.keyFile, key, 0o600); err != nil {
		t.Fatal(err)
	}
	return in
}

// start runs an advisor-desk instance on the infrastructure, with jobs
// ticking fast and the test's clock; stop shuts it down (also at the end
// of the test).
func (in *infra) start(t *testing.T, change ...func(*service.Config)) (d *desk, stop func()) {
	t.Helper()
	cfg, err := service.LoadConfig()
	if err != nil {
		t.Fatal(err)
	}
	cfg.Config.DB, cfg.Config.NATS = in.db, in.ns.Config(service.Name)
	cfg.HTTPAddr, cfg.ShutdownTimeout, cfg.OutboxPoll = "127.0.0.1:0", 5*time.Second, 100*time.Millisecond
	cfg.AdvisorsFile, cfg.DevSignin, cfg.SigningKeyFile = "testdata/advisors.json", true, in.keyFile
	cfg.ReminderEvery, cfg.MailPoll, cfg.MailDigestEvery = 50*time.Millisecond, 50*time.Millisecond, time.Hour
	cfg.PublicBaseURL = "https://desk.example"
	for _, c := range change {
		c(&cfg)
	}
	svc, err := service.New(in.ctx, cfg, telemetry.Options{Logger: slog.New(slog.DiscardHandler)}, service.WithClock(in.clock.Now))
	if err != nil {
		t.Fatalf("start advisor-desk: %v", err)
	}
	runCtx, cancel := context.WithCancel(in.ctx)
	done := make(chan error, 1)
	go func() { done <- svc.Run(runCtx) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("advisor-desk shutdown: %v", err)
			}
		})
	}
	t.Cleanup(stop)
	db, err := pgxpool.New(in.ctx, in.admin)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	_, js := in.ns.Admin(t)
	d = &desk{ctx: in.ctx, url: "http://" + svc.Addr(), db: db, cs: in.cs, store: svc.Store, keyFile: in.keyFile, tokens: map[string]string{}}
	testkit.Eventually(t, wait, "advisor-desk's durable on CREATION", func() (bool, error) {
		c, err := js.Consumer(in.ctx, events.StreamCreation.Name, service.Name)
		d.cons = c
		return err == nil, err
	})
	return d, stop
}

func withSMTP(srv *testsmtp.Server) func(*service.Config) {
	return func(c *service.Config) { c.SMTPURL, c.SMTPTLS = srv.URL(), "none" }
}

// count runs a count query on advisor-desk's schema.
func (d *desk) count(t *testing.T, query string, args ...any) int {
	t.Helper()
	var n int
	if err := d.db.QueryRow(d.ctx, query, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// put sends a JSON body with a bearer token and decodes the answer.
func (d *desk) put(t *testing.T, token, path, body string, out any) int {
	t.Helper()
	req, err := http.NewRequestWithContext(d.ctx, http.MethodPut, d.url+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if err := decodeJSON(resp, out); err != nil {
		t.Fatalf("PUT %s answered %d, undecodable: %v", path, resp.StatusCode, err)
	}
	return resp.StatusCode
}

// TestMailEndToEnd: a case event published twice through NATS gives one
// notification and one e-mail over SMTP; an advisor sets their own e-mail
// preference (and nobody else's), after which no e-mail is queued for
// them.
func TestMailEndToEnd(t *testing.T) {
	t.Parallel()
	in := newInfra(t)
	srv := testsmtp.Start(t)
	d, _ := in.start(t, withSMTP(srv))

	ev := caseOpened(t, events.ChamberCMA, "cma-91-001", "91")
	d.publish(t, ev, "first-"+ev.ID)
	d.caughtUp(t, d.publish(t, ev, "second-"+ev.ID))
	testkit.Eventually(t, wait, "the e-mail sent", func() (bool, error) {
		return d.count(t, `SELECT count(*) FROM advisor_desk.mails WHERE status = 'pending'`) == 0, nil
	})
	ms := srv.Messages()
	if len(ms) != 1 || ms[0].To[0] != "lea.dubois@cma-idf.example" ||
		!strings.Contains(ms[0].Text(), "https://desk.example/dossiers/creation/"+ev.Subject) {
		t.Fatalf("sent %d e-mails (%+v), want one to Léa with the case's link", len(ms), ms)
	}
	if n := d.count(t, `SELECT count(*) FROM advisor_desk.mails WHERE status = 'sent'`); n != 1 {
		t.Errorf("%d e-mails sent in the queue, want 1", n)
	}
	resp, err := http.Get(d.url + "/metrics")
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
	d.caughtUp(t, d.publish(t, ev2, ev2.ID))
	if n := d.count(t, `SELECT count(*) FROM advisor_desk.mails WHERE advisor_id = $1`, me); n != 1 {
		t.Errorf("%d e-mails queued for Léa after she chose the digest, want still 1", n)
	}
}

// TestRemindersSurviveRestart: the timers of a case opened on one instance
// fire on the next one, after a restart, when their day comes; a taking in
// charge cancels the rest.
func TestRemindersSurviveRestart(t *testing.T) {
	t.Parallel()
	in := newInfra(t)
	const advisor = "cci-91-002"
	first, stop := in.start(t) // no SMTP: no e-mail queued
	ev := caseOpened(t, events.ChamberCCI, advisor, "91")
	first.caughtUp(t, first.publish(t, ev, ev.ID))
	timers := `SELECT count(*) FROM advisor_desk.reminder_timers WHERE case_id = $1 AND status = $2`
	if n := first.count(t, timers, ev.Subject, "pending"); n != 3 {
		t.Fatalf("%d reminder timers pending, want 3", n)
	}
	stop()

	in.clock.Advance(9*24*time.Hour + time.Hour)
	srv := testsmtp.Start(t)
	second, _ := in.start(t, withSMTP(srv))
	testkit.Eventually(t, wait, "the day-9 reminder after the restart", func() (bool, error) {
		return second.count(t, timers, ev.Subject, "fired") == 1, nil
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
	testkit.Eventually(t, wait, "the reminder's e-mail", func() (bool, error) { return len(srv.Messages()) == 1, nil })
	if m := srv.Messages()[0]; m.To[0] != "karim.benali@cci-essonne.example" || !strings.HasPrefix(m.Header("Subject"), "[CCI-CMA] Rappel") {
		t.Errorf("reminder e-mail to %v, subject %q", m.To, m.Header("Subject"))
	}

	taken, err := events.New("creation-support", ev.Subject, "91", events.CreationCaseTakenInCharge{CaseID: ev.Subject,
		RequestID: uuid.Must(uuid.NewV7()).String(), Chamber: events.ChamberCCI, AdvisorID: advisor, TakenAt: in.clock.Now()}, in.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	second.caughtUp(t, second.publish(t, taken, taken.ID))
	if p, c := second.count(t, timers, ev.Subject, "pending"), second.count(t, timers, ev.Subject, "cancelled"); p != 0 || c != 2 {
		t.Errorf("after taking in charge: %d timers pending, %d cancelled; want 0 and 2", p, c)
	}
}

func decodeJSON(resp *http.Response, out any) error { return json.NewDecoder(resp.Body).Decode(out) }

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
