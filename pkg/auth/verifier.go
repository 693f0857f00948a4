package auth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"

	"github.com/MicahParks/jwkset"
	"github.com/MicahParks/keyfunc/v3"
	"github.com/golang-jwt/jwt/v5"
	"golang.org/x/time/rate"
)

// ErrInvalidToken wraps every reason a token is refused.
var ErrInvalidToken = errors.New("invalid token")

// Algorithms are the signature algorithms accepted: the asymmetric ones an
// OIDC provider may use. Symmetric (HS*) and "none" are refused, so a
// public key can never be used as an HMAC secret.
var Algorithms = []string{"EdDSA", "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512"}

// Verifier checks bearer tokens: signature against the JWKS, algorithm,
// issuer, audience, expiry (required), not-before, and the advisor claims.
// It is safe for concurrent use.
type Verifier struct {
	keys   keyfunc.Keyfunc
	parser *jwt.Parser
	log    *slog.Logger
}

// NewRemoteVerifier verifies against the JWKS at cfg.JWKSURL. The first
// fetch may fail (the issuer not up yet): the keys are fetched again every
// cfg.JWKSRefresh, and as soon as a token names an unknown key id (at most
// once per cfg.JWKSMinRefresh), which also picks up rotated keys. The
// background refresh ends with ctx. client may be nil.
func NewRemoteVerifier(ctx context.Context, cfg Config, client *http.Client, log *slog.Logger) (*Verifier, error) {
	cfg = cfg.withDefaults()
	if cfg.JWKSURL == "" {
		return nil, errors.New("auth: AUTH_JWKS_URL is required")
	}
	if u, err := url.Parse(cfg.JWKSURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, fmt.Errorf("auth: AUTH_JWKS_URL %q is not an http(s) URL", cfg.JWKSURL)
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if client == nil {
		client = http.DefaultClient
	}
	remote, err := jwkset.NewStorageFromHTTP(cfg.JWKSURL, jwkset.HTTPClientStorageOptions{
		Client:                    client,
		Ctx:                       ctx,
		HTTPTimeout:               cfg.JWKSTimeout,
		NoErrorReturnFirstHTTPReq: true,
		RefreshInterval:           cfg.JWKSRefresh,
		RefreshErrorHandler: func(ctx context.Context, err error) {
			log.WarnContext(ctx, "fetch signing keys", "jwks_url", cfg.JWKSURL, "err", err)
		},
	})
	if err != nil {
		return nil, fmt.Errorf("auth: keys from %s: %w", cfg.JWKSURL, err)
	}
	store, err := jwkset.NewHTTPClient(jwkset.HTTPClientOptions{
		HTTPURLs: map[string]jwkset.Storage{cfg.JWKSURL: remote},
		// A request whose token names an unknown key waits for a refresh
		// at most this long (the wait for the rate limiter and the fetch
		// share it); when the limiter's next slot is further away, it is
		// refused at once rather than held.
		RateLimitWaitMax:  cfg.JWKSTimeout,
		RefreshUnknownKID: rate.NewLimiter(rate.Every(cfg.JWKSMinRefresh), 1),
	})
	if err != nil {
		return nil, fmt.Errorf("auth: key store: %w", err)
	}
	return newVerifier(ctx, cfg, store, log)
}

// NewStaticVerifier verifies against a fixed JWKS document (an in-process
// issuer's public keys, or tests).
func NewStaticVerifier(cfg Config, jwks []byte, log *slog.Logger) (*Verifier, error) {
	cfg = cfg.withDefaults()
	var set jwkset.JWKSMarshal
	if err := json.Unmarshal(jwks, &set); err != nil {
		return nil, fmt.Errorf("auth: read JWKS: %w", err)
	}
	store, err := set.ToStorage()
	if err != nil {
		return nil, fmt.Errorf("auth: read JWKS: %w", err)
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return newVerifier(context.Background(), cfg, store, log)
}

func newVerifier(ctx context.Context, cfg Config, store jwkset.Storage, log *slog.Logger) (*Verifier, error) {
	if cfg.IssuerName() == "" {
		return nil, errors.New("auth: AUTH_ISSUER (or OIDC_ISSUER) is required")
	}
	kf, err := keyfunc.New(keyfunc.Options{
		Ctx:     ctx,
		Storage: store,
		// Keys published for encryption are never used to verify.
		UseWhitelist: []jwkset.USE{jwkset.UseSig, ""},
	})
	if err != nil {
		return nil, fmt.Errorf("auth: keyfunc: %w", err)
	}
	return &Verifier{
		keys: kf,
		log:  log,
		parser: jwt.NewParser(
			jwt.WithValidMethods(Algorithms),
			jwt.WithIssuer(cfg.IssuerName()),
			jwt.WithAudience(cfg.Audience),
			jwt.WithExpirationRequired(),
			jwt.WithIssuedAt(),
			jwt.WithLeeway(cfg.Leeway),
		),
	}, nil
}

// claims are the token's claims: the registered ones and the advisor's.
type claims struct {
	jwt.RegisteredClaims
	Chamber string   `json:"chamber"`
	Roles   []string `json:"roles,omitempty"`
}

// Validate checks the advisor claims (the parser checks the registered
// ones).
func (c claims) Validate() error {
	if c.Subject == "" {
		return errors.New("no subject")
	}
	if !validChamber(c.Chamber) {
		return errors.New("chamber claim is not CCI or CMA")
	}
	return nil
}

// Verify checks a raw token and returns its principal. Every error wraps
// ErrInvalidToken; jwt.ErrTokenExpired and jwt.ErrTokenNotValidYet may be
// tested with errors.Is. Errors never contain the token.
func (v *Verifier) Verify(ctx context.Context, raw string) (Principal, error) {
	var c claims
	if _, err := v.parser.ParseWithClaims(raw, &c, v.keys.KeyfuncCtx(ctx)); err != nil {
		return Principal{}, fmt.Errorf("%w: %w", ErrInvalidToken, err)
	}
	p := Principal{Subject: c.Subject, Chamber: c.Chamber, ExpiresAt: c.ExpiresAt.Time}
	for _, r := range c.Roles {
		if KnownRole(r) && !p.Has(Role(r)) {
			p.Roles = append(p.Roles, Role(r))
		}
	}
	return p, nil
}
