package app

import (
	"context"
	"fmt"
	"time"
)

// DefaultDecayBatch is how many businesses one transaction of the daily
// rescoring scores.
const DefaultDecayBatch = 1000

// DecayScores rescores, once a day, every business whose signals still
// count: their points decay with time, and expire. A run rescores the
// businesses not yet scored today (UTC), a batch a transaction, until
// none is left; replicas running it together share the work (each batch
// skips the rows another holds), and a run cut short is finished by the
// next.
type DecayScores struct {
	Rescore Rescore
	Batch   int
}

// Run rescores the businesses due and says how many.
func (uc DecayScores) Run(ctx context.Context) (int, error) {
	size := uc.Batch
	if size <= 0 {
		size = DefaultDecayBatch
	}
	now := uc.Rescore.Now()
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	total := 0
	for {
		n, err := uc.Rescore.Scores.RescoreDue(ctx, today, size, uc.Rescore.Func())
		total += n
		if err != nil {
			return total, fmt.Errorf("daily rescoring: %w", err)
		}
		if n < size {
			return total, nil
		}
	}
}
