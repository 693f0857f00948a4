package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/ccicma/platform/deploy/devstack/stack"
)

// backlog is the work the platform still has: unsent outbox rows,
// consumers' pending and unacknowledged messages, e-mails not yet sent.
// E-mails do not hold quiet back: the mailer sends at its own pace, and
// those still queued are reported apart.
type backlog struct {
	outbox   int
	consumer map[string][2]uint64 // stream/durable -> pending, ack pending
	mails    int
}

func (b backlog) empty() bool {
	if b.outbox > 0 {
		return false
	}
	for _, c := range b.consumer {
		if c[0] > 0 || c[1] > 0 {
			return false
		}
	}
	return true
}

func (b backlog) String() string {
	var busy []string
	for name, c := range b.consumer {
		if c[0] > 0 || c[1] > 0 {
			busy = append(busy, fmt.Sprintf("%s %d pending + %d unacked", name, c[0], c[1]))
		}
	}
	return fmt.Sprintf("outbox %d unsent, e-mails %d pending, consumers: [%s]", b.outbox, b.mails, strings.Join(busy, ", "))
}

// waitQuiet waits, at most settle, until the platform has no work left;
// it returns whether it got there.
func waitQuiet(ctx context.Context, e *env, settle time.Duration) bool {
	start := time.Now()
	var last backlog
	var lastErr error
	for time.Since(start) < settle && ctx.Err() == nil {
		b, err := readBacklog(ctx, e)
		if err == nil && b.empty() {
			fmt.Printf("  quiet %s after the load\n", time.Since(start).Round(100*time.Millisecond))
			return true
		}
		if err == nil {
			last = b
		}
		lastErr = err
		sleep(ctx, time.Second)
	}
	if lastErr != nil {
		// A backlog that cannot be read is not quiet: say why.
		fmt.Printf("  NOT quiet %s after the load: the backlog could not be read: %v\n", settle, lastErr)
		return false
	}
	fmt.Printf("  NOT quiet %s after the load: %s\n", settle, last)
	return false
}

func readBacklog(ctx context.Context, e *env) (backlog, error) {
	conn, js, done, err := e.admin(ctx)
	if err != nil {
		return backlog{}, err
	}
	defer done()
	b := backlog{consumer: map[string][2]uint64{}}
	var parts []string
	for _, name := range stack.Names {
		parts = append(parts, fmt.Sprintf(`(SELECT count(*) FROM %s.outbox WHERE sent_at IS NULL)`, pgx.Identifier{stack.Schema(name)}.Sanitize()))
	}
	if err := conn.QueryRow(ctx, `SELECT `+strings.Join(parts, " + ")).Scan(&b.outbox); err != nil {
		return b, fmt.Errorf("read outboxes: %w", err)
	}
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM advisor_desk.mail_queue WHERE status IN ('pending', 'sending')`).Scan(&b.mails); err != nil {
		return b, fmt.Errorf("read e-mails: %w", err)
	}
	return b, eachConsumer(ctx, js, func(stream string, ci *jetstream.ConsumerInfo) {
		b.consumer[stream+"/"+ci.Name] = [2]uint64{ci.NumPending, uint64(ci.NumAckPending)} //nolint:gosec // G115: a count, never negative
	})
}

// eachConsumer calls f with every durable of every stream.
func eachConsumer(ctx context.Context, js jetstream.JetStream, f func(stream string, ci *jetstream.ConsumerInfo)) error {
	names := js.StreamNames(ctx)
	for stream := range names.Name() {
		s, err := js.Stream(ctx, stream)
		if err != nil {
			return fmt.Errorf("stream %s: %w", stream, err)
		}
		infos := s.ListConsumers(ctx)
		for ci := range infos.Info() {
			f(stream, ci)
		}
		if err := infos.Err(); err != nil {
			return fmt.Errorf("consumers of %s: %w", stream, err)
		}
	}
	return names.Err()
}
