package app

import (
	"context"
	"fmt"
	"time"

	"github.com/ccicma/platform/services/intake/internal/domain/notice"
)

// Digests prepares the buyers' digests.
type Digests interface {
	// BuyersDue lists the buyer requests with a match waiting for a
	// digest (proposed before cutoff, its listing published, its search
	// open, the request held with its contact details) and no digest on
	// day yet.
	BuyersDue(ctx context.Context, day string, cutoff time.Time) ([]string, error)
	// PrepareDigest takes the buyer's waiting matches into the day's
	// digest and queues its e-mail, in one transaction; false when the
	// buyer already has the day's digest (another replica's, or an
	// earlier run's) or nothing waits any more.
	PrepareDigest(ctx context.Context, requestID, day string, cutoff, now time.Time) (bool, error)
}

// SendBuyerDigests is the buyers' daily digest: from Hour o'clock in Zone
// (Europe/Paris), each buyer with new listings matched above the
// threshold (FollowListings) since the last digest gets one e-mail that
// lists them, and at most one a day; a day without news sends nothing.
// It runs periodically on every replica: the day's digest row of a buyer
// (its key, request and day) is what keeps two runs from sending two.
type SendBuyerDigests struct {
	Digests Digests
	Hour    int
	Zone    *time.Location
	Now     Clock
}

// Run prepares the digests due now; it returns how many it queued.
func (uc SendBuyerDigests) Run(ctx context.Context) (int, error) {
	now := uc.Now()
	day, cutoff, due := notice.DigestDay(now, uc.Hour, uc.Zone)
	if !due {
		return 0, nil
	}
	buyers, err := uc.Digests.BuyersDue(ctx, day, cutoff)
	if err != nil {
		return 0, fmt.Errorf("buyers' digests of %s: %w", day, err)
	}
	n := 0
	for _, id := range buyers {
		ok, err := uc.Digests.PrepareDigest(ctx, id, day, cutoff, now)
		if err != nil {
			return n, fmt.Errorf("digest of %s for request %s: %w", day, id, err)
		}
		if ok {
			n++
		}
	}
	return n, nil
}
