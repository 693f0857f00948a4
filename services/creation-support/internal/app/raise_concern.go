package app

import (
	"context"
	"errors"

	"github.com/ccicma/platform/pkg/auth"
	"github.com/ccicma/platform/pkg/events"

	"github.com/ccicma/platform/services/creation-support/internal/domain/creation"
)

// RaiseConcern is the advisor following a registered business (or a
// manager of its lead chamber) saying, between two checkpoints, that it
// looks in difficulty (creation.case.concern_raised): difficulty-alert
// opens a prevention case the chambers' prevention cells call back. When
// the case has a registered SIREN the business is named to
// difficulty-alert alone (prevention.creation_concern.identified, on the
// confidential PREVENTION stream), in the same transaction as the concern.
type RaiseConcern struct {
	Cases CaseChanges
	Now   Clock
	NewID func() (string, error)
}

// errDayHasConcern abandons the change of a case that has its concern
// today already: nothing is written, and the day's concern is answered.
var errDayHasConcern = errors.New("the case has its concern today")

// Do raises a concern about case caseID as p, having seen kinds. raised
// is false when the UTC day already had its concern, which is returned as
// it is (nothing stored, nothing emitted). Input errors come first (an
// *creation.InvalidInput naming concerns), then access
// (access.FollowUp), then the case's state (creation.ErrClosed,
// creation.ErrNotInFollowUp).
func (uc RaiseConcern) Do(ctx context.Context, p auth.Principal, caseID string, kinds []string) (c creation.Concern, raised bool, err error) {
	if err := creation.CheckConcernKinds(kinds); err != nil {
		return creation.Concern{}, false, err
	}
	id, err := uc.NewID()
	if err != nil {
		return creation.Concern{}, false, err
	}
	now := uc.Now()
	var res creation.ConcernRaised
	_, err = followUp(ctx, uc.Cases, now, p, caseID, "raise a concern", func(c *creation.Case) ([]events.Payload, error) {
		var err error
		if res, err = c.RaiseConcern(kinds, id, p.Subject, now); err != nil {
			return nil, err
		}
		if !res.Raised {
			return nil, errDayHasConcern
		}
		out := []events.Payload{*res.Signal}
		if res.Identified != nil {
			out = append(out, *res.Identified)
		}
		return out, nil
	})
	switch {
	case errors.Is(err, errDayHasConcern):
		return res.Concern, false, nil
	case err != nil:
		return creation.Concern{}, false, err
	}
	return res.Concern, true, nil
}
