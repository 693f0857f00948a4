package mailer

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ccicma/platform/pkg/pgdb"
)

// Queue leases due e-mails and records their outcomes (PostgresQueue).
type Queue interface {
	// Claim leases the next e-mail due at now (pending and due, or
	// leased with an expired lease) to owner until leasedUntil, and
	// commits; found=false when none is due.
	Claim(ctx context.Context, owner string, now, leasedUntil time.Time) (c Claim, found bool, err error)
	// Record stores the outcome of a claim; ErrLeaseLost when the e-mail
	// was claimed again since (or recorded) and the outcome was dropped.
	Record(ctx context.Context, c Claim, o Outcome, at time.Time) error
}

// ErrLeaseLost reports an outcome recorded too late: the lease had
// expired and another mailer had claimed the e-mail again.
var ErrLeaseLost = errors.New("mail lease lost")

// Composer writes the e-mail with a key from the service's own records,
// as they are when it is sent (the recipient's current address). It
// returns ErrNothingToSend when there is nothing left to say; any other
// error is retried like a passing SMTP failure.
type Composer interface {
	Compose(ctx context.Context, c Claim) (Message, error)
}

// Transport delivers a composed message (Sender); an error for which
// Final is true is a refusal for good.
type Transport interface {
	Send(ctx context.Context, m Message) error
}

// RecordTimeout bounds the recording of an outcome (retried while the
// database does not answer), which runs even when the job that sent the
// e-mail has been stopped.
const RecordTimeout = 10 * time.Second

// Mailer is the job that sends due e-mails: lease, send, record, one
// e-mail at a time on each of its workers; workers and replicas share the
// queue through the leases. Logs and errors name e-mails by id and key,
// never by address or content.
type Mailer struct {
	Queue     Queue
	Composer  Composer
	Transport Transport
	Retry     RetryPolicy
	// Domain names the sender in Message-IDs (Sender.Domain).
	Domain string
	// Owner names this mailer in the leases it holds (DefaultOwner).
	Owner string
	// Lease is how long a claim lasts (Config.MailLease); Timeout bounds
	// composing and sending (Config.SMTPTimeout).
	Lease   time.Duration
	Timeout time.Duration
	Now     func() time.Time
	// Jitter returns a number in [0, 1) that spreads retries (nil: none).
	Jitter func() float64
	// Observe counts outcomes: sent, retry, failed, skipped (nil: none).
	Observe func(outcome string)
	Log     *slog.Logger
	// Workers is how many e-mails are sent at once (Config.MailWorkers;
	// 0: one). Most of a send is waiting for the SMTP server and the
	// database, so a few workers multiply the throughput.
	Workers int
	// Max bounds the e-mails sent in one run (0: until none is due). A
	// run that stops at a bound waits for the next poll to go on.
	Max int
}

// DefaultOwner names a mailer by host and process, for the ops who look
// at a lease.
func DefaultOwner() string {
	host, err := os.Hostname()
	if err != nil {
		host = "unknown"
	}
	return host + ":" + strconv.Itoa(os.Getpid())
}

