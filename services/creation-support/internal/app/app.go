// Package app holds creation-support's use cases, one per file. They speak
// the domain's language and reach storage through the small interfaces
// declared here.
package app

import (
	"context"
	"time"

	"github.com/ccicma/platform/pkg/events"

	"github.com/ccicma/platform/services/creation-support/internal/domain/access"
	"github.com/ccicma/platform/services/creation-support/internal/domain/creation"
)

// Name is the service's name, written here only: every other spelling
// derives from it (service.Name; the NATS user, durable consumers and
// telemetry name through natsbus.IdentityOf; the CloudEvents source of the
// events it emits; its inbox claims; the prefix of its configuration keys,
// CREATION_SUPPORT_).
const Name = "creation-support"

// Cases stores creation cases. OpenCase runs decide inside one transaction
// that also claims the triggering event (idempotency), reads the candidate
// advisors with their load, stores the case and its events in the outbox,
// and counts the case in the advisor's load. A duplicate trigger, or a
// request that already has a case, opens nothing. Within a unit of work
// (pgdb.Unit) the opening may be made when the unit flushes, with the
// unit's other openings: decide then runs later, and must be safe to run
// then (it sees the loads with the cases decided before it).
type Cases interface {
	OpenCase(ctx context.Context, trigger events.Event, req creation.Request,
		decide func(candidates []creation.AdvisorLoad) (creation.Case, []events.Event, error)) error
}

// Clock tells the time (tests control it).
type Clock func() time.Time

// CaseChanges changes existing cases.
type CaseChanges interface {
	// Update locks the case, lets change modify it (reading the directory
	// within the same transaction), then stores the case, its new
	// hand-backs, the advisors' loads and the events change returns, all
	// in one transaction. It returns creation.ErrCaseNotFound for an
	// unknown id, and change's error as is (nothing is written then).
	Update(ctx context.Context, caseID string, change func(c *creation.Case, dir Directory) ([]events.Event, error)) (creation.Case, error)
}

// Directory reads the advisor projection within a case change.
type Directory interface {
	// Candidates returns the active advisors of chamber who take creation
	// cases in the département, with their load.
	Candidates(ctx context.Context, chamber, departement string) ([]creation.AdvisorLoad, error)
	// Advisor returns an advisor's entry.
	Advisor(ctx context.Context, advisorID string) (creation.Advisor, bool, error)
}

// emit wraps one payload about case c as an event.
func emit(c *creation.Case, p events.Payload, at time.Time) ([]events.Event, error) {
	ev, err := events.New(Name, c.ID, c.Departement, p, at)
	if err != nil {
		return nil, err
	}
	return []events.Event{ev}, nil
}

// CaseQuery selects the cases a list shows.
type CaseQuery struct {
	// Scope is what the reader may see (access.ScopeOf, which ReadCases
	// applies).
	Scope access.Scope
	// Status (opened, in_progress, closed), Stage (one of the journey)
	// and AdvisorID filter when set.
	Status    string
	Stage     creation.Stage
	AdvisorID string
	// After is the last case id of the previous page (ids are UUIDv7, so
	// pages run in opening order); Limit bounds the page.
	After string
	Limit int
}

// CaseReader reads cases for the advisors' API.
type CaseReader interface {
	// Case returns a case with its hand-backs; found is false for an
	// unknown id.
	Case(ctx context.Context, caseID string) (c creation.Case, found bool, err error)
	// ListCases returns a page of cases, without their hand-backs.
	ListCases(ctx context.Context, q CaseQuery) ([]creation.Case, error)
}
