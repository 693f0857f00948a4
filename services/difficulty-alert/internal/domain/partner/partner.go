// Package partner is the model of the partner systems that push signals to
// difficulty-alert (URSSAF, DGFiP, a bank's or a credit insurer's feed...):
// each is a client with credentials of its own (an id and a secret, of
// which only a hash is held), the scopes of the kinds of signals it may
// push, and an active flag. Clients are provisioned from a JSON file read at
// start (ParseClients). A client trades its credentials for a short-lived
// opaque access token (OAuth 2.0 client credentials grant, RFC 6749 §4.4),
// also held only as a hash. No I/O.
package partner

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/ccicma/platform/pkg/jsonstrict"

	"github.com/ccicma/platform/services/difficulty-alert/internal/domain/signal"
)

// Client is a partner system allowed to push signals.
type Client struct {
	ID   string
	Name string
	// SecretSHA256 is the SHA-256 of the client's secret: a secret is at
	// least MinSecretLength characters drawn at random (32 random bytes,
	// base64), so a fast hash is enough and the token endpoint cannot be
	// used to guess it.
	SecretSHA256 [32]byte
	// Scopes are the signal scopes granted (signal.PartnerScopes).
	Scopes []string
	Active bool
}

// MinSecretLength is the shortest secret accepted: a secret is generated,
// never chosen (`openssl rand -base64 32` gives 44 characters).
const MinSecretLength = 32

// ClientIDPattern is what a client id looks like (also checked by the
// table).
var ClientIDPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_.-]{2,63}$`)

// ErrClients reports a clients file that cannot be used.
var ErrClients = errors.New("invalid partner clients file")

// clientJSON is one client of the clients file.
type clientJSON struct {
	ClientID     string   `json:"client_id"`
	Name         string   `json:"name"`
	SecretSHA256 string   `json:"secret_sha256"`
	Scopes       []string `json:"scopes"`
	Active       *bool    `json:"active"`
}

// ParseClients reads the clients file: a JSON object {"clients": [...]},
// each client with its client_id, name, secret_sha256 (64 hex digits),
// scopes and, optionally, active (true by default). Strict: an unknown
// member, a duplicate id, an unknown scope or a client without scope
// fails the whole file, so that a typo never opens or closes access
// silently.
func ParseClients(data []byte) ([]Client, error) {
	var file struct {
		Clients []clientJSON `json:"clients"`
	}
	if err := jsonstrict.Decode(data, &file); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrClients, err)
	}
	var out []Client
	for i, c := range file.Clients {
		cl, err := c.client()
		if err != nil {
			return nil, fmt.Errorf("%w: client %d (%q): %w", ErrClients, i, c.ClientID, err)
		}
		if slices.ContainsFunc(out, func(o Client) bool { return o.ID == cl.ID }) {
			return nil, fmt.Errorf("%w: client %q listed twice", ErrClients, cl.ID)
		}
		out = append(out, cl)
	}
	return out, nil
}

func (c clientJSON) client() (Client, error) {
	var errs []error
	if !ClientIDPattern.MatchString(c.ClientID) {
		errs = append(errs, errors.New("client_id: 3 to 64 of a-z, 0-9, _ . -, starting with a letter or digit"))
	}
	if name := strings.TrimSpace(c.Name); name == "" || len(name) > 200 {
		errs = append(errs, errors.New("name: required, at most 200 bytes"))
	}
	sum, err := hex.DecodeString(c.SecretSHA256)
	if err != nil || len(sum) != sha256.Size {
		errs = append(errs, errors.New("secret_sha256: the SHA-256 of the secret, 64 hex digits"))
	}
	if len(c.Scopes) == 0 {
		errs = append(errs, errors.New("scopes: at least one"))
	}
	for _, s := range c.Scopes {
		if !slices.Contains(signal.PartnerScopes(), s) {
			errs = append(errs, fmt.Errorf("scopes: unknown scope %q", s))
		}
	}
	if len(errs) > 0 {
		return Client{}, errors.Join(errs...)
	}
	cl := Client{ID: c.ClientID, Name: strings.TrimSpace(c.Name), Active: c.Active == nil || *c.Active}
	copy(cl.SecretSHA256[:], sum)
	for _, s := range c.Scopes {
		if !slices.Contains(cl.Scopes, s) {
			cl.Scopes = append(cl.Scopes, s)
		}
	}
	slices.Sort(cl.Scopes)
	return cl, nil
}

// Hash is the SHA-256 of a secret or a token: what is stored, and what a
// presented one is compared with.
func Hash(s string) [32]byte { return sha256.Sum256([]byte(s)) }

// SecretMatches tells whether secret is the client's, in constant time.
func (c Client) SecretMatches(secret string) bool {
	h := Hash(secret)
	return len(secret) >= MinSecretLength && subtle.ConstantTimeCompare(h[:], c.SecretSHA256[:]) == 1
}

// Grant returns the scopes a token request gets: all the client's scopes
// when it asks for none, else those asked, which must all be the
// client's. refused lists those that are not (an invalid_scope error).
func (c Client) Grant(requested []string) (granted, refused []string) {
	if len(requested) == 0 {
		return slices.Clone(c.Scopes), nil
	}
	for _, s := range requested {
		switch {
		case !slices.Contains(c.Scopes, s):
			if !slices.Contains(refused, s) {
				refused = append(refused, s)
			}
		case !slices.Contains(granted, s):
			granted = append(granted, s)
		}
	}
	if len(refused) > 0 {
		return nil, refused
	}
	slices.Sort(granted)
	return granted, nil
}

// Caller is an authenticated partner client on the signals' route: who,
// and the scopes its token still grants (those of the token that the
// client still holds).
type Caller struct {
	ClientID string
	Scopes   []string
}

// May tells whether the caller may push signals of kind k.
func (c Caller) May(k signal.PartnerKind) bool { return slices.Contains(c.Scopes, k.Scope) }

// TokenPrefix starts every access token, so that a token found where it
// should not be (a log, a repository) is recognised for what it is.
const TokenPrefix = "dap_"
