package mailer_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ccicma/platform/pkg/mailcatch"
	"github.com/ccicma/platform/pkg/mailer"
	"github.com/ccicma/platform/pkg/testkit"
)

// TestMailer runs the delivery tests in parallel in one database, each in
// a schema of its own owned by intake's role (the next service to send
// e-mails): creating a database costs more than these tests.
func TestMailer(t *testing.T) {
	t.Parallel()
	db := testkit.NewSchemas(t, "intake")
	for _, tc := range []struct {
		name string
		run  func(*testing.T, *env)
	}{
		{"StoppedBetweenSendAndRecord", testStoppedBetweenSendAndRecord},
		{"ExpiredLeaseResendsOnce", testExpiredLeaseResendsOnce},
		{"RecordRetriedThroughAnOutage", testRecordRetriedThroughAnOutage},
		{"ReplicasNeverSendTwice", testReplicasNeverSendTwice},
		{"OneRunDrainsTheQueue", testOneRunDrainsTheQueue},
		{"TemporaryRefusalRetriedFinalGivenUp", testTemporaryRefusalRetriedFinalGivenUp},
		{"NoAddressOrContentInLogs", testNoAddressOrContentInLogs},
		{"NothingToSendIsSkipped", testNothingToSendIsSkipped},
		{"EnqueueOnceAndPrune", testEnqueueOnceAndPrune},
		{"ThreadSentInOrder", testThreadSentInOrder},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.run(t, setup(t, db))
		})
	}
}

var start = time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC)

const (
	lease   = 5 * time.Minute
	timeout = 5 * time.Second // generous: a slow machine must not make a send fail
)

// env is a schema with the mail queue and a table of letters, the
// service's own records the e-mails are composed from, a real SMTP
// server, a clock the test moves and the logs written.
type env struct {
	ctx   context.Context
	pool  *pgxpool.Pool
	queue *mailer.PostgresQueue
	smtp  *mailcatch.Server
	clock *testkit.Clock
	logs  *syncBuffer
}

func setup(t testing.TB, db *testkit.Schemas) *env {
	t.Helper()
	e := &env{ctx: testkit.Context(t), pool: db.Pool(t, mailer.Migrations()), smtp: mailcatch.Start(t),
		clock: testkit.NewClock(start), logs: &syncBuffer{}}
	e.queue = mailer.NewPostgresQueue(e.pool)
	if _, err := e.pool.Exec(e.ctx, `CREATE TABLE letters (key text PRIMARY KEY, address text, name text,
		subject text, body text)`); err != nil {
		t.Fatal(err)
	}
	return e
}

// letters composes e-mails from the letters table, as a service's
// composer reads its own records.
type letters struct{ pool *pgxpool.Pool }

func (l letters) Compose(ctx context.Context, c mailer.Claim) (mailer.Message, error) {
	var m mailer.Message
	err := l.pool.QueryRow(ctx, `SELECT address, name, subject, body FROM letters WHERE key = $1`, c.Key).
		Scan(&m.To, &m.ToName, &m.Subject, &m.Text)
	if err != nil {
		return m, fmt.Errorf("read letter: %w", err)
	}
	if m.Text == "" {
		return m, mailer.ErrNothingToSend
	}
	m.HTML = "<p>" + m.Text + "</p>"
	return m, nil
}

// queue stores a letter and queues its e-mail in one transaction, as a
// service does with the state change that calls for it.
func (e *env) queueLetter(t testing.TB, key, address, body string) {
	t.Helper()
	tx, err := e.pool.Begin(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = tx.Rollback(e.ctx) }()
	if _, err := tx.Exec(e.ctx, `INSERT INTO letters VALUES ($1, $2, 'Inès Moreau', 'Votre demande', $3)`,
		key, address, body); err != nil {
		t.Fatal(err)
	}
	if queued, err := mailer.Enqueue(e.ctx, tx, key, e.clock.Now()); err != nil || !queued {
		t.Fatalf("enqueue %s: %v %v", key, queued, err)
	}
	if err := tx.Commit(e.ctx); err != nil {
		t.Fatal(err)
	}
}

