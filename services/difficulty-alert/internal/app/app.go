// Package app holds difficulty-alert's use cases, one per file: opening a
// prevention case from a difficulty report or from a creation advisor's
// observation at a post-creation checkpoint, reading cases (each read
// audited), taking a case in charge, recording its actions, closing it,
// handing it back, querying the audit log, importing the BODACC, scoring
// businesses, and taking partners' signals (their tokens, their pushes,
// the audit of their calls). They speak the domain's language and reach
// storage through the small interfaces declared here. The advisor
// directory is projected by the use case every assigning service shares
// (projection.ProjectAdvisor).
package app

import (
	"context"
	"errors"
	"time"

	"github.com/ccicma/platform/pkg/audit"
	"github.com/ccicma/platform/pkg/events"

	"github.com/ccicma/platform/services/difficulty-alert/internal/domain/access"
	"github.com/ccicma/platform/services/difficulty-alert/internal/domain/prevention"
)

// Name is the service's name, written here only: every other spelling
// derives from it (service.Name; the NATS user, durable consumers and
// telemetry name through natsbus.IdentityOf; the CloudEvents source of the
// events it emits; its inbox claims; the prefix of its configuration keys,
// DIFFICULTY_ALERT_).
const Name = "difficulty-alert"

// ResourceCase names difficulty cases in the audit log.
const ResourceCase = "difficulty_case"

// Audit actions.
const (
	ActionList = "list" // the case was in a list the reader received
	ActionRead = "read" // the reader received the case itself
	// The case changed, and came back to the advisor in the answer.
	ActionTakeInCharge = "take_in_charge"
	ActionRecordAction = "record_action"
	ActionClose        = "close"
	ActionHandBack     = "hand_back"
)

// Errors the ports map to answers.
var (
	// ErrForbidden: the access rules refuse the reader (403).
	ErrForbidden = errors.New("access refused")
	// ErrNotAudited: the read could not be recorded, so nothing was read
	// (503): an unaudited read must not happen.
	ErrNotAudited = errors.New("read not audited")
)

// Cases stores prevention cases. OpenCase runs decide inside one
// transaction that also claims the triggering event (idempotency), reads
// the candidate advisors of the report's chambers with their load, stores
// the case and its events in the outbox, and counts the case in its
// advisors' loads. It reports applied=false for a duplicate event. A
// request that already has a case (a report replayed under another event
// id, a second observation of the same creation case) opens nothing.
type Cases interface {
	OpenCase(ctx context.Context, trigger events.Event, r prevention.Report,
		decide func(candidates []prevention.Candidate) (prevention.Case, []events.Event, error)) (applied bool, err error)
}

// CaseReader reads cases for the API.
type CaseReader interface {
	// Case returns a case by id; found is false for an unknown id.
	Case(ctx context.Context, id string) (c prevention.Case, found bool, err error)
	// VisibleCases returns the cases in scope, newest first, older than
	// the case before (all when empty), at most limit.
	VisibleCases(ctx context.Context, scope access.Scope, before string, limit int) ([]prevention.Case, error)
}

// CaseChanges changes prevention cases, one at a time.
type CaseChanges interface {
	// ChangeCase locks case id and reads it with its actions, runs change
	// on it, then stores in the same transaction what change did: the
	// case's status, lifecycle and assigned advisors, the actions added,
	// the advisors' loads (an advisor joining counts the case, a case
	// closing is counted no more), the events in the outbox and the audit
	// entry. An error of change stores nothing. found is false for an
	// unknown id (change is not run).
	ChangeCase(ctx context.Context, id string, change func(c *prevention.Case) (Change, error)) (c prevention.Case, found bool, err error)
}

// Change is what a change of a case writes besides the case: its events,
// and the audit entry of the advisor who changed it (the case comes back
// to them, so it is a read as well).
type Change struct {
	Events []events.Event
	Audit  *audit.Entry
}

// AuditLog records reads and queries them (pkg/audit on the service's
// table).
type AuditLog interface {
	Record(ctx context.Context, entries ...audit.Entry) error
	Query(ctx context.Context, f audit.Filter) ([]audit.Entry, error)
}

// Clock tells the time (tests control it).
type Clock func() time.Time
