package app

import (
	"time"

	"context"
	"fmt"

	"github.com/ccicma/platform/services/advisor-desk/internal/domain/directory"
	"github.com/ccicma/platform/services/advisor-desk/internal/domain/mail"
)

// MailModes stores advisors' e-mail preferences.
type MailModes interface {
	MailMode(ctx context.Context, advisorID string, defaultMode mail.Mode) (mode mail.Mode, chosen, found bool, err error)
	SetMailMode(ctx context.Context, advisorID string, mode mail.Mode, at time.Time) error
}

// MailPreference reads and sets an advisor's e-mail preference: one
// e-mail per notification, a daily digest, or none.
type MailPreference struct {
	Modes   MailModes
	Default mail.Mode
	Now     Clock
}

// Get returns the advisor's mode and whether they chose it, or
// directory.ErrUnknown.
func (uc MailPreference) Get(ctx context.Context, advisorID string) (mail.Mode, bool, error) {
	m, chosen, found, err := uc.Modes.MailMode(ctx, advisorID, uc.Default)
	switch {
	case err != nil:
		return "", false, fmt.Errorf("mail preference of %s: %w", advisorID, err)
	case !found:
		return "", false, fmt.Errorf("mail preference of %s: %w", advisorID, directory.ErrUnknown)
	}
	return m, chosen, nil
}

// Set validates and stores the advisor's mode (mail.ErrInvalidMode,
// directory.ErrUnknown).
func (uc MailPreference) Set(ctx context.Context, advisorID, mode string) (mail.Mode, error) {
	m, err := mail.ParseMode(mode)
	if err != nil {
		return "", err
	}
	if err := uc.Modes.SetMailMode(ctx, advisorID, m, uc.Now()); err != nil {
		return "", err
	}
	return m, nil
}
