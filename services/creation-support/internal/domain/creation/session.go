package creation

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/ccicma/platform/pkg/events"
)

// Kinds of sessions the chambers hold for project holders.
const (
	SessionMeeting  = "information_meeting" // réunion d'information collective (accueil)
	SessionTraining = "training"            // stage de préparation, "5 jours pour entreprendre"
)

// Errors of the sessions' rules.
var (
	ErrSessionFull       = errors.New("session full")
	ErrSessionPast       = errors.New("session already held")
	ErrAlreadyRegistered = errors.New("case already registered to this session")
	// ErrOtherChamberSession: the session is held by a chamber that
	// neither leads nor shares the case.
	ErrOtherChamberSession = errors.New("session of a chamber that does not follow the case")
)

// Session is a collective meeting or a training of one chamber, with a
// date, a place and a capacity.
type Session struct {
	ID       string
	Chamber  string
	Kind     string
	Title    string
	StartsAt time.Time
	Place    string
	Capacity int
	// Registered are the cases registered to it, in order.
	Registered []string
}

// Enrolment is a session a case is registered to, as the case shows it.
type Enrolment struct {
	SessionID string
	Chamber   string
	Kind      string
	Title     string
	StartsAt  time.Time
	Place     string
}

// Seats left in the session.
func (s Session) Seats() int { return max(0, s.Capacity-len(s.Registered)) }

// Full tells whether no seat is left.
func (s Session) Full() bool { return s.Seats() == 0 }

// Enrol registers a case to the session, held after now.
func (s *Session) Enrol(caseID string, now time.Time) error {
	switch {
	case !s.StartsAt.After(now):
		return ErrSessionPast
	case slices.Contains(s.Registered, caseID):
		return ErrAlreadyRegistered
	case s.Full():
		return ErrSessionFull
	}
	s.Registered = append(s.Registered, caseID)
	return nil
}

// NextWithSeats returns the first session of the kind after the given
// one (or after now) that still has seats: what a full session offers
// instead. Sessions may come in any order.
func NextWithSeats(sessions []Session, full Session, now time.Time) (Session, bool) {
	after := full.StartsAt
	if now.After(after) {
		after = now
	}
	var best Session
	found := false
	for _, s := range sessions {
		if s.ID == full.ID || s.Kind != full.Kind || s.Chamber != full.Chamber || !s.StartsAt.After(after) || s.Full() {
			continue
		}
		if !found || s.StartsAt.Before(best.StartsAt) {
			best, found = s, true
		}
	}
	return best, found
}

// ReminderDue tells whether registrants of the session get their reminder
// at now: the day before it (from 24 hours before its start, until it
// starts).
func (s Session) ReminderDue(now time.Time) bool {
	return !now.Before(s.StartsAt.Add(-24*time.Hour)) && now.Before(s.StartsAt)
}

// Bounds of a session's fields.
const (
	maxSessionRunes    = 200
	maxSessionCapacity = 500
)

// SessionKinds lists the kinds of sessions.
func SessionKinds() []string { return []string{SessionMeeting, SessionTraining} }

// NewSession checks a session a chamber's advisor plans and returns it;
// the error is an *InvalidInput naming every bad field.
func NewSession(id, chamber, kind, title, place string, startsAt time.Time, capacity int, now time.Time) (Session, error) {
	var bad []FieldProblem
	if !slices.Contains(SessionKinds(), kind) {
		bad = append(bad, FieldProblem{"kind", "invalid", "Valeur attendue : information_meeting ou training."})
	}
	title, place = strings.TrimSpace(title), strings.TrimSpace(place)
	for _, f := range []struct{ field, v, msg string }{
		{"title", title, "Intitulé attendu"}, {"place", place, "Lieu attendu"},
	} {
		if n := utf8.RuneCountInString(f.v); n == 0 || n > maxSessionRunes {
			bad = append(bad, FieldProblem{f.field, "invalid", fmt.Sprintf("%s (%d caractères au plus).", f.msg, maxSessionRunes)})
		}
	}
	if !startsAt.After(now) {
		bad = append(bad, FieldProblem{"starts_at", "past", "La session doit être à venir."})
	}
	if capacity < 1 || capacity > maxSessionCapacity {
		bad = append(bad, FieldProblem{"capacity", "out_of_range", fmt.Sprintf("Entre 1 et %d places.", maxSessionCapacity)})
	}
	if len(bad) > 0 {
		return Session{}, &InvalidInput{Fields: bad}
	}
	return Session{ID: id, Chamber: chamber, Kind: kind, Title: title, StartsAt: startsAt.UTC(), Place: place, Capacity: capacity}, nil
}

// EnrolCase registers case c to the session, held by a chamber that
// leads or shares it, and returns the event (intake confirms it to the
// applicant).
func (s *Session) EnrolCase(c Case, now time.Time) (events.CreationSessionRegistered, error) {
	if c.Stage == StageClosed {
		return events.CreationSessionRegistered{}, ErrClosed
	}
	if c.Chamber != s.Chamber && c.SecondaryChamber != s.Chamber {
		return events.CreationSessionRegistered{}, ErrOtherChamberSession
	}
	if err := s.Enrol(c.ID, now); err != nil {
		return events.CreationSessionRegistered{}, err
	}
	return events.CreationSessionRegistered{SessionID: s.ID, CaseID: c.ID, RequestID: c.RequestID, Chamber: s.Chamber,
		Kind: s.Kind, Title: s.Title, StartsAt: s.StartsAt, Place: s.Place, RegisteredAt: now.UTC()}, nil
}
