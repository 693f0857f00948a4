package app

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"time"

	"github.com/ccicma/platform/services/difficulty-alert/internal/domain/partner"
)

// DefaultPartnerTokenTTL is an access token's lifetime when none is set.
const DefaultPartnerTokenTTL = 15 * time.Minute

// PartnerToken is an issued access token, to send once to its client.
type PartnerToken struct {
	Value   string
	Expires time.Time
	Scopes  []string
}

// IssuePartnerToken is the client credentials grant (RFC 6749 §4.4): a
// partner client with the right secret gets a short-lived opaque token
// with the scopes it asks for (all of its own when it asks for none). The
// token is random (256 bits) and stored only as its hash, so the table
// leaks no usable token.
type IssuePartnerToken struct {
	Clients PartnerClients
	Now     Clock
	TTL     time.Duration
}

// dummyClient stands for an unknown client id, so that an unknown id and
// a wrong secret take the same time to refuse.
var dummyClient = partner.Client{SecretSHA256: partner.Hash("an unknown client has no secret, this one is compared instead")}

// Issue checks the client's credentials and issues a token. Errors:
// ErrInvalidClient, *ScopeError (scopes beyond the client's).
func (uc IssuePartnerToken) Issue(ctx context.Context, clientID, secret string, scopes []string) (PartnerToken, error) {
	c, found, err := uc.Clients.Client(ctx, clientID)
	if err != nil {
		return PartnerToken{}, fmt.Errorf("read partner client: %w", err)
	}
	if !found {
		c = dummyClient
	}
	if ok := c.SecretMatches(secret); !ok || !found || !c.Active {
		return PartnerToken{}, ErrInvalidClient
	}
	granted, refused := c.Grant(scopes)
	if len(refused) > 0 {
		return PartnerToken{}, &ScopeError{Refused: refused}
	}
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return PartnerToken{}, fmt.Errorf("draw a token: %w", err)
	}
	value := partner.TokenPrefix + base64.RawURLEncoding.EncodeToString(raw)
	ttl := uc.TTL
	if ttl <= 0 {
		ttl = DefaultPartnerTokenTTL
	}
	now := uc.Now()
	t := IssuedToken{Hash: partner.Hash(value), ClientID: c.ID, Scopes: granted, Issued: now, Expires: now.Add(ttl)}
	if err := uc.Clients.StoreToken(ctx, t); err != nil {
		return PartnerToken{}, fmt.Errorf("store partner token: %w", err)
	}
	return PartnerToken{Value: value, Expires: t.Expires, Scopes: granted}, nil
}
