package app

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/ccicma/platform/pkg/auth"
	"github.com/ccicma/platform/pkg/events"

	"github.com/ccicma/platform/services/creation-support/internal/domain/access"
	"github.com/ccicma/platform/services/creation-support/internal/domain/creation"
)

// SessionStore keeps the chambers' sessions and their registrations.
type SessionStore interface {
	// AddSession stores a new session.
	AddSession(ctx context.Context, s creation.Session, by string, now time.Time) error
	// Sessions returns the sessions of chamber starting after from, of
	// kind when set, by date, with their registrations.
	Sessions(ctx context.Context, chamber, kind string, from time.Time) ([]creation.Session, error)
	// Enrol runs enrol in one transaction with the session locked (its
	// registrations read), the case read, and the chamber's later sessions
	// of the same kind: it stores the registration and the events enrol
	// returns. ErrSessionNotFound, creation.ErrCaseNotFound.
	Enrol(ctx context.Context, sessionID, caseID string,
		enrol func(s *creation.Session, c creation.Case, later []creation.Session) ([]events.Event, error)) (creation.Session, error)
}

// Errors of the sessions' use cases.
var (
	// ErrSessionNotFound: no session has this id (404).
	ErrSessionNotFound = errors.New("session not found")
	// ErrNoChamberRole: only a chamber's advisors and managers plan and
	// read sessions (403).
	ErrNoChamberRole = errors.New("no chamber advisor role")
)

// SessionFull is the refusal of a registration to a full session, with
// the next session of the same kind that has seats, if any.
type SessionFull struct {
	Next  creation.Session
	Found bool
}

func (e *SessionFull) Error() string { return creation.ErrSessionFull.Error() }

// Unwrap makes errors.Is(err, creation.ErrSessionFull) true.
func (e *SessionFull) Unwrap() error { return creation.ErrSessionFull }

// PlanSession is a chamber's advisor or manager planning a session of
// their chamber.
type PlanSession struct {
	Sessions SessionStore
	Now      Clock
	NewID    func() (string, error)
}

// Do plans the session as p.
func (uc PlanSession) Do(ctx context.Context, p auth.Principal, kind, title, place string, startsAt time.Time, capacity int) (creation.Session, error) {
	if !plansSessions(p) {
		return creation.Session{}, ErrNoChamberRole
	}
	id, err := uc.NewID()
	if err != nil {
		return creation.Session{}, err
	}
	now := uc.Now()
	s, err := creation.NewSession(id, p.Chamber, kind, title, place, startsAt, capacity, now)
	if err != nil {
		return creation.Session{}, err
	}
	if err := uc.Sessions.AddSession(ctx, s, p.Subject, now); err != nil {
		return creation.Session{}, fmt.Errorf("plan session: %w", err)
	}
	return s, nil
}

// ListSessions reads the upcoming sessions of the reader's chamber.
type ListSessions struct {
	Sessions SessionStore
	Now      Clock
}

// Do lists them, of kind when set.
func (uc ListSessions) Do(ctx context.Context, p auth.Principal, kind string) ([]creation.Session, error) {
	if !plansSessions(p) {
		return nil, ErrNoChamberRole
	}
	out, err := uc.Sessions.Sessions(ctx, p.Chamber, kind, uc.Now())
	if err != nil {
		return nil, fmt.Errorf("list sessions: %w", err)
	}
	return out, nil
}

// EnrolCase registers a case to a session, as its advisor or a manager of
// its chamber (access.FollowUp). A full session is refused with the next
// one that has seats (*SessionFull).
type EnrolCase struct {
	Sessions SessionStore
	Now      Clock
}

// Do registers caseID to sessionID as p.
func (uc EnrolCase) Do(ctx context.Context, p auth.Principal, caseID, sessionID string) (creation.Session, error) {
	now := uc.Now()
	s, err := uc.Sessions.Enrol(ctx, sessionID, caseID, func(s *creation.Session, c creation.Case, later []creation.Session) ([]events.Event, error) {
		if err := access.FollowUp(p, c); err != nil {
			return nil, err
		}
		registered, err := s.EnrolCase(c, now)
		if errors.Is(err, creation.ErrSessionFull) {
			next, found := creation.NextWithSeats(later, *s, now)
			return nil, &SessionFull{Next: next, Found: found}
		}
		if err != nil {
			return nil, err
		}
		ev, err := events.New(Name, s.ID, c.Departement, registered, now)
		if err != nil {
			return nil, err
		}
		return []events.Event{ev}, nil
	})
	if err != nil {
		return creation.Session{}, fmt.Errorf("register case %s to session %s: %w", caseID, sessionID, err)
	}
	return s, nil
}

func plansSessions(p auth.Principal) bool {
	return p.Chamber != "" && (p.Has(auth.RoleAdvisor) || p.Has(auth.RoleManager))
}
