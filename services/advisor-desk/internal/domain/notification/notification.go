// Package notification turns domain events into advisor notifications. The
// mapping lives in one table (Rules) so that a new event type is one entry.
// No I/O.
package notification

import (
	"errors"
	"time"
)

// ErrNoRecipient means that nobody in the directory can receive the
// notification (no active advisor of the chamber covers the département).
// Retrying cannot fix it; ops must see it (dead letter) and fix the directory.
var ErrNoRecipient = errors.New("no advisor to notify")

// Notification is one message in an advisor's inbox.
type Notification struct {
	ID        int64      `json:"id"`
	AdvisorID string     `json:"advisor_id"`
	Kind      string     `json:"kind"`
	Title     string     `json:"title"`
	Body      string     `json:"body"`
	Link      string     `json:"link"`
	CreatedAt time.Time  `json:"created_at"`
	ReadAt    *time.Time `json:"read_at,omitempty"`
}

// Recipients says who must hear of an event: one advisor (AdvisorID); or,
// when nobody is assigned, a pool: every active advisor of a chamber with a
// speciality, or (Role) every active holder of a role whatever their chamber,
// covering a département (any département when it is empty, for events that
// do not carry one).
type Recipients struct {
	AdvisorID   string
	Chamber     string
	Speciality  string
	Role        string
	Departement string
}

// Draft is a notification before its recipients are resolved.
type Draft struct {
	Kind  string
	Title string
	Body  string
	Link  string
	To    Recipients
}
