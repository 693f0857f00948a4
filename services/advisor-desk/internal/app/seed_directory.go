package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/ccicma/platform/pkg/events"

	"github.com/ccicma/platform/services/advisor-desk/internal/domain/directory"
)

// SeedDirectory imports directory entries (the demo file for now): a new or
// changed entry gets the next revision and emits advisor.directory.updated;
// an unchanged entry emits nothing, so restarts are quiet.
type SeedDirectory struct {
	Directory Directory
	Now       Clock
}

// Import validates every entry first, then saves them; nothing is saved
// when any entry is invalid.
func (uc SeedDirectory) Import(ctx context.Context, raw []byte) (changed int, err error) {
	var entries []directory.Advisor
	if err := json.Unmarshal(raw, &entries); err != nil {
		return 0, fmt.Errorf("read advisor directory: %w", err)
	}
	var errs []error
	for _, a := range entries {
		errs = append(errs, a.Validate())
	}
	if err := errors.Join(errs...); err != nil {
		return 0, err
	}
	for _, a := range entries {
		err := uc.Directory.SaveAdvisor(ctx, a.AdvisorID, func(cur directory.Advisor, found bool) (directory.Advisor, []events.Event, bool, error) {
			if found && cur.SameAs(a) {
				return cur, nil, false, nil
			}
			next := a
			next.Revision = cur.Revision + 1
			now := uc.Now()
			ev, err := events.New(Source, next.AdvisorID, next.HomeDepartement(), next.Changed(now), now)
			if err != nil {
				return cur, nil, false, err
			}
			changed++
			return next, []events.Event{ev}, true, nil
		})
		if err != nil {
			return changed, fmt.Errorf("save advisor %s: %w", a.AdvisorID, err)
		}
	}
	return changed, nil
}
