package app

import (
	"context"

	"github.com/ccicma/platform/pkg/auth"
	"github.com/ccicma/platform/pkg/events"

	"github.com/ccicma/platform/services/takeover-matching/internal/domain/takeover"
)

// MatchInProgress is a match with its introduction and what its events
// need from its sides: the offer's département (the events' territory)
// and both sides' intake requests (which only the introduction's event
// carries).
type MatchInProgress struct {
	Match           takeover.Match
	Introduction    takeover.Introduction
	Departement     string
	OfferRequestID  string
	SearchRequestID string
}

// Introductions stores matches' introductions. TakeStep runs decide on
// the match locked for update and stores, in the same transaction, the
// introduction it returns (the last step of its history appended) and
// the event in the outbox. An unknown match is ErrNotFound; nothing is
// stored when decide fails.
type Introductions interface {
	TakeStep(ctx context.Context, matchID string,
		decide func(m MatchInProgress) (takeover.Introduction, events.Event, error)) (takeover.Introduction, error)
	// Introductions reads the introductions of matches, by match id (a
	// match just proposed has one at takeover.StageProposed); an unknown
	// id is ErrNotFound.
	Introductions(ctx context.Context, matchIDs []string) (map[string]takeover.Introduction, error)
}

// TakeMatchStep lets the advisors of a match's sides take the steps of
// its introduction (takeover.Introduction.Take), each announced by
// takeover.match.stage_changed.
type TakeMatchStep struct {
	Introductions Introductions
	Now           Clock
}

// Take takes step a on match id for p and returns the introduction after
// it: ErrNotFound, takeover.ErrWrongPerson, takeover.ErrWrongStage or a
// *takeover.StepError.
func (uc TakeMatchStep) Take(ctx context.Context, p auth.Principal, id string, a takeover.Action) (takeover.Introduction, error) {
	if !validUUID(id) {
		return takeover.Introduction{}, ErrNotFound
	}
	now := uc.Now()
	return uc.Introductions.TakeStep(ctx, id, func(m MatchInProgress) (takeover.Introduction, events.Event, error) {
		next, change, err := m.Introduction.Take(m.Match, p, a, now)
		if err != nil {
			return takeover.Introduction{}, events.Event{}, err
		}
		ev, err := events.New(Name, m.Match.ID, m.Departement, change.Event(m.Match, m.OfferRequestID, m.SearchRequestID), change.At)
		return next, ev, err
	})
}
