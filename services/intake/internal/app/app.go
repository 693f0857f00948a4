// Package app holds intake's use cases, one per file, and the small
// interfaces through which they reach storage.
package app

import (
	"context"
	"errors"
	"time"

	"github.com/ccicma/platform/pkg/events"

	"github.com/ccicma/platform/services/intake/internal/domain/request"
)

// Source is the CloudEvents source of the events this service emits.
const Source = "intake"

// ErrIdempotencyConflict: an Idempotency-Key was reused with another body.
var ErrIdempotencyConflict = errors.New("idempotency key reused with a different request")

// ErrNotFound: no such request.
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
	// Status returns what the applicant may see of a request.
	Status(ctx context.Context, requestID string) (StatusView, error)
}

// StatusView is the applicant's view of a request: no personal data.
type StatusView struct {
	RequestID   string         `json:"request_id"`
	Kind        string         `json:"kind"`
	Status      request.Status `json:"status"`
	Routing     events.Routing `json:"routing"`
	SubmittedAt time.Time      `json:"submitted_at"`
	UpdatedAt   time.Time      `json:"updated_at"`
}

// Clock tells the time (tests control it).
type Clock func() time.Time
