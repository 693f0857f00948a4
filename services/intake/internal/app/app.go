// Package app holds intake's use cases, one per file, and the small
// interfaces through which they reach storage.
package app

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/ccicma/platform/pkg/events"

	"github.com/ccicma/platform/services/intake/internal/domain/request"
)

// Name is the service's name, written here only: every other spelling
// derives from it (service.Name; the NATS user, durable consumers and
// telemetry name through natsbus.IdentityOf; the CloudEvents source of the
// events it emits; its inbox claims; the prefix of its configuration keys,
// INTAKE_).
const Name = "intake"

// ErrIdempotencyConflict means that an Idempotency-Key was reused with
// another body.
var ErrIdempotencyConflict = errors.New("idempotency key reused with a different request")

// ErrNotFound means that there is no such request.
var ErrNotFound = errors.New("request not found")

// Idempotency identifies a client's retry of the same submission.
type Idempotency struct {
	Key         string
	Fingerprint []byte
}

// Requests stores requests.
type Requests interface {
	// SaveCreation stores the request and its events in one transaction.
	// With an idempotency key already used for the same fingerprint it
	// stores nothing and returns the earlier request's id; with another
	// fingerprint it returns ErrIdempotencyConflict.
	SaveCreation(ctx context.Context, c request.Creation, idem *Idempotency, evs []events.Event) (requestID string, err error)
	// SaveTakeoverOffer, SaveBuyerSearch and SaveDifficulty do the same for
	// the other kinds; each kind has its own idempotency keys.
	SaveTakeoverOffer(ctx context.Context, o request.TakeoverOffer, idem *Idempotency, evs []events.Event) (requestID string, err error)
	SaveBuyerSearch(ctx context.Context, b request.BuyerSearch, idem *Idempotency, evs []events.Event) (requestID string, err error)
	SaveDifficulty(ctx context.Context, d request.Difficulty, idem *Idempotency, evs []events.Event) (requestID string, err error)
	// Status returns what the applicant may see of a request.
	Status(ctx context.Context, requestID string) (StatusView, error)
}

// StatusView is the applicant's view of a request: no personal data.
type StatusView struct {
	RequestID string         `json:"request_id"`
	Kind      string         `json:"kind"`
	Status    request.Status `json:"status"`
	// Chamber holds the request's case now, once a chamber opened one: it
	// differs from the routing's lead chamber after a hand-back.
	Chamber string `json:"chamber,omitempty"`
	// Stage is the creation journey's stage reached (creation requests),
	// and Outcome how the case ended, as the chambers' events name them.
	Stage   string         `json:"stage,omitempty"`
	Outcome string         `json:"outcome,omitempty"`
	Routing events.Routing `json:"routing"`
	// Sessions are the chambers' meetings and trainings the project
	// holder was registered to, soonest first (creation requests).
	Sessions []SessionView `json:"sessions,omitempty"`
	// ProposedListings counts the listings the buyer's daily digests
	// named (buyer searches).
	ProposedListings int       `json:"proposed_listings,omitempty"`
	SubmittedAt      time.Time `json:"submitted_at"`
	UpdatedAt        time.Time `json:"updated_at"`
}

// SessionView is a session a project holder was registered to: what the
// chamber announced of it, nothing of the other registrants.
type SessionView struct {
	Chamber  string    `json:"chamber"`
	Kind     string    `json:"kind"` // information_meeting or training
	Title    string    `json:"title"`
	StartsAt time.Time `json:"starts_at"`
	Place    string    `json:"place"`
}

// Clock tells the time (tests control it).
type Clock func() time.Time

// outcome is what a submission answers: the request just stored, or the
// earlier one an Idempotency-Key replay refers to.
func outcome(ctx context.Context, requests Requests, stored, id string, r events.Routing) (Submitted, error) {
	if stored == id {
		return Submitted{RequestID: id, Routing: r}, nil
	}
	v, err := requests.Status(ctx, stored)
	if err != nil {
		return Submitted{}, fmt.Errorf("load earlier submission: %w", err)
	}
	return Submitted{RequestID: stored, Routing: v.Routing}, nil
}

// newID is the id of a new request: a UUIDv7, time-ordered for the index.
func newID() (string, error) {
	id, err := uuid.NewV7()
	if err != nil {
		return "", fmt.Errorf("request id: %w", err)
	}
	return id.String(), nil
}
