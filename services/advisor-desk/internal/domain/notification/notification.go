// Package notification turns domain events into advisor notifications. The
// mapping lives in one table (Rules) so that a new event type is one entry.
// No I/O.
package notification

import (
	"errors"
	"fmt"
	"time"

	"github.com/ccicma/platform/pkg/events"
)

// ErrNoRecipient: nobody in the directory can receive the notification
// (no active advisor of the chamber covers the département). Retrying
// cannot fix it; ops must see it (dead letter) and fix the directory.
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

// Recipients says who must hear of an event: one advisor, or, when nobody
// is assigned, every advisor of a chamber with a speciality covering a
// département.
type Recipients struct {
	AdvisorID   string
	Chamber     string
	Speciality  string
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

// Rule maps one event type to a draft; ok=false means nobody is notified.
type Rule func(ev events.Event) (d Draft, ok bool, err error)

// Rules is the mapping from event types to notifications.
func Rules() map[string]Rule {
	return map[string]Rule{
		events.CreationCaseOpened{}.EventName().Type(): caseOpened,
	}
}

func caseOpened(ev events.Event) (Draft, bool, error) {
	p, err := events.Decode[events.CreationCaseOpened](ev)
	if err != nil {
		return Draft{}, false, err
	}
	d := Draft{
		Kind:  "creation.case.opened",
		Title: "Nouveau dossier de création",
		Body:  describeCreation(p),
		Link:  "/dossiers/creation/" + p.CaseID,
		To:    Recipients{AdvisorID: p.AdvisorID},
	}
	if p.AdvisorID == "" {
		d.Title = "Dossier de création à attribuer"
		d.To = Recipients{Chamber: p.Chamber, Speciality: events.SpecialityCreation, Departement: p.Departement}
	}
	return d, true, nil
}

func describeCreation(p events.CreationCaseOpened) string {
	activity := "activité non précisée"
	if p.NAFCode != "" {
		activity = "activité NAF " + p.NAFCode
	}
	s := fmt.Sprintf("Projet de création (%s), commune INSEE %s, département %s, chambre %s", activity, p.CommuneCode, p.Departement, p.Chamber)
	if p.SecondaryChamber != "" {
		s += ", suivi partagé avec la " + p.SecondaryChamber
	}
	return s + "."
}
