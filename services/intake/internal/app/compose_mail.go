package app

import (
	"context"
	"fmt"
	"time"

	"github.com/ccicma/platform/pkg/mailer"

	"github.com/ccicma/platform/services/intake/internal/domain/notice"
)

// MailContents reads what an e-mail may say of a request, as it is now;
// found=false when the request is gone or its personal data erased.
type MailContents interface {
	MailRequest(ctx context.Context, requestID string) (r notice.Request, found bool, err error)
	// MailSession reads a session the request was registered to.
	MailSession(ctx context.Context, requestID, sessionID string) (s notice.Session, found bool, err error)
	// MailIntroduction reads a takeover introduction of the request.
	MailIntroduction(ctx context.Context, requestID, matchID string) (in notice.Introduction, found bool, err error)
	// MailDigest reads the listings of a buyer's digest of day that are
	// still on the market: published, the search open, the match not
	// dropped.
	MailDigest(ctx context.Context, requestID, day string) ([]notice.Listing, error)
}

// ComposeMail is intake's part of sending an applicant's e-mail:
// pkg/mailer leases a due e-mail, asks this for its message, sends it and
// records the outcome. The message is written when sent, from the
// request's current record, so that the queue holds neither an address
// nor a text, and an erased request has nothing left to send.
type ComposeMail struct {
	Contents MailContents
	Composer notice.Composer
	// Now tells a reminder sent late (nil: the wall clock).
	Now func() time.Time
}

// Compose writes the claimed e-mail; mailer.ErrNothingToSend when the
// request is no longer held or the step calls for no e-mail.
func (uc ComposeMail) Compose(ctx context.Context, c mailer.Claim) (mailer.Message, error) {
	key, err := notice.ParseKey(c.Key)
	if err != nil {
		// Not one of intake's keys: no attempt can compose it.
		return mailer.Message{}, fmt.Errorf("compose e-mail %d: %w: %w", c.ID, err, mailer.ErrNothingToSend)
	}
	r, found, err := uc.Contents.MailRequest(ctx, key.RequestID)
	if err != nil {
		return mailer.Message{}, fmt.Errorf("compose e-mail %d: %w", c.ID, err)
	}
	if !found {
		return mailer.Message{}, mailer.ErrNothingToSend
	}
	if key.SessionID != "" {
		return uc.session(ctx, r, key)
	}
	if key.MatchID != "" {
		return uc.introduction(ctx, r, key)
	}
	if key.DigestDay != "" {
		return uc.digest(ctx, r, key)
	}
	if key.Receipt() {
		return uc.Composer.Receipt(r), nil
	}
	m, ok := uc.Composer.FollowUp(r, key.Step)
	if !ok {
		return mailer.Message{}, mailer.ErrNothingToSend
	}
	return m, nil
}

// session writes a session's confirmation or reminder.
func (uc ComposeMail) session(ctx context.Context, r notice.Request, key notice.Key) (mailer.Message, error) {
	se, found, err := uc.Contents.MailSession(ctx, key.RequestID, key.SessionID)
	if err != nil {
		return mailer.Message{}, fmt.Errorf("compose session e-mail: %w", err)
	}
	if !found {
		return mailer.Message{}, mailer.ErrNothingToSend
	}
	now := time.Now()
	if uc.Now != nil {
		now = uc.Now()
	}
	m, ok := uc.Composer.SessionMail(r, se, key.Reminder, now)
	if !ok {
		return mailer.Message{}, mailer.ErrNothingToSend
	}
	return m, nil
}

// introduction writes the e-mail of a takeover introduction.
func (uc ComposeMail) introduction(ctx context.Context, r notice.Request, key notice.Key) (mailer.Message, error) {
	in, found, err := uc.Contents.MailIntroduction(ctx, key.RequestID, key.MatchID)
	if err != nil {
		return mailer.Message{}, fmt.Errorf("compose introduction e-mail: %w", err)
	}
	if !found {
		return mailer.Message{}, mailer.ErrNothingToSend
	}
	m, ok := uc.Composer.IntroductionMail(r, in)
	if !ok {
		return mailer.Message{}, mailer.ErrNothingToSend
	}
	return m, nil
}

// digest writes a buyer's digest; nothing when every listing it named
// left the market since it was queued.
func (uc ComposeMail) digest(ctx context.Context, r notice.Request, key notice.Key) (mailer.Message, error) {
	ls, err := uc.Contents.MailDigest(ctx, key.RequestID, key.DigestDay)
	if err != nil {
		return mailer.Message{}, fmt.Errorf("compose digest e-mail: %w", err)
	}
	m, ok := uc.Composer.DigestMail(r, ls)
	if !ok {
		return mailer.Message{}, mailer.ErrNothingToSend
	}
	return m, nil
}
