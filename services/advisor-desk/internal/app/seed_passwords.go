package app

import (
	"context"
	"fmt"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/ccicma/platform/services/advisor-desk/internal/domain/credential"
)

// PasswordStore lists advisors without a password and sets them one.
type PasswordStore interface {
	WithoutPassword(ctx context.Context) ([]string, error)
	SetPasswords(ctx context.Context, advisorIDs []string, hash string, at time.Time) (int, error)
}

// SeedDemoPasswords gives every active advisor without a password the
// demo password, so that the demo advisors of a development platform can
// sign in to the web desk. Passwords set before are kept.
type SeedDemoPasswords struct {
	Passwords PasswordStore
	Now       Clock
}

// Seed sets the password and returns how many advisors got it.
func (uc SeedDemoPasswords) Seed(ctx context.Context, password string) (int, error) {
	if err := credential.CheckPassword(password); err != nil {
		return 0, fmt.Errorf("demo password: %w", err)
	}
	ids, err := uc.Passwords.WithoutPassword(ctx)
	if err != nil || len(ids) == 0 {
		return 0, err
	}
	// One hash for all: the password is the same, and hashing is slow on
	// purpose.
	hash, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.DefaultCost)
	if err != nil {
		return 0, fmt.Errorf("hash demo password: %w", err)
	}
	return uc.Passwords.SetPasswords(ctx, ids, string(hash), uc.Now())
}
