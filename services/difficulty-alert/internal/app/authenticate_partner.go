package app

import (
	"context"
	"errors"
	"fmt"

	"github.com/ccicma/platform/services/difficulty-alert/internal/domain/partner"
)

// AuthenticatePartner finds the partner client behind an access token.
type AuthenticatePartner struct {
	Clients PartnerClients
	Now     Clock
}

// Authenticate returns the token's caller. Errors: ErrInvalidToken,
// ErrTokenExpired.
func (uc AuthenticatePartner) Authenticate(ctx context.Context, token string) (partner.Caller, error) {
	c, expires, found, err := uc.Clients.TokenCaller(ctx, partner.Hash(token))
	switch {
	case err != nil:
		return partner.Caller{}, fmt.Errorf("read partner token: %w", err)
	case !found:
		return partner.Caller{}, ErrInvalidToken
	case !uc.Now().Before(expires):
		return c, ErrTokenExpired
	}
	return c, nil
}

// IsScopeError tells whether err is a *ScopeError, and returns it.
func IsScopeError(err error) (*ScopeError, bool) {
	var se *ScopeError
	ok := errors.As(err, &se)
	return se, ok
}
