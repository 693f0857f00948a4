package notice

import (
	"fmt"
	"time"

	"github.com/ccicma/platform/pkg/mailer"
)

// Session is a chamber's collective meeting or training a project holder
// was registered to (creation.session.registered).
type Session struct {
	ID       string
	Chamber  string
	Kind     string // information_meeting or training
	Title    string
	StartsAt time.Time
	Place    string
}

// sessionKinds say what each kind of session is, within a sentence.
var sessionKinds = map[string]string{
	"information_meeting": "la réunion d'information",
	"training":            "la formation",
}

// ReminderLead is how long before a session its registrants are reminded:
// the day before.
const ReminderLead = 24 * time.Hour

// SessionMail is the confirmation of a registration, or (reminder) its
// reminder the day before; ok=false for a reminder of a session already
// begun at now, which would come too late.
func (c Composer) SessionMail(r Request, s Session, reminder bool, now time.Time) (m mailer.Message, ok bool) {
	if reminder && !now.Before(s.StartsAt) {
		return mailer.Message{}, false
	}
	zone := c.Zone
	if zone == nil {
		zone = time.UTC
	}
	v := c.view(r)
	what := sessionKinds[s.Kind]
	if what == "" {
		what = "la session"
	}
	when := s.StartsAt.In(zone).Format("02/01/2006 à 15h04")
	ch := chamberOf(s.Chamber)
	if reminder {
		v.Subject = "Rappel : " + s.Title + ", demain"
		v.Intro = []string{fmt.Sprintf("Nous vous rappelons %s « %s » de la %s (%s), le %s, à l'adresse : %s.",
			what, s.Title, ch.Name, ch.Code, when, s.Place)}
	} else {
		v.Subject = "Votre inscription : " + s.Title
		v.Intro = []string{fmt.Sprintf("Votre conseiller vous a inscrit à %s « %s » de la %s (%s), le %s, à l'adresse : %s.",
			what, s.Title, ch.Name, ch.Code, when, s.Place)}
	}
	v.Next = []string{"En cas d'empêchement, prévenez votre conseiller : votre place pourra profiter à un autre porteur de projet."}
	return v.message(r), true
}
