package app

import (
	"context"
	"fmt"

	"github.com/ccicma/platform/pkg/events"

	"github.com/ccicma/platform/services/advisor-desk/internal/domain/directory"
)

// ImportDirectory creates or replaces the advisors of a CSV file (admin),
// all or nothing: a file with any bad row changes nothing. Advisors the
// file does not list are left as they are (deactivate them with
// active=false). An unchanged row writes nothing and emits nothing, so a
// file can be imported again safely.
type ImportDirectory struct {
	Directory DirectoryBatch
	Places    directory.Places
	Now       Clock
}

// ImportResult counts the rows of an import by outcome.
type ImportResult struct {
	Created   int `json:"created"`
	Updated   int `json:"updated"`
	Unchanged int `json:"unchanged"`
}

// Import reads, checks and stores the file. A bad file is an
// *directory.ImportError naming each bad row and field.
func (uc ImportDirectory) Import(ctx context.Context, csv []byte) (ImportResult, error) {
	now := uc.Now()
	rows, err := directory.ReadImport(csv, uc.Places, now)
	if err != nil {
		return ImportResult{}, err
	}
	byID := make(map[string]directory.Advisor, len(rows))
	ids := make([]string, 0, len(rows))
	for _, r := range rows {
		byID[r.Advisor.AdvisorID] = r.Advisor
		ids = append(ids, r.Advisor.AdvisorID)
	}
	var res ImportResult
	err = uc.Directory.SaveAdvisors(ctx, ids, func(id string, cur directory.Advisor, found bool) (directory.Advisor, []events.Event, bool, error) {
		next, evs, ok, err := revised(cur, found, byID[id], now)
		switch {
		case err != nil:
		case !ok:
			res.Unchanged++
		case found:
			res.Updated++
		default:
			res.Created++
		}
		return next, evs, ok, err
	})
	if err != nil {
		return ImportResult{}, fmt.Errorf("import directory: %w", err)
	}
	return res, nil
}
