package app

import (
	"context"
	"fmt"
	"time"
)

// Retention erases personal data.
type Retention interface {
	// AnonymiseSubmittedBefore replaces the personal data of requests
	// submitted before cutoff (contact details, free texts) and forgets
	// their idempotency keys (whose fingerprints hash the original bodies)
	// and their e-mails (queued or sent, which name the request);
	// it keeps what the statistics need (kind, codes, routing, dates). It
	// returns how many requests it anonymised.
	AnonymiseSubmittedBefore(ctx context.Context, cutoff time.Time) (int64, error)
}

// AnonymiseRequests applies the retention period to personal data: after
// it, a request keeps its kind, codes and routing but no longer says who
// sent it or what they wrote.
type AnonymiseRequests struct {
	Requests Retention
	After    time.Duration
	Now      Clock
}

// Run anonymises every request older than the retention period.
func (uc AnonymiseRequests) Run(ctx context.Context) (int64, error) {
	n, err := uc.Requests.AnonymiseSubmittedBefore(ctx, uc.Now().Add(-uc.After))
	if err != nil {
		return n, fmt.Errorf("anonymise requests: %w", err)
	}
	return n, nil
}
