package auth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/MicahParks/jwkset"
	"github.com/MicahParks/keyfunc/v3"
	"github.com/golang-jwt/jwt/v5"
	"golang.org/x/time/rate"
)

// ErrInvalidToken wraps every reason a token is refused.
var ErrInvalidToken = errors.New("invalid token")

// Algorithms returns the signature algorithms accepted: the asymmetric ones
// an OIDC provider may use. Symmetric (HS*) and "none" are refused, so a
// public key can never be used as an HMAC secret. A function, not a
// variable, so that no caller can widen the list for everyone.
func Algorithms() []string {
	return []string{"EdDSA", "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512"}
}

// Verifier checks bearer tokens: signature against the JWKS, algorithm,
// issuer, audience, expiry (required), not-before, and the advisor claims.
// It is safe for concurrent use.
type Verifier struct {
	keys   keySource
	parser *jwt.Parser
	log    *slog.Logger
}

// NewRemoteVerifier verifies against the keys of a provider: those at
// cfg.JWKSURL when it is set (the development issuer in `make run`, or a
// provider configured by hand), else those at the jwks_uri of the
// discovery document of cfg.OIDCIssuer (any OIDC provider), whose issuer
// member must be OIDCIssuer exactly.
//
// The provider need not be up when the service starts: until the keys (or
// the discovery document) could be read, tokens are refused with 401, and
// they are asked for again in the background. The keys are fetched again
// every cfg.JWKSRefresh, and as soon as a token names an unknown key id (at
// most once per cfg.JWKSMinRefresh), which also picks up rotated keys. The
// background work ends with ctx. client may be nil.
func NewRemoteVerifier(ctx context.Context, cfg Config, client *http.Client, log *slog.Logger) (*Verifier, error) {
	cfg = cfg.withDefaults()
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if client == nil {
		client = http.DefaultClient
	}
	if cfg.IssuerName() == "" {
		return nil, errors.New("auth: AUTH_ISSUER (or OIDC_ISSUER) is required")
	}
	var keys keySource
	var err error
	switch {
	case cfg.JWKSURL != "":
		keys, err = remoteKeys(ctx, cfg, cfg.JWKSURL, client, log)
	case cfg.OIDCIssuer != "":
		keys, err = discoverKeys(ctx, cfg, client, log)
	default:
		err = errors.New("auth: AUTH_JWKS_URL or OIDC_ISSUER is required")
	}
	if err != nil {
		return nil, err
	}
	return newVerifier(cfg, keys, log)
}

// Remote tells whether c names a provider to fetch keys from (AUTH_JWKS_URL
// or OIDC_ISSUER), for NewRemoteVerifier.
func (c Config) Remote() bool { return c.JWKSURL != "" || c.OIDCIssuer != "" }

// remoteKeys returns the keys published at jwksURL, fetched in the
// background (the first fetch may fail).
func remoteKeys(ctx context.Context, cfg Config, jwksURL string, client *http.Client, log *slog.Logger) (keyfunc.Keyfunc, error) {
	if err := checkHTTPURL(jwksURL); err != nil {
		return nil, fmt.Errorf("auth: JWKS URL %q: %w", jwksURL, err)
	}
	remote, err := jwkset.NewStorageFromHTTP(jwksURL, jwkset.HTTPClientStorageOptions{
		Client:                    client,
		Ctx:                       ctx,
		HTTPTimeout:               cfg.JWKSTimeout,
		NoErrorReturnFirstHTTPReq: true,
		RefreshInterval:           cfg.JWKSRefresh,
		RefreshErrorHandler: func(ctx context.Context, err error) {
			log.WarnContext(ctx, "fetch signing keys", "jwks_url", jwksURL, "err", err)
		},
	})
	if err != nil {
		return nil, fmt.Errorf("auth: keys from %s: %w", jwksURL, err)
	}
	store, err := jwkset.NewHTTPClient(jwkset.HTTPClientOptions{
		HTTPURLs: map[string]jwkset.Storage{jwksURL: remote},
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
	return keysOf(ctx, store)
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
	if cfg.IssuerName() == "" {
		return nil, errors.New("auth: AUTH_ISSUER (or OIDC_ISSUER) is required")
	}
	keys, err := keysOf(context.Background(), store)
	if err != nil {
		return nil, err
	}
	return newVerifier(cfg, keys, log)
}

func keysOf(ctx context.Context, store jwkset.Storage) (keyfunc.Keyfunc, error) {
	kf, err := keyfunc.New(keyfunc.Options{
		Ctx:     ctx,
		Storage: store,
		// Keys published for encryption are never used to verify.
		UseWhitelist: []jwkset.USE{jwkset.UseSig, ""},
	})
	if err != nil {
		return nil, fmt.Errorf("auth: keyfunc: %w", err)
	}
	return kf, nil
}

func newVerifier(cfg Config, keys keySource, log *slog.Logger) (*Verifier, error) {
	return &Verifier{
		keys: keys,
		log:  log,
		parser: jwt.NewParser(
			jwt.WithValidMethods(Algorithms()),
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
