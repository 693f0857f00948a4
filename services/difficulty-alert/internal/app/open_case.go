package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/google/uuid"

	"github.com/ccicma/platform/pkg/events"

	"github.com/ccicma/platform/services/difficulty-alert/internal/domain/prevention"
)

// OpenCase reacts to intake.difficulty.reported: it opens exactly one
// prevention case per report, assigns a prevention advisor of each routed
// chamber, and emits difficulty.case.opened.
type OpenCase struct {
	Cases Cases
	Now   Clock
	Log   *slog.Logger
}

// Handle opens the case of a report. A report routed to no chamber opens
// none and is acknowledged (see prevention.ErrNoChamber).
func (uc OpenCase) Handle(ctx context.Context, ev events.Event, p events.DifficultyReported) error {
	r, err := prevention.ReportFrom(p)
	if errors.Is(err, prevention.ErrNoChamber) {
		// Ids and the rule only: the report itself stays confidential.
		if uc.Log != nil {
			uc.Log.InfoContext(ctx, "difficulty report routed to no chamber: no case", "request_id", p.RequestID, "routing_rule", p.Routing.RuleID)
		}
		return nil
	}
	if err != nil {
		return err
	}
	if err := openCase(ctx, uc.Cases, uc.Now, ev, r); err != nil {
		return fmt.Errorf("open case for report %s: %w", r.RequestID, err)
	}
	return nil
}

// openCase opens the case of r, triggered by ev, unless ev was applied
// already or r's request has a case: it assigns the case and emits
// difficulty.case.opened in the same transaction (Cases.OpenCase).
func openCase(ctx context.Context, cases Cases, now Clock, ev events.Event, r prevention.Report) error {
	_, err := cases.OpenCase(ctx, ev, r, func(candidates []prevention.Candidate) (prevention.Case, []events.Event, error) {
		at := now()
		id, err := uuid.NewV7()
		if err != nil {
			return prevention.Case{}, nil, fmt.Errorf("case id: %w", err)
		}
		c, opened := prevention.Open(r, id.String(), prevention.Assign(r, candidates, at), at)
		out, err := events.New(Name, c.ID, c.Departement, opened, c.OpenedAt)
		if err != nil {
			return prevention.Case{}, nil, err
		}
		return c, []events.Event{out}, nil
	})
	return err
}
