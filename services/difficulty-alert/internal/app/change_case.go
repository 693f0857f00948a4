package app

import (
	"context"
	"fmt"
	"time"

	"github.com/ccicma/platform/pkg/audit"
	"github.com/ccicma/platform/pkg/auth"
	"github.com/ccicma/platform/pkg/events"

	"github.com/ccicma/platform/services/difficulty-alert/internal/domain/access"
	"github.com/ccicma/platform/services/difficulty-alert/internal/domain/prevention"
)

// actOn runs act on case id as p, in one transaction: an unknown case and
// a case p may not act on give the same ErrForbidden (as a read does); act
// returns the payloads to emit, stored with the case and with p's audit
// entry (action), so that a case changes, and comes back, only audited.
func actOn(ctx context.Context, cases CaseChanges, now Clock, p auth.Principal, id, action string,
	act func(c *prevention.Case, at time.Time) ([]events.Payload, error)) (prevention.Case, error) {
	at := now()
	c, found, err := cases.ChangeCase(ctx, id, func(c *prevention.Case) (Change, error) {
		if !access.ActOnCase(p, *c) {
			return Change{}, ErrForbidden
		}
		ps, err := act(c, at)
		if err != nil {
			return Change{}, err
		}
		evs := make([]events.Event, len(ps))
		for i, pl := range ps {
			if evs[i], err = events.New(Name, c.ID, c.Departement, pl, at); err != nil {
				return Change{}, err
			}
		}
		return Change{Events: evs, Audit: &audit.Entry{At: at, ActorID: p.Subject, ActorChamber: p.Chamber, Action: action,
			Resource: ResourceCase, ResourceID: c.ID, Chambers: c.Chambers(), TraceID: audit.TraceID(ctx)}}, nil
	})
	if err != nil {
		return prevention.Case{}, fmt.Errorf("%s case %s: %w", action, id, err)
	}
	if !found {
		return prevention.Case{}, ErrForbidden
	}
	return c, nil
}