// Run sends the e-mails due now, on Workers workers, until none is due
// (or Max were sent). A cancelled ctx stops it from claiming more; the
// e-mails in flight are still sent and their outcomes recorded. The first
// error stops every worker.
func (m Mailer) Run(ctx context.Context) error {
	if err := m.check(); err != nil {
		return err
	}
	ctx, stop := context.WithCancel(ctx)
	defer stop()
	var claimed atomic.Int64
	errs := make([]error, max(m.Workers, 1))
	var wg sync.WaitGroup
	for i := range errs {
		wg.Go(func() {
			for ctx.Err() == nil && (m.Max <= 0 || claimed.Add(1) <= int64(m.Max)) {
				found, err := m.SendOne(ctx)
				if err != nil {
					errs[i] = fmt.Errorf("send e-mails: %w", err)
					stop()
				}
				if err != nil || !found {
					return
				}
			}
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}

// SendOne leases the next due e-mail, sends it and records the outcome;
// found=false when none is due.
func (m Mailer) SendOne(ctx context.Context) (found bool, err error) {
	if err := m.check(); err != nil {
		return false, err
	}
	c, found, err := m.Queue.Claim(ctx, m.Owner, m.Now(), m.Now().Add(m.Lease))
	if err != nil || !found {
		return found, err
	}
	if c.Reclaimed {
		m.Log.WarnContext(ctx, "e-mail lease expired without an outcome, sending it again",
			"mail_id", c.ID, "key", c.Key, "attempt", c.Attempt)
	}
	// The claim is ours until its lease ends: from here on, a stop of the
	// job must neither cut the send short nor lose what the server said.
	work := context.WithoutCancel(ctx)
	o := m.attempt(work, c)
	err = m.record(work, c, o)
	if errors.Is(err, ErrLeaseLost) {
		m.Log.WarnContext(ctx, "e-mail outcome recorded after its lease, dropped", "mail_id", c.ID, "key", c.Key,
			"attempt", c.Attempt, "status", o.Status)
		return true, nil
	}
	if err != nil {
		return true, err // names the e-mail already
	}
	m.report(ctx, c, o)
	return true, nil
}

// record stores the outcome within RecordTimeout, retrying while the
// database does not answer: an outcome lost after a send means the e-mail
// goes out again when its lease expires.
func (m Mailer) record(ctx context.Context, c Claim, o Outcome) error {
	ctx, cancel := context.WithTimeout(ctx, RecordTimeout)
	defer cancel()
	for wait := 100 * time.Millisecond; ; wait = min(2*wait, 2*time.Second) {
		err := m.Queue.Record(ctx, c, o, m.Now())
		if err == nil || !pgdb.IsOutage(err) {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(wait):
		}
	}
}

// check refuses a mailer that could send an e-mail twice: a lease that
// may end while its send is still running lets another replica take it.
func (m Mailer) check() error {
	switch {
	case m.Queue == nil || m.Composer == nil || m.Transport == nil || m.Now == nil || m.Log == nil:
		return errors.New("mailer: Queue, Composer, Transport, Now and Log are required")
	case m.Timeout <= 0 || m.Lease < MinLease(m.Timeout):
		return fmt.Errorf("mailer: lease %s shorter than %s for a timeout of %s", m.Lease, MinLease(m.Timeout), m.Timeout)
	}
	return nil
}

// attempt composes and sends the claimed e-mail, each bounded by the
// timeout, and says what becomes of it.
func (m Mailer) attempt(ctx context.Context, c Claim) Outcome {
	cctx, cancel := context.WithTimeout(ctx, m.Timeout)
	msg, err := m.Composer.Compose(cctx, c)
	cancel()
	if errors.Is(err, ErrNothingToSend) {
		return Outcome{Status: StatusSkipped}
	}
	if err != nil {
		return m.Retry.After(c.Attempt, m.Now(), fmt.Errorf("compose: %w", err), m.jitter())
	}
	msg.MessageID = MessageID(c.Key, m.Domain)
	sctx, cancel := context.WithTimeout(ctx, m.Timeout)
	err = m.Transport.Send(sctx, msg)
	cancel()
	if err != nil {
		return m.Retry.After(c.Attempt, m.Now(), err, m.jitter())
	}
	return Outcome{Status: StatusSent}
}

// report logs and counts a recorded outcome.
func (m Mailer) report(ctx context.Context, c Claim, o Outcome) {
	attrs := []any{"mail_id", c.ID, "key", c.Key, "attempt", c.Attempt}
	switch o.Status {
	case StatusSent:
		m.observe("sent")
		m.Log.InfoContext(ctx, "e-mail sent", attrs...)
	case StatusSkipped:
		m.observe("skipped")
		m.Log.InfoContext(ctx, "e-mail skipped: nothing to send", attrs...)
	case StatusFailed:
		m.observe("failed")
		m.Log.ErrorContext(ctx, "e-mail given up", append(attrs, "err", o.Error)...)
	default:
		m.observe("retry")
		m.Log.WarnContext(ctx, "e-mail failed, will retry", append(attrs, "retry_at", o.NextAttempt, "err", o.Error)...)
	}
}

func (m Mailer) jitter() float64 {
	if m.Jitter == nil {
		return 0
	}
	return m.Jitter()
}

func (m Mailer) observe(outcome string) {
	if m.Observe != nil {
		m.Observe(outcome)
	}
}
