package app

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/ccicma/platform/pkg/events"

	"github.com/ccicma/platform/services/difficulty-alert/internal/domain/scoring"
)

// ScoredBusiness is a business's record: its opaque number (used in
// events, never the SIREN), its SIREN, its current score and since when
// it has its level.
type ScoredBusiness struct {
	ID    string
	SIREN string
	scoring.Score
	// ScoredAt is when it was last scored (zero: never).
	ScoredAt time.Time
	// LevelSince is when it reached its level (zero: never scored).
	LevelSince time.Time
}

// ScoreFunc decides a business's new record from the stored one and its
// signals (all its active ones: scoring leaves out the expired), and the
// events to emit. The store calls it inside the transaction that writes
// the signals, the business's row locked, and stores what it returns with
// the events in the outbox.
type ScoreFunc func(b ScoredBusiness, signals []scoring.Signal) (ScoredBusiness, []events.Event, error)

// Scores stores the businesses' scores.
type Scores interface {
	// Rescore scores the businesses of sirens (creating their records
	// the first time) in one transaction, with score.
	Rescore(ctx context.Context, sirens []string, score ScoreFunc) error
	// RescoreDue scores up to limit businesses with signals still
	// counting and last scored before due, in one transaction, skipping
	// those another replica is scoring; it says how many it scored.
	RescoreDue(ctx context.Context, due time.Time, limit int, score ScoreFunc) (int, error)
}

// Rescorer is the port every writer of signals calls after the
// transaction that wrote them, when it cannot score in it (the
// partners' API): the businesses of sirens are rescored at once.
type Rescorer interface {
	Rescore(ctx context.Context, sirens []string) error
}

// Rescore scores businesses under the rules: on every new signal (the
// BODACC import scores in its own transactions with Func; other writers
// call Rescore) and every day for decay (DecayScores). A change of level,
// either way, emits difficulty.business.level_changed once.
type Rescore struct {
	Scores Scores
	Rules  *scoring.Rules
	Now    Clock
}

var _ Rescorer = Rescore{}

// Rescore implements Rescorer.
func (uc Rescore) Rescore(ctx context.Context, sirens []string) error {
	if len(sirens) == 0 {
		return nil
	}
	// Sorted, so that concurrent rescorings lock the rows in the same
	// order.
	sirens = slices.Compact(slices.Sorted(slices.Values(sirens)))
	if err := uc.Scores.Rescore(ctx, sirens, uc.Func()); err != nil {
		return fmt.Errorf("rescore %d businesses: %w", len(sirens), err)
	}
	return nil
}

// Func is the ScoreFunc of a rescoring now.
func (uc Rescore) Func() ScoreFunc {
	now := uc.Now()
	return func(b ScoredBusiness, signals []scoring.Signal) (ScoredBusiness, []events.Event, error) {
		next := b
		next.Score = uc.Rules.Score(signals, now)
		next.ScoredAt = now
		previous := b.Level
		if b.ScoredAt.IsZero() || previous == "" {
			previous = scoring.LevelNone
		}
		if b.LevelSince.IsZero() || previous != next.Level {
			next.LevelSince = now
		}
		change, ok := scoring.LevelChanged(b.ID, previous, next.Level, next.RulesVersion, now)
		if !ok {
			return next, nil, nil
		}
		ev, err := events.New(Name, b.ID, events.NoTerritory, change, now)
		if err != nil {
			return next, nil, err
		}
		return next, []events.Event{ev}, nil
	}
}
