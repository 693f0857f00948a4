package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/ccicma/platform/services/advisor-desk/internal/domain/mail"
)

// MailQueue hands out due e-mails one at a time and records outcomes.
type MailQueue interface {
	SendNextMail(ctx context.Context, now time.Time,
		deliver func(context.Context, mail.Outgoing) mail.Outcome) (found bool, err error)
}

// MailSender delivers a composed e-mail; an error wrapping ErrRejected
// (from the sender's package) is final, any other is worth retrying.
type MailSender interface {
	Send(ctx context.Context, m mail.Message) error
}

// SendMails is the periodic job that sends due e-mails: once each, as the
// queue hands an e-mail to one replica at a time and records its outcome
// in the same transaction; a failure is retried with backoff, then given
// up. Logs and errors name e-mails by id, never by address or content.
type SendMails struct {
	Queue    MailQueue
	Sender   MailSender
	Composer mail.Composer
	Retry    mail.RetryPolicy
	Now      Clock
	// Rejected tells a final refusal from a passing failure.
	Rejected error
	// Jitter returns a number in [0, 1) that spreads retries.
	Jitter func() float64
	// Observe counts outcomes: sent, retry, failed, skipped.
	Observe func(outcome string)
	Log     *slog.Logger
	// Max bounds the e-mails sent in one run (default 100), so that a run
	// ends and shutdown is never held back long.
	Max     int
	Timeout time.Duration
}

// Run sends the e-mails due now.
func (uc SendMails) Run(ctx context.Context) error {
	limit := uc.Max
	if limit <= 0 {
		limit = 100
	}
	for range limit {
		if ctx.Err() != nil {
			return nil
		}
		found, err := uc.Queue.SendNextMail(ctx, uc.Now(), uc.deliver)
		if err != nil {
			return fmt.Errorf("send e-mails: %w", err)
		}
		if !found {
			return nil
		}
	}
	return nil
}

func (uc SendMails) deliver(ctx context.Context, out mail.Outgoing) mail.Outcome {
	msg, ok := uc.Composer.Compose(out)
	if !ok {
		uc.observe("skipped")
		return mail.Outcome{Status: mail.StatusSkipped}
	}
	sctx, cancel := context.WithTimeout(ctx, max(uc.Timeout, time.Second))
	err := uc.Sender.Send(sctx, msg)
	cancel()
	now := uc.Now()
	if err == nil {
		uc.observe("sent")
		uc.Log.InfoContext(ctx, "e-mail sent", "mail_id", out.ID, "kind", out.Kind, "advisor_id", out.AdvisorID,
			"notifications", len(out.Items), "attempt", out.Attempts+1)
		return mail.Outcome{Status: mail.StatusSent}
	}
	o := uc.Retry.After(out.Attempts+1, now, uc.Rejected != nil && errors.Is(err, uc.Rejected), uc.jitter(), err.Error())
	if o.Status == mail.StatusFailed {
		uc.observe("failed")
		uc.Log.ErrorContext(ctx, "e-mail given up", "mail_id", out.ID, "kind", out.Kind, "advisor_id", out.AdvisorID,
			"attempts", out.Attempts+1, "err", err)
		return o
	}
	uc.observe("retry")
	uc.Log.WarnContext(ctx, "e-mail failed, will retry", "mail_id", out.ID, "attempt", out.Attempts+1,
		"retry_at", o.NextAttempt, "err", err)
	return o
}

func (uc SendMails) jitter() float64 {
	if uc.Jitter == nil {
		return 0
	}
	return uc.Jitter()
}

func (uc SendMails) observe(outcome string) {
	if uc.Observe != nil {
		uc.Observe(outcome)
	}
}
