package app

import (
	"context"
	"fmt"

	"github.com/ccicma/platform/pkg/events"

	"github.com/ccicma/platform/services/advisor-desk/internal/domain/directory"
)

// PutAdvisor creates or replaces a directory entry (admin). A replacement
// may be conditioned on the revision the admin read (If-Match).
type PutAdvisor struct {
	Directory Directory
	Places    directory.Places
	Now       Clock
}

// PutResult is the stored entry and what happened to it.
type PutResult struct {
	Advisor directory.Advisor
	// Created: the entry is new. Changed: a new revision was stored (and
	// its event emitted); false when the entry already held this data.
	Created, Changed bool
}

// Put validates a and stores it: a *directory.ValidationError when it
// breaks a rule, directory.ErrStale when ifMatch is not the current
// revision.
func (uc PutAdvisor) Put(ctx context.Context, a directory.Advisor, ifMatch *int64) (PutResult, error) {
	now := uc.Now()
	if err := a.Validate(uc.Places, now); err != nil {
		return PutResult{}, err
	}
	var res PutResult
	err := uc.Directory.SaveAdvisor(ctx, a.AdvisorID, func(cur directory.Advisor, found bool) (directory.Advisor, []events.Event, bool, error) {
		if err := directory.CheckRevision(cur, found, ifMatch); err != nil {
			return cur, nil, false, err
		}
		next, evs, ok, err := revised(cur, found, a, now)
		res = PutResult{Advisor: next, Created: !found, Changed: ok}
		return next, evs, ok, err
	})
	if err != nil {
		return PutResult{}, fmt.Errorf("put advisor %s: %w", a.AdvisorID, err)
	}
	return res, nil
}
