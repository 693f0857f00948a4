package app

import (
	"context"
	"fmt"
	"time"

	"github.com/ccicma/platform/pkg/auth"
	"github.com/ccicma/platform/pkg/events"

	"github.com/ccicma/platform/services/difficulty-alert/internal/domain/prevention"
)

// Loads reads the prevention advisors of a chamber covering a
// département, with their loads (the directory projection).
type Loads interface {
	Loads(ctx context.Context, chamber, departement string) ([]prevention.Candidate, error)
}

// HandBack is "pas pour moi": an assigned advisor hands a case not yet
// taken in charge back with a reason; it goes at once to the least loaded
// other available prevention advisor of their chamber, or to the
// chamber's prevention cell (difficulty.case.handed_back), and the
// desk's reminders restart for the new advisor.
type HandBack struct {
	Cases CaseChanges
	Loads Loads
	Now   Clock
}

// Do hands case id back as p: ErrForbidden for a case p may not act on,
// prevention.ErrNotAssigned for a cell member not assigned to it, a
// *prevention.InvalidInput for an unknown reason, ErrAlreadyTaken or
// ErrClosed past opened. The candidates are read before the case is
// locked: a load a moment old only makes the choice a little less even.
func (uc HandBack) Do(ctx context.Context, p auth.Principal, id, reason string) (prevention.Case, error) {
	var candidates []prevention.Candidate
	read := false
	return actOn(ctx, uc.Cases, uc.Now, p, id, ActionHandBack, func(c *prevention.Case, at time.Time) ([]events.Payload, error) {
		if !read && p.Chamber != "" {
			var err error
			if candidates, err = uc.Loads.Loads(ctx, p.Chamber, c.Departement); err != nil {
				return nil, fmt.Errorf("read candidates: %w", err)
			}
			read = true
		}
		ev, err := c.HandBack(p.Subject, p.Chamber, reason, candidates, at)
		if err != nil {
			return nil, err
		}
		return []events.Payload{ev}, nil
	})
}
