package app

import (
	"context"
	"fmt"

	"github.com/ccicma/platform/pkg/auth"

	"github.com/ccicma/platform/services/advisor-desk/internal/domain/directory"
)

// AdvisorReader reads directory entries.
type AdvisorReader interface {
	Advisor(ctx context.Context, id string) (directory.Advisor, bool, error)
}

// TokenIssuer signs tokens.
type TokenIssuer interface {
	Issue(p auth.Principal) (auth.Token, error)
}

// DevSignIn signs a known, active advisor in without a password, with the
// chamber and roles of their directory entry. It stands in for the OIDC
// provider in development (ADVISOR_DESK_DEV_SIGNIN) and must never be
// enabled in production.
type DevSignIn struct {
	Directory AdvisorReader
	Issuer    TokenIssuer
}

// SignIn returns a token for the advisor, or directory.ErrUnknown or
// directory.ErrInactive.
func (uc DevSignIn) SignIn(ctx context.Context, advisorID string) (auth.Token, directory.Advisor, error) {
	a, found, err := uc.Directory.Advisor(ctx, advisorID)
	switch {
	case err != nil:
		return auth.Token{}, a, fmt.Errorf("dev sign-in: %w", err)
	case !found:
		return auth.Token{}, a, fmt.Errorf("dev sign-in %s: %w", advisorID, directory.ErrUnknown)
	case !a.Active:
		return auth.Token{}, a, fmt.Errorf("dev sign-in %s: %w", advisorID, directory.ErrInactive)
	}
	tok, err := uc.Issuer.Issue(a.Principal())
	if err != nil {
		return auth.Token{}, a, fmt.Errorf("dev sign-in %s: %w", advisorID, err)
	}
	return tok, a, nil
}
