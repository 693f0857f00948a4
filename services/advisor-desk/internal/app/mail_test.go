package app_test

import (
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ccicma/platform/pkg/events"
	"github.com/ccicma/platform/pkg/mailcatch"
	"github.com/ccicma/platform/pkg/mailer"
	"github.com/ccicma/platform/pkg/testkit"

	"github.com/ccicma/platform/services/advisor-desk/internal/adapters/postgres"
	"github.com/ccicma/platform/services/advisor-desk/internal/app"
	"github.com/ccicma/platform/services/advisor-desk/internal/domain/mail"
	"github.com/ccicma/platform/services/advisor-desk/internal/domain/notification"
	"github.com/ccicma/platform/services/advisor-desk/seed"
)

// mailEnv is advisor-desk's store with e-mail enabled over a real SMTP
// server, the demo directory, and the use cases on a controllable clock.
type mailEnv struct {
	*env
	store    *postgres.Store
	smtp     *mailcatch.Server
	clock    *testkit.Clock
	notify   app.Notify
	send     mailer.Mailer
	queue    *mailer.PostgresQueue
	prefs    app.MailPreference
	outcomes *outcomes
}

type outcomes struct {
	mu sync.Mutex
	n  map[string]int
}

func (o *outcomes) add(s string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.n[s]++
}

func (o *outcomes) get(s string) int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.n[s]
}

var paris = func() *time.Location {
	l, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		panic(err)
	}
	return l
}()

func setupMail(t *testing.T, start time.Time) *mailEnv {
	t.Helper()
	e := &mailEnv{env: setup(t), smtp: mailcatch.Start(t), clock: testkit.NewClock(start), outcomes: &outcomes{n: map[string]int{}}}
	if _, err := e.uc.Import(e.ctx, seed.Advisors); err != nil {
		t.Fatal(err)
	}
	e.store = postgres.New(e.pool, e.waker)
	e.store.EnableMail(mail.ModeEach)
	sender, err := mailer.NewSender(mailer.Config{SMTPURL: e.smtp.URL(), SMTPTLS: "none", SMTPTimeout: 5 * time.Second},
		"Bureau des conseillers <ne-pas-repondre@desk.example>")
	if err != nil {
		t.Fatal(err)
	}
	e.queue = mailer.NewPostgresQueue(e.pool)
	e.notify = app.Notify{Rules: notification.Rules(nil), Notifications: e.store, Live: &liveRecorder{}, Now: e.clock.Now}
	e.send = mailer.Mailer{Queue: e.queue, Transport: sender, Domain: sender.Domain(), Now: e.clock.Now,
		Composer: app.ComposeMail{Contents: e.store, Composer: mail.Composer{BaseURL: "https://desk.example", Zone: paris}},
		Retry:    mailer.RetryPolicy{Base: time.Minute, Max: time.Hour, MaxAttempts: 3}, Owner: "desk-1", Lease: 5 * time.Minute,
		Observe: e.outcomes.add, Log: slog.New(slog.DiscardHandler), Timeout: 5 * time.Second}
	e.prefs = app.MailPreference{Modes: e.store, Default: mail.ModeEach, Now: e.clock.Now}
	return e
}

func (e *mailEnv) opened(t *testing.T, chamber, advisor string) events.Event {
	t.Helper()
	ev := newCaseOpened(t, events.CreationCaseOpened{Chamber: chamber, AdvisorID: advisor, NAFCode: "10.71C",
		CommuneCode: "91228", Departement: "91", OpenedAt: e.clock.Now()})
	if err := e.notify.Handle(e.ctx, ev); err != nil {
		t.Fatal(err)
	}
	return ev
}

func (e *mailEnv) sendAll(t *testing.T) {
	t.Helper()
	if err := e.send.Run(e.ctx); err != nil {
		t.Fatal(err)
	}
}

type mailRow struct {
	kind, status, lastError string
	attempts                int
	next                    time.Time
}

