package app

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/ccicma/platform/pkg/events"

	"github.com/ccicma/platform/services/creation-support/internal/domain/creation"
)

// LeaverCases finds the open cases of advisors who may be leaving.
type LeaverCases interface {
	// CasesOfLeavers returns up to limit ids of open cases whose advisor
	// is inactive or absent beyond absentBeyond in the projection.
	CasesOfLeavers(ctx context.Context, absentBeyond time.Time, limit int) ([]string, error)
}

// ReassignLeavers moves the open cases of advisors who left, or whose
// absence lasts beyond After, to other advisors of the chamber by the
// rules of an opening (creation.case.reassigned, reason departure or
// absence; advisor-desk tells the new advisor, the previous one and the
// chamber's managers). A periodic task, on every replica: each case moves
// in its own transaction, rechecked under its lock.
type ReassignLeavers struct {
	Leavers LeaverCases
	Cases   CaseChanges
	After   time.Duration
	Now     Clock
}

// errStays marks a case whose advisor no longer leaves when it is locked.
var errStays = errors.New("the advisor stays")

// Run moves every such case, a page at a time, and returns how many moved.
func (uc ReassignLeavers) Run(ctx context.Context) (int, error) {
	now := uc.Now()
	moved := 0
	for {
		ids, err := uc.Leavers.CasesOfLeavers(ctx, now.Add(uc.After), 100)
		if err != nil {
			return moved, fmt.Errorf("find cases of leaving advisors: %w", err)
		}
		n := 0
		for _, id := range ids {
			_, err := uc.Cases.Update(ctx, id, func(c *creation.Case, dir Directory) ([]events.Event, error) {
				return uc.handOver(ctx, c, dir, now)
			})
			switch {
			case errors.Is(err, errStays), errors.Is(err, creation.ErrClosed):
			case err != nil:
				return moved, fmt.Errorf("reassign case %s of a leaving advisor: %w", id, err)
			default:
				n++
			}
		}
		moved += n
		if len(ids) < 100 || n == 0 {
			return moved, nil
		}
	}
}

// handOver moves c if its advisor still leaves now.
func (uc ReassignLeavers) handOver(ctx context.Context, c *creation.Case, dir Directory, now time.Time) ([]events.Event, error) {
	a, found, err := dir.Advisor(ctx, c.AdvisorID)
	if err != nil {
		return nil, err
	}
	reason, leaving := creation.Leaving(a, now, uc.After)
	if !found || !leaving {
		return nil, errStays
	}
	candidates, err := dir.Candidates(ctx, c.Chamber, c.Departement)
	if err != nil {
		return nil, err
	}
	ev, err := c.HandOver(reason, candidates, now)
	if err != nil {
		return nil, err
	}
	return emit(c, ev, now)
}
