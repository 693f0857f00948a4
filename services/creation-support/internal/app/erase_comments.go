package app

import (
	"context"
	"fmt"
	"time"
)

// Comments erases hand-back comments.
type Comments interface {
	// EraseComments blanks the comments of hand-backs made before t and
	// returns how many it blanked.
	EraseComments(ctx context.Context, before time.Time) (int64, error)
}

// EraseComments applies the retention of personal data to the advisors'
// hand-back comments: free text may name the applicant, so it does not
// outlive the retention period (the reason codes, which do not, remain).
type EraseComments struct {
	Comments Comments
	After    time.Duration
	Now      Clock
}

// Run erases the comments older than the retention period.
func (uc EraseComments) Run(ctx context.Context) (int64, error) {
	n, err := uc.Comments.EraseComments(ctx, uc.Now().Add(-uc.After))
	if err != nil {
		return n, fmt.Errorf("erase hand-back comments: %w", err)
	}
	return n, nil
}
