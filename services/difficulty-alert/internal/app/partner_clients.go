package app

import (
	"context"
	"errors"
	"time"

	"github.com/ccicma/platform/services/difficulty-alert/internal/domain/partner"
)

// PartnerClients stores the partner clients and their access tokens.
type PartnerClients interface {
	// SyncClients makes the stored clients those given: new ones are
	// added, known ones updated, and those not given made inactive
	// (kept, so that their calls stay explained).
	SyncClients(ctx context.Context, clients []partner.Client, at time.Time) error
	// Client returns a client by id; found is false for an unknown id.
	Client(ctx context.Context, id string) (c partner.Client, found bool, err error)
	// StoreToken stores an issued token (its hash) and forgets the
	// client's expired ones.
	StoreToken(ctx context.Context, t IssuedToken) error
	// TokenCaller returns the caller of the token with this hash: its
	// client, if still active, and the scopes of the token the client
	// still holds; found is false for an unknown token or an inactive
	// client.
	TokenCaller(ctx context.Context, hash [32]byte) (c partner.Caller, expires time.Time, found bool, err error)
}

// IssuedToken is an access token as stored: its hash only.
type IssuedToken struct {
	Hash     [32]byte
	ClientID string
	Scopes   []string
	Issued   time.Time
	Expires  time.Time
}

// PartnerCalls records the calls to the partners' API (partner_calls).
type PartnerCalls interface {
	RecordCall(ctx context.Context, c PartnerCall) error
}

// PartnerCall is one call to the partners' API, as the audit keeps it:
// never the secret, the token nor a SIREN.
type PartnerCall struct {
	At time.Time
	// ClientID is the client that called, or that the caller claimed to
	// be; empty when unknown.
	ClientID string
	Route    string
	Outcome  string
	// Kinds are the kinds of signals pushed (known ones), Signals how
	// many.
	Kinds          []string
	Signals        int
	IdempotencyKey string
	TraceID        string
}

// Routes of the partners' API, as partner_calls names them.
const (
	PartnerRouteToken   = "token"
	PartnerRouteSignals = "signals"
)

// Outcomes of a partner call.
const (
	PartnerIssued              = "issued"                 // a token was issued
	PartnerInvalidClient       = "invalid_client"         // unknown or inactive client, wrong secret
	PartnerInvalidScope        = "invalid_scope"          // scopes asked beyond the client's
	PartnerInvalidRequest      = "invalid_request"        // a token request without its parameters
	PartnerUnsupportedGrant    = "unsupported_grant_type" // another grant than client_credentials
	PartnerUnauthenticated     = "unauthenticated"        // no bearer token
	PartnerInvalidToken        = "invalid_token"          // an unknown or expired token
	PartnerRateLimited         = "rate_limited"           // over the client's rate (429)
	PartnerForbiddenKind       = "forbidden_kind"         // a kind outside the token's scopes (403)
	PartnerMalformed           = "malformed"              // unreadable body or header (400, 413, 415)
	PartnerInvalid             = "invalid"                // a bad field (422)
	PartnerIdempotencyConflict = "idempotency_conflict"   // a key used before for another body (422)
	PartnerAccepted            = "accepted"               // the signals stored
	PartnerReplayed            = "replayed"               // the same key and body: the first answer again
	PartnerFailed              = "failed"                 // the service could not answer (503)
)

// Errors of the partners' API.
var (
	// ErrInvalidClient: unknown or inactive client, or a wrong secret
	// (one error for all, so that nobody learns which clients exist).
	ErrInvalidClient = errors.New("invalid client")
	// ErrInvalidToken: an unknown token, or one whose client is inactive.
	ErrInvalidToken = errors.New("invalid token")
	// ErrTokenExpired: a token past its expiry.
	ErrTokenExpired = errors.New("token expired")
	// ErrIdempotencyConflict: the Idempotency-Key was used before for
	// another body.
	ErrIdempotencyConflict = errors.New("idempotency key used for another body")
)

// ScopeError lists the scopes asked for beyond the client's (token), or
// the kinds pushed beyond the token's scopes (signals).
type ScopeError struct{ Refused []string }

func (e *ScopeError) Error() string { return "out of scope" }
