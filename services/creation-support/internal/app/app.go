// Package app holds creation-support's use cases, one per file. They speak
// the domain's language and reach storage through the small interfaces
// declared here.
package app

import (
	"context"
	"time"

	"github.com/ccicma/platform/pkg/events"

	"github.com/ccicma/platform/services/creation-support/internal/domain/creation"
)

// Source is the CloudEvents source of the events this service emits.
const Source = "creation-support"

// Cases stores creation cases. OpenCase runs decide inside one transaction
// that also claims the triggering event (idempotency), reads the candidate
// advisors with their load, stores the case and its events in the outbox,
// and counts the case in the advisor's load. It reports applied=false for a duplicate.
type Cases interface {
	OpenCase(ctx context.Context, trigger events.Event, req creation.Request,
		decide func(candidates []creation.AdvisorLoad) (creation.Case, []events.Event, error)) (applied bool, err error)
}

// Advisors stores the projection of the advisor directory.
type Advisors interface {
	// UpsertAdvisor keeps the entry with the highest revision.
	UpsertAdvisor(ctx context.Context, trigger events.Event, a creation.Advisor) error
}

// Clock tells the time (tests control it).
type Clock func() time.Time
