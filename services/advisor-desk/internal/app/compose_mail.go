package app

import (
	"context"
	"fmt"

	"github.com/ccicma/platform/pkg/mailer"

	"github.com/ccicma/platform/services/advisor-desk/internal/domain/mail"
)

// MailContents reads a queued e-mail as it is now; found=false when it is
// no longer held.
type MailContents interface {
	MailOutgoing(ctx context.Context, key string) (out mail.Outgoing, found bool, err error)
}

// ComposeMail is advisor-desk's part of sending an e-mail: pkg/mailer
// leases a due e-mail, asks this for its message, sends it and records the
// outcome. The message is written when sent, from the advisor's current
// address and the notifications the e-mail reports, so that the queue
// holds neither an address nor a text.
type ComposeMail struct {
	Contents MailContents
	Composer mail.Composer
}

// Compose writes the claimed e-mail; mailer.ErrNothingToSend when it
// reports nothing (an empty digest) or is no longer held.
func (uc ComposeMail) Compose(ctx context.Context, c mailer.Claim) (mailer.Message, error) {
	out, found, err := uc.Contents.MailOutgoing(ctx, c.Key)
	if err != nil {
		return mailer.Message{}, fmt.Errorf("compose e-mail %d: %w", c.ID, err)
	}
	if !found {
		return mailer.Message{}, mailer.ErrNothingToSend
	}
	m, ok := uc.Composer.Compose(out)
	if !ok {
		return mailer.Message{}, mailer.ErrNothingToSend
	}
	return mailer.Message{To: m.To, ToName: m.ToName, Subject: m.Subject, Text: m.Text, HTML: m.HTML}, nil
}