// mailer is one replica's mailer over the real SMTP server.
func (e *env) mailer(t testing.TB, owner string) mailer.Mailer {
	t.Helper()
	sender, err := mailer.NewSender(mailer.Config{SMTPURL: e.smtp.URL(), SMTPTLS: "none", SMTPTimeout: timeout},
		"Les chambres <ne-pas-repondre@chambres.example>")
	if err != nil {
		t.Fatal(err)
	}
	return mailer.Mailer{Queue: e.queue, Composer: letters{e.pool}, Transport: sender, Domain: sender.Domain(),
		Retry: mailer.RetryPolicy{Base: time.Minute, Max: time.Hour, MaxAttempts: 3},
		Owner: owner, Lease: lease, Timeout: timeout, Now: e.clock.Now,
		Log: slog.New(slog.NewJSONHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))}
}

func (e *env) run(t *testing.T, m mailer.Mailer) {
	t.Helper()
	if err := m.Run(e.ctx); err != nil {
		t.Fatal(err)
	}
}

type row struct {
	status, lastError, owner string
	attempts                 int
	next                     time.Time
}

func (e *env) row(t *testing.T, key string) row {
	t.Helper()
	var r row
	err := e.pool.QueryRow(e.ctx, `SELECT status, coalesce(last_error, ''), coalesce(lease_owner, ''), attempts,
		next_attempt_at FROM mail_queue WHERE key = $1`, key).Scan(&r.status, &r.lastError, &r.owner, &r.attempts, &r.next)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// cancelAfterSend stops the job right after the SMTP server accepted an
// e-mail, as a SIGTERM landing between the send and the record would.
type cancelAfterSend struct {
	mailer.Transport
	cancel context.CancelFunc
}

func (c cancelAfterSend) Send(ctx context.Context, m mailer.Message) error {
	err := c.Transport.Send(ctx, m)
	c.cancel()
	return err
}

// testStoppedBetweenSendAndRecord: a mailer whose job is stopped right
// after the server accepted the DATA still records "sent"; a second
// replica (or the restarted service) sends nothing more.
func testStoppedBetweenSendAndRecord(t *testing.T, e *env) {
	e.queueLetter(t, "receipt:r1", "ines.moreau@example.fr", "Nous avons bien reçu votre demande.")
	e.queueLetter(t, "receipt:r2", "paul.roux@example.fr", "Nous avons bien reçu votre demande.")
	ctx, stop := context.WithCancel(e.ctx)
	defer stop()
	first := e.mailer(t, "replica-1")
	first.Transport = cancelAfterSend{Transport: first.Transport, cancel: stop}
	if err := first.Run(ctx); err != nil {
		t.Fatalf("stopped mailer: %v", err)
	}
	if r := e.row(t, "receipt:r1"); r.status != mailer.StatusSent || r.attempts != 1 {
		t.Fatalf("after the stop: %+v, want sent at the first attempt", r)
	}
	if r := e.row(t, "receipt:r2"); r.status != mailer.StatusPending || r.attempts != 0 {
		t.Fatalf("a stopped mailer claimed another e-mail: %+v", r)
	}
	e.run(t, e.mailer(t, "replica-2"))
	e.run(t, e.mailer(t, "replica-2"))
	if n, a := len(e.smtp.Messages()), e.smtp.Attempts(); n != 2 || a != 2 {
		t.Fatalf("%d e-mails delivered in %d attempts, want each of the two once", n, a)
	}
	if r := e.row(t, "receipt:r2"); r.status != mailer.StatusSent {
		t.Errorf("the second e-mail: %+v, want sent by the second replica", r)
	}
}

// crashBeforeRecord is a queue whose mailer dies after the send: the
// outcome never reaches the database.
type crashBeforeRecord struct{ mailer.Queue }

func (crashBeforeRecord) Record(context.Context, mailer.Claim, mailer.Outcome, time.Time) error {
	return errors.New("process killed")
}

// testExpiredLeaseResendsOnce: an e-mail whose mailer was killed between
// the send and the record is left alone while its lease runs, then sent
// again once, with the same Message-ID; the dead mailer's late outcome is
// dropped.
func testExpiredLeaseResendsOnce(t *testing.T, e *env) {
	e.queueLetter(t, "receipt:r1", "ines.moreau@example.fr", "Nous avons bien reçu votre demande.")
	dead := e.mailer(t, "replica-1")
	dead.Queue = crashBeforeRecord{e.queue}
	if err := dead.Run(e.ctx); err == nil {
		t.Fatal("the killed mailer reported no error")
	}
	if r := e.row(t, "receipt:r1"); r.status != mailer.StatusSending || r.owner != "replica-1" ||
		!r.next.Equal(start.Add(lease)) {
		t.Fatalf("after the kill: %+v, want leased to replica-1 until %v", r, start.Add(lease))
	}
	other := e.mailer(t, "replica-2")
	e.run(t, other)
	e.clock.Advance(lease - time.Second)
	e.run(t, other)
	if a := e.smtp.Attempts(); a != 1 {
		t.Fatalf("%d attempts while the lease runs, want the first only", a)
	}
	e.clock.Advance(time.Second)
	e.run(t, other)
	e.run(t, other)
	ms := e.smtp.Messages()
	if len(ms) != 2 || ms[0].Header("Message-Id") != ms[1].Header("Message-Id") ||
		ms[0].Header("Message-Id") != "<"+mailer.MessageID("receipt:r1", "chambres.example")+">" {
		t.Fatalf("%d e-mails, Message-IDs %q: want the e-mail once more, with the same id", len(ms), messageIDs(ms))
	}
	if r := e.row(t, "receipt:r1"); r.status != mailer.StatusSent || r.attempts != 2 || r.owner != "" {
		t.Errorf("after the resend: %+v, want sent at the second attempt", r)
	}
	if !strings.Contains(e.logs.String(), "lease expired without an outcome") {
		t.Errorf("the resend was not logged:\n%s", e.logs)
	}

	// A mailer that outlived its lease cannot overwrite the next claim.
	e.queueLetter(t, "receipt:r2", "paul.roux@example.fr", "b")
	late, _, err := e.queue.Claim(e.ctx, "replica-1", e.clock.Now(), e.clock.Now().Add(lease))
	if err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(lease)
	e.run(t, other)
	err = e.queue.Record(e.ctx, late, mailer.Outcome{Status: mailer.StatusPending, NextAttempt: e.clock.Now()}, e.clock.Now())
	if !errors.Is(err, mailer.ErrLeaseLost) {
		t.Errorf("late record: %v, want ErrLeaseLost", err)
	}
	if r := e.row(t, "receipt:r2"); r.status != mailer.StatusSent {
		t.Errorf("after a late record: %+v, want still sent", r)
	}
}

// outageAtRecord is a queue whose database does not answer the first
// records.
type outageAtRecord struct {
	mailer.Queue
	mu    sync.Mutex
	fails int
}

func (q *outageAtRecord) Record(ctx context.Context, c mailer.Claim, o mailer.Outcome, at time.Time) error {
	q.mu.Lock()
	fail := q.fails > 0
	q.fails--
	q.mu.Unlock()
	if fail {
		return &pgconn.PgError{Code: "57P03", Message: "the database system is starting up"}
	}
	return q.Queue.Record(ctx, c, o, at)
}

// testRecordRetriedThroughAnOutage: a database that does not answer for a
// moment after the send does not lose the outcome (which would resend the
// e-mail after its lease).
func testRecordRetriedThroughAnOutage(t *testing.T, e *env) {
	e.queueLetter(t, "receipt:r1", "ines.moreau@example.fr", "Nous avons bien reçu votre demande.")
	m := e.mailer(t, "replica-1")
	m.Queue = &outageAtRecord{Queue: e.queue, fails: 2}
	e.run(t, m)
	if r := e.row(t, "receipt:r1"); r.status != mailer.StatusSent || len(e.smtp.Messages()) != 1 {
		t.Errorf("after an outage at the record: %+v, %d delivered; want sent once", r, len(e.smtp.Messages()))
	}
}

func messageIDs(ms []mailcatch.Message) []string {
	var ids []string
	for _, m := range ms {
		ids = append(ids, m.Header("Message-Id"))
	}
	return ids
}

// testReplicasNeverSendTwice: three mailers of four workers each draining
// one queue together deliver each e-mail exactly once.
func testReplicasNeverSendTwice(t *testing.T, e *env) {
	const n = 60
	for i := range n {
		e.queueLetter(t, fmt.Sprintf("receipt:r%d", i), fmt.Sprintf("a%d@example.fr", i), "Bien reçu.")
	}
	var wg sync.WaitGroup
	for i := range 3 {
		m := e.mailer(t, fmt.Sprintf("replica-%d", i))
		m.Workers = 4
		wg.Go(func() {
			if err := m.Run(e.ctx); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	ids := map[string]int{}
	for _, m := range e.smtp.Messages() {
		ids[m.Header("Message-Id")]++
	}
	if len(ids) != n || e.smtp.Attempts() != n {
		t.Errorf("%d distinct e-mails in %d attempts, want %d once each", len(ids), e.smtp.Attempts(), n)
	}
	var sent int
	if err := e.pool.QueryRow(e.ctx, `SELECT count(*) FROM mail_queue WHERE status = 'sent' AND attempts = 1`).Scan(&sent); err != nil || sent != n {
		t.Errorf("%d e-mails recorded sent at the first attempt (%v), want %d", sent, err, n)
	}
}

// testOneRunDrainsTheQueue: one run sends every due e-mail, however many
// (a run once stopped at 100, which capped a replica at 100 e-mails a
// poll), and Max still bounds a run when set.
func testOneRunDrainsTheQueue(t *testing.T, e *env) {
	const n = 150
	for i := range n {
		e.queueLetter(t, fmt.Sprintf("receipt:d%d", i), fmt.Sprintf("d%d@example.fr", i), "Bien reçu.")
	}
	bounded := e.mailer(t, "replica-1")
	bounded.Workers, bounded.Max = 3, 10
	e.run(t, bounded)
	if got := len(e.smtp.Messages()); got != 10 {
		t.Fatalf("a run bounded to 10 sent %d", got)
	}
	m := e.mailer(t, "replica-1")
	m.Workers = 4
	e.run(t, m)
	var sent int
	if err := e.pool.QueryRow(e.ctx, `SELECT count(*) FROM mail_queue WHERE status = 'sent' AND attempts = 1`).Scan(&sent); err != nil || sent != n {
		t.Errorf("%d e-mails sent after one run (%v), want %d", sent, err, n)
	}
	if got := len(e.smtp.Messages()); got != n || e.smtp.Attempts() != n {
		t.Errorf("%d delivered in %d attempts, want %d once each", got, e.smtp.Attempts(), n)
	}
}

// BenchmarkMailer sends queued e-mails to a local SMTP server (pkg/mailcatch)
// through the Postgres queue, by one worker and by four: e-mails/s is the
// throughput of one replica.
func BenchmarkMailer(b *testing.B) {
	db := testkit.NewSchemas(b, "intake")
	for _, workers := range []int{1, 4} {
		b.Run(fmt.Sprintf("workers=%d", workers), func(b *testing.B) {
			e := setup(b, db)
			const n = 200
			m := e.mailer(b, "bench")
			m.Workers = workers
			sent := 0
			for b.Loop() {
				b.StopTimer()
				for i := range n {
					e.queueLetter(b, fmt.Sprintf("k:%d", sent+i), fmt.Sprintf("b%d@example.fr", i), "Bien reçu.")
				}
				b.StartTimer()
				if err := m.Run(e.ctx); err != nil {
					b.Fatal(err)
				}
				sent += n
			}
			b.ReportMetric(float64(sent)/b.Elapsed().Seconds(), "e-mails/s")
		})
	}
}

// testTemporaryRefusalRetriedFinalGivenUp: a 4xx answer is retried after
// the backoff and the e-mail delivered once; a 5xx answer, and running
// out of attempts, give it up.
func testTemporaryRefusalRetriedFinalGivenUp(t *testing.T, e *env) {
	m := e.mailer(t, "replica-1")
	e.smtp.Refuse(451)
	e.queueLetter(t, "k:temp", "ines.moreau@example.fr", "a")
	e.run(t, m)
	r := e.row(t, "k:temp")
	if r.status != mailer.StatusPending || r.attempts != 1 || !r.next.Equal(start.Add(time.Minute)) ||
		!strings.Contains(r.lastError, "451") || r.owner != "" {
		t.Fatalf("after a 451: %+v, want pending, retried in one minute", r)
	}
	e.run(t, m) // not due yet
	if a := e.smtp.Attempts(); a != 1 {
		t.Fatalf("retried before the backoff: %d attempts", a)
	}
	e.clock.Advance(time.Minute)
	e.run(t, m)
	if r := e.row(t, "k:temp"); r.status != mailer.StatusSent || r.attempts != 2 || len(e.smtp.Messages()) != 1 {
		t.Fatalf("after the backoff: %+v, %d delivered", r, len(e.smtp.Messages()))
	}

	e.smtp.Refuse(554)
	e.queueLetter(t, "k:final", "paul.roux@example.fr", "b")
	e.run(t, m)
	e.clock.Advance(time.Hour)
	e.run(t, m)
	if r := e.row(t, "k:final"); r.status != mailer.StatusFailed || r.attempts != 1 || !strings.Contains(r.lastError, "554") {
		t.Errorf("after a 554: %+v, want failed after one attempt", r)
	}

	e.smtp.Refuse(451, 421, 451)
	e.queueLetter(t, "k:tired", "lou.blanc@example.fr", "c")
	for _, wait := range []time.Duration{0, time.Minute, 2 * time.Minute} {
		e.clock.Advance(wait)
		e.run(t, m)
	}
	if r := e.row(t, "k:tired"); r.status != mailer.StatusFailed || r.attempts != 3 {
		t.Errorf("after three temporary refusals: %+v, want failed after 3 attempts", r)
	}
	if n := len(e.smtp.Messages()); n != 1 {
		t.Errorf("%d e-mails delivered, want the retried one only", n)
	}
}

// testNoAddressOrContentInLogs: whatever the outcome (sent, retried,
// refused, an address the relay cannot take, a relay that does not
// answer), neither the logs nor the recorded errors carry an address, a
// name, a subject or a body.
func testNoAddressOrContentInLogs(t *testing.T, e *env) {
	secrets := []string{"ines.moreau", "example.fr", "Inès", "Moreau", "Votre demande", "reçu votre demande", "@@"}
	m := e.mailer(t, "replica-1")
	e.queueLetter(t, "k:sent", "ines.moreau@example.fr", "Nous avons bien reçu votre demande.")
	e.run(t, m)
	e.smtp.Refuse(451, 554)
	e.queueLetter(t, "k:451", "ines.moreau@example.fr", "Nous avons bien reçu votre demande.")
	e.run(t, m)
	e.queueLetter(t, "k:554", "ines.moreau@example.fr", "Nous avons bien reçu votre demande.")
	e.run(t, m)
	e.queueLetter(t, "k:bad", "ines.moreau@@example.fr", "Nous avons bien reçu votre demande.")
	e.run(t, m)
	sender, err := mailer.NewSender(mailer.Config{SMTPURL: "smtp://" + hangUp(t), SMTPTLS: "none", SMTPTimeout: timeout},
		"x@chambres.example")
	if err != nil {
		t.Fatal(err)
	}
	m.Transport = sender
	e.queueLetter(t, "k:down", "ines.moreau@example.fr", "Nous avons bien reçu votre demande.")
	e.run(t, m)

	logs := e.logs.String()
	for _, want := range []string{"e-mail sent", "will retry", "given up", "k:down"} {
		if !strings.Contains(logs, want) {
			t.Errorf("logs lack %q:\n%s", want, logs)
		}
	}
	errs := strings.Join(testkit.Column[string](t, e.pool, `SELECT coalesce(last_error, '') FROM mail_queue`), "\n")
	for _, s := range secrets {
		if strings.Contains(logs, s) || strings.Contains(errs, s) {
			t.Errorf("%q in the logs or recorded errors:\n%s\n%s", s, logs, errs)
		}
	}
	if r := e.row(t, "k:bad"); r.status != mailer.StatusFailed {
		t.Errorf("an address the relay cannot take: %+v, want failed", r)
	}
	if r := e.row(t, "k:down"); r.status != mailer.StatusPending || r.lastError == "" {
		t.Errorf("a relay that does not answer: %+v, want pending with the reason", r)
	}
}

// hangUp is the address of a server that hangs up on every connection:
// a relay that does not answer (a closed port could be taken by another
// test's server meanwhile).
func hangUp(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			_ = c.Close()
		}
	}()
	return l.Addr().String()
}

// testNothingToSendIsSkipped: an e-mail the composer has nothing for is
// skipped without a word to the SMTP server.
func testNothingToSendIsSkipped(t *testing.T, e *env) {
	e.queueLetter(t, "k:empty", "ines.moreau@example.fr", "")
	e.run(t, e.mailer(t, "replica-1"))
	if r := e.row(t, "k:empty"); r.status != mailer.StatusSkipped || e.smtp.Attempts() != 0 {
		t.Errorf("%+v after %d attempts, want skipped without any", r, e.smtp.Attempts())
	}
}

// testEnqueueOnceAndPrune: a key is queued once however often it is
// queued; pruning forgets finished e-mails past the horizon only.
func testEnqueueOnceAndPrune(t *testing.T, e *env) {
	e.queueLetter(t, "k:1", "ines.moreau@example.fr", "a")
	if queued, err := mailer.Enqueue(e.ctx, e.pool, "k:1", start); err != nil || queued {
		t.Errorf("second enqueue: %v %v, want not queued", queued, err)
	}
	if err := mailer.EnqueueMany(e.ctx, e.pool, []string{"k:1", "k:2", "k:3"}, []time.Time{start, start, start.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if n, err := e.queue.Backlog(e.ctx); n != 3 || err != nil {
		t.Fatalf("backlog %d, %v; want 3", n, err)
	}
	e.run(t, e.mailer(t, "replica-1")) // k:1 sent, k:2 failed (no letter: retried), k:3 not due
	e.clock.Advance(48 * time.Hour)
	if n, err := e.queue.Prune(e.ctx, e.clock.Now().Add(-24*time.Hour)); n != 1 || err != nil {
		t.Errorf("pruned %d, %v; want the sent one", n, err)
	}
	if n, err := e.queue.Backlog(e.ctx); n != 2 || err != nil {
		t.Errorf("backlog after pruning %d, %v; want 2", n, err)
	}
}

// syncBuffer is a log sink the mailers of a test share.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// testThreadSentInOrder: the e-mails of one thread (one request's
// receipt, assignment and taking in charge) arrive in the order they were
// queued, even with three mailers of four workers each sending the
// threads side by side.
func testThreadSentInOrder(t *testing.T, e *env) {
	const threads = 8
	steps := []string{"received", "assigned", "in_charge"}
	for _, step := range steps {
		for i := range threads {
			e.queueLetter(t, fmt.Sprintf("step:req%d:%s", i, step), fmt.Sprintf("t%d@example.fr", i), "Étape "+step+".")
		}
	}
	// An older e-mail of a thread planned for later (a session's reminder)
	// holds nothing back.
	if _, err := e.pool.Exec(e.ctx, `INSERT INTO letters VALUES ('step:req0:a-reminder', 't0@example.fr', 'Inès', 'Rappel', 'Rappel.')`); err != nil {
		t.Fatal(err)
	}
	if _, err := mailer.Enqueue(e.ctx, e.pool, "step:req0:a-reminder", e.clock.Now().Add(24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, err := e.pool.Exec(e.ctx, `UPDATE mail_queue SET id = -1 WHERE key = 'step:req0:a-reminder'`); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i := range 3 {
		m := e.mailer(t, fmt.Sprintf("replica-%d", i))
		m.Workers = 4
		wg.Go(func() {
			if err := m.Run(e.ctx); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	order := map[string][]string{}
	for _, m := range e.smtp.Messages() {
		order[m.To[0]] = append(order[m.To[0]], strings.TrimPrefix(strings.TrimSpace(m.Text()), "Étape "))
	}
	for i := range threads {
		got := order[fmt.Sprintf("t%d@example.fr", i)]
		if want := []string{"received.", "assigned.", "in_charge."}; !slices.Equal(got, want) {
			t.Errorf("thread %d arrived as %v, want %v", i, got, want)
		}
	}
}
