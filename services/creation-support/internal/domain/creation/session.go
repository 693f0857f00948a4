package creation

import (
	"errors"
	"slices"
	"time"
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
