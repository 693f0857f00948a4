package auth

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
)

// ErrNoKeys reports a configuration that gives no way to verify tokens.
var ErrNoKeys = errors.New("auth: no signing keys: set AUTH_JWKS_URL and AUTH_ISSUER (or OIDC_ISSUER)")

// NewVerifier is the verifier a service's configuration asks for: the keys
// given in process (cfg.JWKS) when set, else those published at
// cfg.JWKSURL or found by OIDC discovery from cfg.OIDCIssuer. client may
// be nil.
func NewVerifier(ctx context.Context, cfg Config, client *http.Client, log *slog.Logger) (*Verifier, error) {
	switch {
	case len(cfg.JWKS) > 0:
		return NewStaticVerifier(cfg, cfg.JWKS, log)
	case cfg.Remote():
		return NewRemoteVerifier(ctx, cfg, client, log)
	}
	return nil, ErrNoKeys
}