func (e *mailEnv) mails(t *testing.T, advisor string) []mailRow {
	t.Helper()
	rows, err := e.pool.Query(e.ctx, `SELECT m.kind, q.status, coalesce(q.last_error, ''), q.attempts, q.next_attempt_at
		FROM mails m JOIN mail_queue q ON q.key = m.dedup_key WHERE m.advisor_id = $1 ORDER BY m.id`, advisor)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []mailRow
	for rows.Next() {
		var m mailRow
		if err := rows.Scan(&m.kind, &m.status, &m.lastError, &m.attempts, &m.next); err != nil {
			t.Fatal(err)
		}
		out = append(out, m)
	}
	return out
}

func to(ms []mailcatch.Message, addr string) []mailcatch.Message {
	var out []mailcatch.Message
	for _, m := range ms {
		if slices.Contains(m.To, addr) {
			out = append(out, m)
		}
	}
	return out
}

const (
	lea     = "lea.dubois@cma-idf.example"         // cma-91-001, manager
	thomas  = "thomas.petit@cma-idf.example"       // cma-91-002
	camille = "camille.martin@cci-essonne.example" // cci-91-001, manager
	karim   = "karim.benali@cci-essonne.example"   // cci-91-002
)

// TestMailOncePerNotification: a notification's e-mail is queued with it,
// once even when the event is handled twice, and sent once even by two
// mailers running together.
func TestMailOncePerNotification(t *testing.T) {
	t.Parallel()
	e := setupMail(t, clock)

	ev := e.opened(t, events.ChamberCMA, "cma-91-001")
	if err := e.notify.Handle(e.ctx, ev); err != nil { // redelivery
		t.Fatal(err)
	}
	e.opened(t, events.ChamberCCI, "") // both CCI creation advisors
	e.sendAll(t)
	e.sendAll(t) // nothing left

	ms := e.smtp.Messages()
	if len(ms) != 3 || len(to(ms, lea)) != 1 || len(to(ms, camille)) != 1 || len(to(ms, karim)) != 1 {
		t.Fatalf("sent %d e-mails (%d to Léa, %d to Camille, %d to Karim), want one each", len(ms),
			len(to(ms, lea)), len(to(ms, camille)), len(to(ms, karim)))
	}
	m := to(ms, lea)[0]
	if s := m.Header("Subject"); s != "[CCI-CMA] Nouveau dossier de création" {
		t.Errorf("subject %q", s)
	}
	if text := m.Text(); !strings.Contains(text, "Bonjour Léa Dubois") || !strings.Contains(text, "https://desk.example/dossiers/creation/"+ev.Subject) {
		t.Errorf("text lacks the greeting or the link:\n%s", text)
	}
	if !strings.Contains(m.HTML(), `href="https://desk.example/dossiers/creation/`+ev.Subject+`"`) {
		t.Errorf("HTML part lacks the link:\n%s", m.HTML())
	}
	if got := e.mails(t, "cma-91-001"); len(got) != 1 || got[0].status != mailer.StatusSent || got[0].attempts != 1 {
		t.Errorf("Léa's queued e-mails: %+v, want one sent at the first attempt", got)
	}

	// Two mailers (replicas) share the queue: each e-mail goes out once.
	for range 8 {
		e.opened(t, events.ChamberCMA, "cma-91-002")
	}
	var wg sync.WaitGroup
	for range 2 {
		wg.Go(func() {
			if err := e.send.Run(e.ctx); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	ids := map[string]int{}
	for _, m := range to(e.smtp.Messages(), thomas) {
		ids[m.Header("Message-Id")]++
	}
	if len(ids) != 8 || e.smtp.Attempts() != 11 {
		t.Errorf("Thomas got %d distinct e-mails (%v), server saw %d attempts; want 8 and 11", len(ids), ids, e.smtp.Attempts())
	}
	if n := e.outcomes.get("sent"); n != 11 {
		t.Errorf("%d e-mails counted sent, want 11", n)
	}
}

// TestMailRetries: a temporary refusal is retried after a backoff and the
// e-mail delivered once; a final refusal and running out of attempts give
// it up. Errors recorded name no address.
func TestMailRetries(t *testing.T) {
	t.Parallel()
	e := setupMail(t, clock)

	e.smtp.Refuse(451)
	e.opened(t, events.ChamberCMA, "cma-91-001")
	e.sendAll(t)
	got := e.mails(t, "cma-91-001")
	if len(e.smtp.Messages()) != 0 || len(got) != 1 || got[0].status != mailer.StatusPending || got[0].attempts != 1 ||
		!got[0].next.Equal(clock.Add(time.Minute)) || !strings.Contains(got[0].lastError, "451") {
		t.Fatalf("after a 451: %d sent, queue %+v; want pending, retried in one minute", len(e.smtp.Messages()), got)
	}
	if strings.Contains(got[0].lastError, "@") {
		t.Errorf("recorded error names an address: %q", got[0].lastError)
	}
	e.sendAll(t) // not due yet
	if n := e.smtp.Attempts(); n != 1 {
		t.Fatalf("retried before the backoff: %d attempts", n)
	}
	e.clock.Advance(time.Minute)
	e.sendAll(t)
	e.sendAll(t)
	if ms := e.smtp.Messages(); len(ms) != 1 || len(to(ms, lea)) != 1 {
		t.Fatalf("after the backoff: %d e-mails, want one to Léa", len(ms))
	}
	if got := e.mails(t, "cma-91-001"); got[0].status != mailer.StatusSent || got[0].attempts != 2 {
		t.Errorf("after delivery: %+v", got[0])
	}

	// A final refusal (5xx) is not retried.
	e.smtp.Refuse(554)
	e.opened(t, events.ChamberCMA, "cma-91-002")
	e.sendAll(t)
	e.clock.Advance(time.Hour)
	e.sendAll(t)
	if got := e.mails(t, "cma-91-002"); len(got) != 1 || got[0].status != mailer.StatusFailed || got[0].attempts != 1 {
		t.Errorf("after a 554: %+v, want failed after one attempt", got)
	}

	// Temporary refusals until the attempts run out: given up.
	e.smtp.Refuse(451, 421, 451)
	e.opened(t, events.ChamberCCI, "cci-91-002")
	for _, wait := range []time.Duration{0, time.Minute, 2 * time.Minute} {
		e.clock.Advance(wait)
		e.sendAll(t)
	}
	if got := e.mails(t, "cci-91-002"); len(got) != 1 || got[0].status != mailer.StatusFailed || got[0].attempts != 3 {
		t.Errorf("after three temporary refusals: %+v, want failed after 3 attempts", got)
	}
	if n := len(to(e.smtp.Messages(), karim)) + len(to(e.smtp.Messages(), thomas)); n != 0 {
		t.Errorf("%d refused e-mails delivered", n)
	}
	if e.outcomes.get("retry") != 3 || e.outcomes.get("failed") != 2 || e.outcomes.get("sent") != 1 {
		t.Errorf("outcomes %v, want 3 retries, 2 failed, 1 sent", e.outcomes.n)
	}

	// Housekeeping forgets finished e-mails past the retention, not the
	// pending ones nor the notifications.
	e.smtp.Refuse(451)
	e.opened(t, events.ChamberCMA, "cma-91-002")
	e.sendAll(t)
	e.clock.Advance(48 * time.Hour)
	prune := app.PruneMails{Mails: e.queue, Retention: 24 * time.Hour, Now: e.clock.Now, Log: slog.New(slog.DiscardHandler)}
	if err := prune.Run(e.ctx); err != nil {
		t.Fatal(err)
	}
	if m, i, n := e.count(t, "mails"), e.count(t, "mail_items"), e.count(t, "notifications"); m != 1 || i != 1 || n != 4 {
		t.Errorf("after pruning: %d e-mails, %d items, %d notifications; want the pending one and all 4 notifications", m, i, n)
	}
}

// TestMailDigest: advisors choosing the digest get no e-mail per
// notification but one a day, after the digest hour, with the
// notifications of the day; the key makes it once per day even with two
// jobs running together; "none" gets nothing.
func TestMailDigest(t *testing.T) {
	t.Parallel()
	// 07:00 in Paris (summer time).
	e := setupMail(t, time.Date(2026, 5, 4, 5, 0, 0, 0, time.UTC))
	digests := app.QueueDigests{Queue: e.store, Digest: mail.Digest{Hour: 8, Zone: paris}, Default: mail.ModeEach,
		Now: e.clock.Now, Log: slog.New(slog.DiscardHandler)}
	for advisor, mode := range map[string]string{"cma-91-001": "digest", "cma-91-002": "none"} {
		if _, err := e.prefs.Set(e.ctx, advisor, mode); err != nil {
			t.Fatal(err)
		}
	}
	if m, chosen, err := e.prefs.Get(e.ctx, "cci-91-001"); m != mail.ModeEach || chosen || err != nil {
		t.Errorf("default preference: %s %v %v", m, chosen, err)
	}
	a := e.opened(t, events.ChamberCMA, "cma-91-001")
	e.clock.Advance(30 * time.Minute)
	b := e.opened(t, events.ChamberCMA, "cma-91-001")
	e.opened(t, events.ChamberCMA, "cma-91-002")
	if n := e.count(t, "mails"); n != 0 {
		t.Fatalf("%d e-mails queued for advisors choosing a digest or none", n)
	}

	run := func() {
		t.Helper()
		var wg sync.WaitGroup
		for range 2 {
			wg.Go(func() {
				if err := digests.Run(e.ctx); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		e.sendAll(t)
	}
	run() // 07:30: yesterday's digest, empty
	if n := len(e.smtp.Messages()); n != 0 {
		t.Fatalf("%d e-mails before the digest hour", n)
	}
	e.clock.Set(time.Date(2026, 5, 4, 6, 10, 0, 0, time.UTC)) // 08:10
	run()
	e.clock.Advance(10 * time.Minute)
	c := e.opened(t, events.ChamberCMA, "cma-91-001") // tomorrow's
	run()
	ms := e.smtp.Messages()
	if len(ms) != 1 || len(to(ms, lea)) != 1 {
		t.Fatalf("%d e-mails after the digest hour, want Léa's digest only", len(ms))
	}
	d := ms[0]
	if s := d.Header("Subject"); s != "[CCI-CMA] Récapitulatif du 04/05/2026 : 2 notifications" {
		t.Errorf("digest subject %q", s)
	}
	text := d.Text()
	if !strings.Contains(text, a.Subject) || !strings.Contains(text, b.Subject) || strings.Contains(text, c.Subject) {
		t.Errorf("digest reports the wrong notifications:\n%s", text)
	}

	e.clock.Set(time.Date(2026, 5, 5, 6, 0, 0, 0, time.UTC)) // next day, 08:00
	run()
	ms = to(e.smtp.Messages(), lea)
	if len(ms) != 2 || !strings.Contains(ms[1].Text(), c.Subject) || !strings.Contains(ms[1].Header("Subject"), "05/05/2026 : 1 notification") {
		t.Errorf("next day's digest: %d e-mails, last %q", len(ms), ms[len(ms)-1].Header("Subject"))
	}
	if got := e.mails(t, "cma-91-001"); len(got) != 3 || got[0].status != mailer.StatusSkipped {
		t.Errorf("Léa's digests: %+v, want the empty one skipped and two sent", got)
	}
	if n := len(e.mails(t, "cma-91-002")); n != 0 {
		t.Errorf("%d e-mails queued for an advisor choosing none", n)
	}
}
