package app

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"golang.org/x/crypto/bcrypt"

	"github.com/ccicma/platform/pkg/auth"

	"github.com/ccicma/platform/services/advisor-desk/internal/domain/credential"
	"github.com/ccicma/platform/services/advisor-desk/internal/domain/directory"
)

// Credentials finds an advisor and their password hash by id or e-mail.
type Credentials interface {
	Credential(ctx context.Context, login string) (a directory.Advisor, hash string, found bool, err error)
}

// PasswordSignIn signs an advisor of the web desk in with their password
// and issues the token that the session cookie holds.
type PasswordSignIn struct {
	Credentials Credentials
	Issuer      TokenIssuer
}

// dummyHash is compared against when the login is unknown, so that a
// sign-in takes as long whether the advisor exists or not.
// It is computed on first use: hashing is slow on purpose.
var dummyHash = sync.OnceValue(func() []byte {
	h, _ := bcrypt.GenerateFromPassword([]byte("not a password of anybody"), bcrypt.DefaultCost)
	return h
})

// SignIn returns a token, or credential.ErrBadCredentials.
func (uc PasswordSignIn) SignIn(ctx context.Context, login, password string) (auth.Token, directory.Advisor, error) {
	if len(login) > credential.MaxLoginLength || credential.CheckPassword(password) != nil {
		return auth.Token{}, directory.Advisor{}, credential.ErrBadCredentials
	}
	a, hash, found, err := uc.Credentials.Credential(ctx, login)
	if err != nil {
		return auth.Token{}, directory.Advisor{}, fmt.Errorf("sign in: %w", err)
	}
	h := []byte(hash)
	if !found || hash == "" {
		h = dummyHash()
	}
	match := bcrypt.CompareHashAndPassword(h, []byte(password)) == nil
	if !found || hash == "" || !match || !a.Active {
		return auth.Token{}, directory.Advisor{}, credential.ErrBadCredentials
	}
	tok, err := uc.Issuer.Issue(a.Principal())
	if err != nil {
		return auth.Token{}, directory.Advisor{}, fmt.Errorf("sign in %s: %w", a.AdvisorID, err)
	}
	return tok, a, nil
}

// IsBadCredentials tells whether err is a refused sign-in.
func IsBadCredentials(err error) bool { return errors.Is(err, credential.ErrBadCredentials) }
