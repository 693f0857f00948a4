package app

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/ccicma/platform/pkg/events"

	"github.com/ccicma/platform/services/difficulty-alert/internal/domain/prevention"
	"github.com/ccicma/platform/services/difficulty-alert/internal/domain/scoring"
	"github.com/ccicma/platform/services/difficulty-alert/internal/domain/signal"
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

// Situation is what the store knows of a business beside its signals:
// its open prevention case (opened by a score: cases name a business only
// then), its court state, its département (from its BODACC notices or its
// latest case) and the chambers of its latest case.
type Situation struct {
	OpenCase                  *prevention.Case
	Court                     *CourtState
	Departement               string
	Chamber, SecondaryChamber string
}

// Rescored is what a rescoring decided for a business: its new record,
// the events to emit, and the prevention case it opened or changed
// (escalated, closed), if any.
type Rescored struct {
	Business ScoredBusiness
	Events   []events.Event
	Opened   *prevention.Case
	Changed  *prevention.Case
}

// ScoreFunc decides a business's new record from the stored one, its
// signals (all its active ones: scoring leaves out the expired) and its
// situation. The store calls it inside the transaction that writes the
// signals, the business's row locked, and stores what it returns with the
// events in the outbox.
type ScoreFunc func(b ScoredBusiness, signals []scoring.Signal, s Situation) (Rescored, error)

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

// Func is the ScoreFunc of a rescoring now. Beside the score and the
// level change event, it acts on the business's prevention case: a
// liquidation judiciaire (its court state) closes the open case, by the
// system, with the reason business_closed (its advisors are told by the
// event), and opens none; otherwise a level rising to "risque modéré" or
// "risque fort" raises the open case's level (vigilance, call_back) or,
// when it has none, opens one for the prevention cell of its chambers
// (those of its latest case, else both), in its département (a business
// whose département is unknown gets no case: the level_changed event
// tells the cell of both chambers).
func (uc Rescore) Func() ScoreFunc {
	now := uc.Now()
	return func(b ScoredBusiness, signals []scoring.Signal, s Situation) (Rescored, error) {
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
		out := Rescored{Business: next}
		if change, ok := scoring.LevelChanged(b.ID, previous, next.Level, next.RulesVersion, now); ok {
			if err := out.emit(b.ID, events.NoTerritory, change, now); err != nil {
				return out, err
			}
		}
		if s.Court != nil && s.Court.Procedure == signal.ProcedureLiquidationJudiciaire {
			if s.OpenCase == nil {
				return out, nil
			}
			c := *s.OpenCase
			ev, err := c.Close(prevention.CloseBusinessClosed, prevention.ClosedBySystem, now)
			if err != nil {
				return out, fmt.Errorf("close case %s: %w", c.ID, err)
			}
			out.Changed = &c
			return out, out.emit(c.ID, c.Departement, ev, now)
		}
		if !scoring.Rising(previous, next.Level) || next.Level == scoring.LevelNone {
			return out, nil
		}
		level := CaseLevel(next.Level)
		if s.OpenCase != nil {
			c := *s.OpenCase
			ev, ok := c.Escalate(level, now)
			if !ok {
				return out, nil
			}
			out.Changed = &c
			return out, out.emit(c.ID, c.Departement, ev, now)
		}
		if s.Departement == "" {
			return out, nil
		}
		o := prevention.ScoreOpening{SIREN: b.SIREN, Chamber: s.Chamber, SecondaryChamber: s.SecondaryChamber,
			Departement: s.Departement, Level: level}
		if o.Chamber == "" {
			o.Chamber, o.SecondaryChamber = prevention.JointLeadChamber, prevention.JointSecondaryChamber
		}
		id, err := uuid.NewV7()
		if err != nil {
			return out, err
		}
		c, ev := prevention.OpenForScore(o, id.String(), now)
		out.Opened = &c
		return out, out.emit(c.ID, c.Departement, ev, now)
	}
}

func (r *Rescored) emit(aggregate, territory string, p events.Payload, now time.Time) error {
	ev, err := events.New(Name, aggregate, territory, p, now)
	if err != nil {
		return err
	}
	r.Events = append(r.Events, ev)
	return nil
}

// CaseLevel is the prevention case level of a business's risk level:
// "risque modéré" is vigilance, "risque fort" a call back.
func CaseLevel(l scoring.Level) string {
	switch l {
	case scoring.LevelHigh:
		return events.DifficultyCallBack
	case scoring.LevelModerate:
		return events.DifficultyVigilance
	default:
		return events.DifficultyNone
	}
}
