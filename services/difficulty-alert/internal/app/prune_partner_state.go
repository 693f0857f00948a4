package app

import (
	"context"
	"fmt"
	"log/slog"
	"time"
)

// DefaultPartnerKeyRetention is how long a push's Idempotency-Key is kept
// when none is set: far longer than any client retries.
const DefaultPartnerKeyRetention = 7 * 24 * time.Hour

// PartnerPruner forgets what the partners' API no longer needs.
type PartnerPruner interface {
	// PrunePartnerState deletes the Idempotency-Keys created before
	// keysBefore and the tokens expired at now.
	PrunePartnerState(ctx context.Context, keysBefore, now time.Time) (keys, tokens int64, err error)
}

// PrunePartnerState keeps the partners' tables small: a push's key is
// forgotten after KeyRetention (the same push sent after that stores
// nothing new either: its signals are duplicates by their references),
// and expired tokens go. Run on a schedule; safe on every replica.
type PrunePartnerState struct {
	Store        PartnerPruner
	Now          Clock
	KeyRetention time.Duration
	Log          *slog.Logger
}

// Run prunes once.
func (uc PrunePartnerState) Run(ctx context.Context) error {
	keep := uc.KeyRetention
	if keep <= 0 {
		keep = DefaultPartnerKeyRetention
	}
	now := uc.Now()
	keys, tokens, err := uc.Store.PrunePartnerState(ctx, now.Add(-keep), now)
	if err != nil {
		return fmt.Errorf("prune partner state: %w", err)
	}
	if uc.Log != nil && keys+tokens > 0 {
		uc.Log.InfoContext(ctx, "partner state pruned", "idempotency_keys", keys, "tokens", tokens)
	}
	return nil
}
