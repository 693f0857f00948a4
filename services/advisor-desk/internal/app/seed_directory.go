package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/ccicma/platform/pkg/events"

	"github.com/ccicma/platform/services/advisor-desk/internal/domain/directory"
)

// SeedDirectory adds the entries of a JSON file (the demo directory, or
// ADVISORS_FILE) that the directory does not hold yet, each at revision 1
// with its advisor.directory.updated event. An entry the directory already
// holds is left as it is, even if the file differs: once stored, an entry
// belongs to the admin API and the CSV import, and a restart must not undo
// an admin's change (an absence, a new capacity). Restarts are quiet.
type SeedDirectory struct {
	Directory Directory
	Places    directory.Places
	Now       Clock
}

// Import validates every entry first, then adds the missing ones; nothing
// is saved when any entry is invalid. It returns how many it added.
func (uc SeedDirectory) Import(ctx context.Context, raw []byte) (changed int, err error) {
	var entries []directory.Advisor
	if err := json.Unmarshal(raw, &entries); err != nil {
		return 0, fmt.Errorf("read advisor directory: %w", err)
	}
	now := uc.Now()
	var errs []error
	for _, a := range entries {
		errs = append(errs, a.Validate(uc.Places, now))
	}
	if err := errors.Join(errs...); err != nil {
		return 0, err
	}
	for _, a := range entries {
		err := uc.Directory.SaveAdvisor(ctx, a.AdvisorID, func(cur directory.Advisor, found bool) (directory.Advisor, []events.Event, bool, error) {
			if found {
				return cur, nil, false, nil
			}
			next, evs, ok, err := revised(cur, found, a, now)
			if ok {
				changed++
			}
			return next, evs, ok, err
		})
		// ErrStale: another replica, starting too, added it meanwhile.
		if err != nil && !errors.Is(err, directory.ErrStale) {
			return changed, fmt.Errorf("save advisor %s: %w", a.AdvisorID, err)
		}
	}
	return changed, nil
}
