package app

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/ccicma/platform/services/advisor-desk/internal/domain/mail"
)

// DigestQueue queues daily digests.
type DigestQueue interface {
	QueueDigests(ctx context.Context, date string, moment, now time.Time, defaultMode mail.Mode) (queued int, err error)
}

// QueueDigests is the periodic job that queues, once the day's digest
// moment has passed, one digest per advisor in digest mode: the key
// (advisor, date) makes it once per advisor and day across runs and
// replicas; the mailer sends it.
type QueueDigests struct {
	Queue   DigestQueue
	Digest  mail.Digest
	Default mail.Mode
	Now     Clock
	Log     *slog.Logger
}

// Run queues the digests of the latest digest moment.
func (uc QueueDigests) Run(ctx context.Context) error {
	now := uc.Now()
	moment, date := uc.Digest.Latest(now)
	n, err := uc.Queue.QueueDigests(ctx, date, moment, now, uc.Default)
	if err != nil {
		return fmt.Errorf("queue digests of %s: %w", date, err)
	}
	if n > 0 {
		uc.Log.InfoContext(ctx, "digests queued", "date", date, "digests", n)
	}
	return nil
}
