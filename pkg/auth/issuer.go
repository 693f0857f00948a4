package auth

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"os"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"
)

// Issuer signs short-lived tokens for advisors: the development stand-in
// for an OIDC provider (advisor-desk runs it in `make run`). It signs with
// one Ed25519 key and publishes the public half as a JWKS.
type Issuer struct {
	key      ed25519.PrivateKey
	kid      string
	issuer   string
	audience string
	ttl      time.Duration
	now      func() time.Time
	jwks     []byte
}

// IssuerOptions configures an Issuer.
type IssuerOptions struct {
	// Issuer is the iss claim; Audience the aud claim.
	Issuer   string
	Audience string
	// TTL is the tokens' lifetime (default one hour).
	TTL time.Duration
	// Key signs; nil generates one.
	Key ed25519.PrivateKey
	// KeyID is the kid; empty: the key's RFC 7638 thumbprint, so a new key
	// gets a new kid.
	KeyID string
	// Now is the clock (tests).
	Now func() time.Time
}

// IssuerOptions returns the options of a development issuer configured by
// c: its issuer, audience, lifetime and signing key file.
func (c Config) IssuerOptions() (IssuerOptions, error) {
	c = c.withDefaults()
	o := IssuerOptions{Issuer: c.IssuerName(), Audience: c.Audience, TTL: c.TokenTTL}
	if c.SigningKeyFile != "" {
		key, err := LoadKey(c.SigningKeyFile)
		if err != nil {
			return o, err
		}
		o.Key = key
	}
	return o, nil
}

// NewIssuer returns an issuer.
func NewIssuer(o IssuerOptions) (*Issuer, error) {
	if o.Issuer == "" || o.Audience == "" {
		return nil, errors.New("auth: an issuer needs an issuer name and an audience")
	}
	if o.TTL <= 0 {
		o.TTL = time.Hour
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Key == nil {
		_, key, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			return nil, fmt.Errorf("auth: generate signing key: %w", err)
		}
		o.Key = key
	}
	if len(o.Key) != ed25519.PrivateKeySize {
		return nil, errors.New("auth: signing key is not an Ed25519 private key")
	}
	pub := o.Key.Public().(ed25519.PublicKey)
	x := base64.RawURLEncoding.EncodeToString(pub)
	if o.KeyID == "" {
		// RFC 7638: SHA-256 of the required members, in lexical order.
		sum := sha256.Sum256([]byte(`{"crv":"Ed25519","kty":"OKP","x":"` + x + `"}`))
		o.KeyID = base64.RawURLEncoding.EncodeToString(sum[:])
	}
	type jwk struct {
		Kty string `json:"kty"`
		Crv string `json:"crv"`
		X   string `json:"x"`
		Kid string `json:"kid"`
		Alg string `json:"alg"`
		Use string `json:"use"`
	}
	jwks, err := json.Marshal(map[string][]jwk{"keys": {{Kty: "OKP", Crv: "Ed25519", X: x, Kid: o.KeyID, Alg: "EdDSA", Use: "sig"}}})
	if err != nil {
		return nil, err
	}
	return &Issuer{key: o.Key, kid: o.KeyID, issuer: o.Issuer, audience: o.Audience, ttl: o.TTL, now: o.Now, jwks: jwks}, nil
}

// Token is an issued access token, shaped as an OAuth 2.0 token response.
type Token struct {
	AccessToken string    `json:"access_token"`
	TokenType   string    `json:"token_type"`
	ExpiresIn   int       `json:"expires_in"`
	ExpiresAt   time.Time `json:"-"`
}

// Issue signs a token for p (its Subject, Chamber and Roles; ExpiresAt is
// ignored).
func (i *Issuer) Issue(p Principal) (Token, error) {
	if p.Subject == "" || !validChamber(p.Chamber) {
		return Token{}, errors.New("auth: a token needs a subject and a chamber (CCI or CMA)")
	}
	now := i.now().Truncate(time.Second)
	exp := now.Add(i.ttl)
	id, err := uuid.NewV7()
	if err != nil {
		return Token{}, fmt.Errorf("auth: token id: %w", err)
	}
	roles := make([]string, len(p.Roles))
	for n, r := range p.Roles {
		roles[n] = string(r)
	}
	t := jwt.NewWithClaims(jwt.SigningMethodEdDSA, claims{
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer: i.issuer, Subject: p.Subject, Audience: jwt.ClaimStrings{i.audience},
			IssuedAt: jwt.NewNumericDate(now), NotBefore: jwt.NewNumericDate(now), ExpiresAt: jwt.NewNumericDate(exp),
			ID: id.String(),
		},
		Chamber: p.Chamber,
		Roles:   roles,
	})
	t.Header["kid"] = i.kid
	signed, err := t.SignedString(i.key)
	if err != nil {
		return Token{}, fmt.Errorf("auth: sign token: %w", err)
	}
	return Token{AccessToken: signed, TokenType: "Bearer", ExpiresIn: int(i.ttl / time.Second), ExpiresAt: exp}, nil
}

// KeyID is the kid of the signing key.
func (i *Issuer) KeyID() string { return i.kid }

// Name is the issuer name tokens carry (iss).
func (i *Issuer) Name() string { return i.issuer }

// JWKS is the public key set, as JSON.
func (i *Issuer) JWKS() []byte { return bytes.Clone(i.jwks) }

// JWKSHandler serves the public key set (GET /.well-known/jwks.json).
func (i *Issuer) JWKSHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/jwk-set+json")
		// Verifiers refetch on an unknown kid, so a short cache is enough.
		w.Header().Set("Cache-Control", "public, max-age=300")
		_, _ = w.Write(i.jwks)
	})
}

// LoadKey reads an Ed25519 private key from a file: PEM (PKCS#8, as
// `openssl genpkey -algorithm ed25519` writes it), or a 32-byte seed in
// base64 or hex.
func LoadKey(path string) (ed25519.PrivateKey, error) {
	raw, err := os.ReadFile(path) //nolint:gosec // G304: the key file is named by the operator's configuration
	if err != nil {
		return nil, fmt.Errorf("auth: read signing key: %w", err)
	}
	if block, _ := pem.Decode(raw); block != nil {
		k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("auth: signing key %s: %w", path, err)
		}
		key, ok := k.(ed25519.PrivateKey)
		if !ok {
			return nil, fmt.Errorf("auth: signing key %s is a %T, want Ed25519", path, k)
		}
		return key, nil
	}
	text := string(bytes.TrimSpace(raw))
	for _, decode := range []func(string) ([]byte, error){
		hex.DecodeString, base64.StdEncoding.DecodeString, base64.RawStdEncoding.DecodeString,
		base64.URLEncoding.DecodeString, base64.RawURLEncoding.DecodeString,
	} {
		if seed, err := decode(text); err == nil && len(seed) == ed25519.SeedSize {
			return ed25519.NewKeyFromSeed(seed), nil
		}
	}
	return nil, fmt.Errorf("auth: signing key %s: neither PEM PKCS#8 nor a 32-byte seed in hex or base64", path)
}

// GenerateKeyPEM returns a new Ed25519 private key as PEM PKCS#8, for
// LoadKey.
func GenerateKeyPEM() ([]byte, error) {
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, err
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), nil
}
