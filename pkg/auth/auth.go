// Package auth authenticates advisors on every service's API: it verifies
// bearer tokens (signed JWTs) against a JWKS, from an OIDC provider in
// production or from advisor-desk's development issuer in `make run`, puts
// the advisor's Principal in the request context, and answers 401 and 403
// as RFC 6750 and RFC 9457 say. Access rules themselves (who may see what)
// belong to each service; this package only says who is asking.
//
// Tokens are credentials: nothing here logs them, and services must not
// either.
package auth

import (
	"context"
	"slices"
	"time"

	"github.com/ccicma/platform/pkg/events"
)

// Role is what an advisor may do beyond reading their own work.
type Role string

// The roles a token may carry. Unknown roles in a token are ignored, so a
// provider may send more.
const (
	// RoleAdvisor works the cases assigned to them or their chamber.
	RoleAdvisor Role = "advisor"
	// RoleManager oversees their chamber's advisors and cases.
	RoleManager Role = "manager"
	// RolePreventionCell is a member of the joint (CCI and CMA) prevention
	// cell, which sees difficulty cases.
	RolePreventionCell Role = "prevention_cell"
	// RoleAdmin manages the directory.
	RoleAdmin Role = "admin"
)

// Roles lists every known role.
func Roles() []Role { return []Role{RoleAdvisor, RoleManager, RolePreventionCell, RoleAdmin} }

// KnownRole tells whether s names a role.
func KnownRole(s string) bool { return slices.Contains(Roles(), Role(s)) }

// Principal is the authenticated advisor of a request.
type Principal struct {
	// Subject is the advisor id (the token's sub).
	Subject string
	// Chamber is CCI or CMA.
	Chamber string
	// Roles held, known ones only.
	Roles []Role
	// ExpiresAt is when the token expires; long-lived responses (event
	// streams) end then, so access never outlives the token.
	ExpiresAt time.Time
}

// Has tells whether the principal holds the role.
func (p Principal) Has(r Role) bool { return slices.Contains(p.Roles, r) }

func validChamber(c string) bool { return c == events.ChamberCCI || c == events.ChamberCMA }

type principalKey struct{}

// WithPrincipal returns a context carrying p (the middleware does this;
// handler tests may too).
func WithPrincipal(ctx context.Context, p Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// FromContext returns the request's principal; ok is false on a route the
// middleware does not guard.
func FromContext(ctx context.Context) (p Principal, ok bool) {
	p, ok = ctx.Value(principalKey{}).(Principal)
	return p, ok
}

// Config is the authentication settings of a service. Embed it in the
// service's config (through an alias if the service already embeds another
// Config): each key may then be prefixed with the service's name.
type Config struct {
	// JWKSURL is where the signing keys are published (the development
	// issuer's in `make run`). Keys are refreshed periodically and when a
	// token names an unknown key id; the provider need not be up when the
	// service starts. When it is set, no discovery takes place.
	JWKSURL string `envconfig:"AUTH_JWKS_URL"`
	// Issuer is the expected iss claim. OIDCIssuer is read when it is empty.
	Issuer string `envconfig:"AUTH_ISSUER"`
	// OIDCIssuer is an OpenID provider's issuer URL: without JWKSURL, the
	// keys are found at the jwks_uri of its discovery document
	// (<issuer>/.well-known/openid-configuration), whose issuer member must
	// be this exact value.
	OIDCIssuer string `envconfig:"OIDC_ISSUER"`
	// Audience is the expected aud claim.
	Audience string `envconfig:"AUTH_AUDIENCE" default:"ccicma"`
	// Leeway absorbs clock skew on exp, nbf and iat.
	Leeway time.Duration `envconfig:"AUTH_LEEWAY" default:"30s"`
	// JWKSRefresh is the periodic refresh of the keys.
	JWKSRefresh time.Duration `envconfig:"AUTH_JWKS_REFRESH" default:"15m"`
	// JWKSMinRefresh spaces the refreshes triggered by unknown key ids, so
	// forged tokens cannot make the service hammer the provider.
	JWKSMinRefresh time.Duration `envconfig:"AUTH_JWKS_MIN_REFRESH" default:"10s"`
	// JWKSTimeout bounds one fetch of the keys (and so the wait of a request
	// whose token names a new key).
	JWKSTimeout time.Duration `envconfig:"AUTH_JWKS_TIMEOUT" default:"5s"`

	// JWKS, when set, are the signing keys given in process (devstack
	// hands advisor-desk's development keys to the other services): they
	// are used as they are, nothing is fetched.
	JWKS []byte `ignored:"true"`

	// SigningKeyFile (development issuer only) holds the Ed25519 private key
	// (PEM PKCS#8, or a base64 or hex 32-byte seed); empty: a key generated
	// at start, so tokens do not survive a restart.
	SigningKeyFile string `envconfig:"AUTH_SIGNING_KEY_FILE"`
	// TokenTTL (development issuer only) is the lifetime of issued tokens.
	TokenTTL time.Duration `envconfig:"AUTH_TOKEN_TTL" default:"1h"`
}

// IssuerName is the expected issuer: Issuer, or else OIDCIssuer.
func (c Config) IssuerName() string {
	if c.Issuer != "" {
		return c.Issuer
	}
	return c.OIDCIssuer
}

// withDefaults fills durations left at zero (a Config built in code rather
// than read from the environment).
func (c Config) withDefaults() Config {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	if c.Audience == "" {
		c.Audience = "ccicma"
	}
	if c.Leeway < 0 {
		c.Leeway = 0
	}
	def(&c.JWKSRefresh, 15*time.Minute)
	def(&c.JWKSMinRefresh, 10*time.Second)
	def(&c.JWKSTimeout, 5*time.Second)
	def(&c.TokenTTL, time.Hour)
	return c
}
