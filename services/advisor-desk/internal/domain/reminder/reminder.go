// Package reminder keeps cases from waiting unnoticed: a case (a creation
// case, a takeover offer or a buyer's search) not taken in charge reminds
// its advisor (day 9), reminds them a last time (day 21) and is escalated
// to the chamber's managers (day 45). It turns case
// events into changes of a case's reminders, plans the timers and writes
// the notices. No I/O.
package reminder

import (
	"fmt"
	"time"

	"github.com/ccicma/platform/pkg/events"

	"github.com/ccicma/platform/services/advisor-desk/internal/domain/notification"
)

// Stages of the reminders of a case, in order.
const (
	StageReminder     = "reminder"
	StageLastReminder = "last_reminder"
	StageEscalation   = "escalation"
)

// Kinds of followed cases.
const (
	KindCreation       = "creation"
	KindTakeoverOffer  = "takeover_offer"
	KindTakeoverSearch = "takeover_search"
	// KindPrevention: a prevention case (difficulty-alert), reminded to
	// its lead chamber's assigned advisor and escalated to the chamber's
	// prevention cell, never to managers: only the assigned advisors and
	// the cell see a prevention case. Notices name it by its number.
	KindPrevention = "prevention"
)

// Durations are the delays of the stages from the moment a case starts
// waiting (opened, or handed over).
type Durations struct {
	Reminder     time.Duration
	LastReminder time.Duration
	Escalation   time.Duration
}

// Ref identifies a followed case and where it belongs.
type Ref struct {
	Kind        string
	ID          string
	Chamber     string
	Departement string
}

// Action is what a case event does to the reminders.
type Action int

// Actions.
const (
	Start Action = iota + 1 // the case waits for AdvisorID (or any advisor of the chamber)
	Stop                    // the case was taken in charge
)

// Change is a case event as the reminders see it.
type Change struct {
	Ref       Ref
	Action    Action
	AdvisorID string
	At        time.Time
}

// Case is a case's reminder state.
type Case struct {
	AsOf       time.Time // time of the last event applied
	Taken      bool
	Generation int // one per start: timers of older generations are void
}

// Timer is one planned stage.
type Timer struct {
	Ref        Ref
	Generation int
	Stage      string
	AdvisorID  string
	StartedAt  time.Time
	DueAt      time.Time
}

// Plan is the effect of a change: cancel the pending timers, then add these.
type Plan struct {
	Cancel bool
	Timers []Timer
}

// Apply applies ch to the case (found=false: first event of the case). A
// change no newer than the last one applied is stale (a late or replayed
// event): ok=false, nothing to do.
func (c Case) Apply(ch Change, found bool, d Durations) (next Case, plan Plan, ok bool) {
	// A change older than the last applied changes nothing; at the same
	// instant only a taking in charge still applies (a case opened and
	// taken in charge within one clock tick must not be reminded).
	stale := ch.At.Before(c.AsOf) || ch.At.Equal(c.AsOf) && (ch.Action != Stop || c.Taken)
	if found && stale {
		return c, Plan{}, false
	}
	next = Case{AsOf: ch.At, Generation: c.Generation}
	plan.Cancel = found
	switch ch.Action {
	case Stop:
		next.Taken = true
	case Start:
		next.Generation++
		plan.Timers = d.schedule(ch, next.Generation)
	}
	return next, plan, true
}

// schedule plans the stages of a start. A case nobody was assigned to has
// no advisor to remind: it only goes to the managers.
func (d Durations) schedule(ch Change, gen int) []Timer {
	t := func(stage string, after time.Duration) Timer {
		return Timer{Ref: ch.Ref, Generation: gen, Stage: stage, AdvisorID: ch.AdvisorID, StartedAt: ch.At, DueAt: ch.At.Add(after)}
	}
	var out []Timer
	if ch.AdvisorID != "" {
		out = append(out, t(StageReminder, d.Reminder), t(StageLastReminder, d.LastReminder))
	}
	return append(out, t(StageEscalation, d.Escalation))
}

// Notice is the notification a fired timer stores.
type Notice struct {
	Draft notification.Draft
	// ToManagers sends it to the managers of the case's chamber (those
	// covering its département, or else all of them) instead of the
	// advisor; for a prevention case, to its chamber's prevention cell
	// (Draft.To.Role says which).
	ToManagers bool
}

// NoticeOf writes the notification of a fired timer, in French.
func NoticeOf(t Timer, now time.Time) Notice {
	days := int(now.Sub(t.StartedAt).Hours() / 24)
	what, link := describe(t.Ref)
	d := notification.Draft{Kind: "reminder." + t.Stage, Link: link, To: notification.Recipients{AdvisorID: t.AdvisorID}}
	switch t.Stage {
	case StageReminder:
		d.Title = "Rappel : " + what + " en attente de prise en charge"
		d.Body = fmt.Sprintf("Ce dossier vous est attribué depuis %d jours et n'est pas encore pris en charge.", days)
	case StageLastReminder:
		d.Title = "Dernier rappel : " + what + " en attente de prise en charge"
		d.Body = fmt.Sprintf("Ce dossier vous est attribué depuis %d jours et n'est toujours pas pris en charge. "+
			"Sans prise en charge, il sera signalé au responsable de la chambre.", days)
	default:
		d.Title = "Dossier non pris en charge : " + what
		d.Body = fmt.Sprintf("Ce dossier de la %s (département %s) attend une prise en charge depuis %d jours.",
			t.Ref.Chamber, t.Ref.Departement, days)
		if t.Ref.Departement == "" {
			d.Body = fmt.Sprintf("Ce dossier de la %s attend une prise en charge depuis %d jours.", t.Ref.Chamber, days)
		}
		if t.AdvisorID != "" {
			d.Body += " Conseiller attribué : " + t.AdvisorID + "."
		}
		d.To = notification.Recipients{Chamber: t.Ref.Chamber, Departement: t.Ref.Departement}
		if t.Ref.Kind == KindPrevention {
			d.To.Role = notification.RolePreventionCell
		}
		return Notice{Draft: d, ToManagers: true}
	}
	return Notice{Draft: d}
}

func describe(r Ref) (what, link string) {
	switch r.Kind {
	case KindTakeoverOffer:
		return "offre de cession", "/dossiers/reprise/offres/" + r.ID
	case KindTakeoverSearch:
		return "recherche de reprise", "/dossiers/reprise/recherches/" + r.ID
	case KindPrevention:
		return "dossier de prévention " + notification.CaseNumber(r.ID), "/dossiers/prevention/" + r.ID
	default:
		return "dossier de création", "/dossiers/creation/" + r.ID
	}
}

// ChangeOf reads the reminder change of a case event; ok=false for an
// event that does not concern reminders.
func ChangeOf(ev events.Event) (Change, bool, error) {
	switch ev.Type {
	case events.CreationCaseOpened{}.EventName().Type():
		p, err := events.Decode[events.CreationCaseOpened](ev)
		return Change{Ref: Ref{KindCreation, p.CaseID, p.Chamber, p.Departement}, Action: Start,
			AdvisorID: p.AdvisorID, At: when(p.OpenedAt, ev)}, err == nil, err
	case events.CreationCaseTakenInCharge{}.EventName().Type():
		p, err := events.Decode[events.CreationCaseTakenInCharge](ev)
		return Change{Ref: Ref{KindCreation, p.CaseID, p.Chamber, ev.Territory()}, Action: Stop,
			AdvisorID: p.AdvisorID, At: when(p.TakenAt, ev)}, err == nil, err
	case events.CreationCaseReassigned{}.EventName().Type():
		p, err := events.Decode[events.CreationCaseReassigned](ev)
		return Change{Ref: Ref{KindCreation, p.CaseID, p.Chamber, ev.Territory()}, Action: Start,
			AdvisorID: p.AdvisorID, At: when(p.ReassignedAt, ev)}, err == nil, err
	// A prevention case waits for its lead chamber's advisor (the first
	// assigned), or for the cell when nobody was; taking it in charge or
	// closing it stops the reminders.
	case events.DifficultyCaseOpened{}.EventName().Type():
		p, err := events.Decode[events.DifficultyCaseOpened](ev)
		var advisor string
		if len(p.AdvisorIDs) > 0 {
			advisor = p.AdvisorIDs[0]
		}
		return Change{Ref: Ref{KindPrevention, p.CaseID, p.Chamber, p.Departement}, Action: Start,
			AdvisorID: advisor, At: when(p.OpenedAt, ev)}, err == nil, err
	case events.DifficultyCaseHandedBack{}.EventName().Type():
		// The lead chamber's advisor may have changed: the reminders
		// restart from the hand-back, for whoever is first now.
		p, err := events.Decode[events.DifficultyCaseHandedBack](ev)
		var advisor string
		if len(p.AdvisorIDs) > 0 {
			advisor = p.AdvisorIDs[0]
		}
		return Change{Ref: Ref{KindPrevention, p.CaseID, p.Chamber, p.Departement}, Action: Start,
			AdvisorID: advisor, At: when(p.HandedBackAt, ev)}, err == nil, err
	case events.DifficultyCaseTakenInCharge{}.EventName().Type():
		p, err := events.Decode[events.DifficultyCaseTakenInCharge](ev)
		return Change{Ref: Ref{KindPrevention, p.CaseID, p.Chamber, p.Departement}, Action: Stop,
			AdvisorID: p.AdvisorID, At: when(p.TakenAt, ev)}, err == nil, err
	case events.DifficultyCaseClosed{}.EventName().Type():
		p, err := events.Decode[events.DifficultyCaseClosed](ev)
		return Change{Ref: Ref{KindPrevention, p.CaseID, p.Chamber, p.Departement}, Action: Stop,
			AdvisorID: p.ClosedBy, At: when(p.ClosedAt, ev)}, err == nil, err
	}
	return takeoverChangeOf(ev)
}

// takeoverChangeOf reads the reminder change of a takeover offer's or
// search's event: registered or handed back, it waits for its advisor;
// taken in charge, or gone off the market before (withdrawn, concluded,
// expired), nobody need be reminded of it any more.
func takeoverChangeOf(ev events.Event) (Change, bool, error) {
	offer := func(id, chamber string) Ref { return Ref{KindTakeoverOffer, id, chamber, territory(ev)} }
	search := func(id, chamber string) Ref { return Ref{KindTakeoverSearch, id, chamber, territory(ev)} }
	switch ev.Type {
	case events.TakeoverOfferRegistered{}.EventName().Type():
		p, err := events.Decode[events.TakeoverOfferRegistered](ev)
		return Change{Ref: Ref{KindTakeoverOffer, p.OfferID, p.Chamber, p.Departement}, Action: Start,
			AdvisorID: p.AdvisorID, At: when(p.RegisteredAt, ev)}, err == nil, err
	case events.TakeoverSearchRegistered{}.EventName().Type():
		p, err := events.Decode[events.TakeoverSearchRegistered](ev)
		return Change{Ref: search(p.SearchID, p.Chamber), Action: Start, AdvisorID: p.AdvisorID, At: when(p.RegisteredAt, ev)}, err == nil, err
	case events.TakeoverOfferTakenInCharge{}.EventName().Type():
		p, err := events.Decode[events.TakeoverOfferTakenInCharge](ev)
		return Change{Ref: offer(p.OfferID, p.Chamber), Action: Stop, AdvisorID: p.AdvisorID, At: when(p.TakenAt, ev)}, err == nil, err
	case events.TakeoverSearchTakenInCharge{}.EventName().Type():
		p, err := events.Decode[events.TakeoverSearchTakenInCharge](ev)
		return Change{Ref: search(p.SearchID, p.Chamber), Action: Stop, AdvisorID: p.AdvisorID, At: when(p.TakenAt, ev)}, err == nil, err
	case events.TakeoverOfferReassigned{}.EventName().Type():
		p, err := events.Decode[events.TakeoverOfferReassigned](ev)
		return Change{Ref: offer(p.OfferID, p.Chamber), Action: Start, AdvisorID: p.AdvisorID, At: when(p.ReassignedAt, ev)}, err == nil, err
	case events.TakeoverSearchReassigned{}.EventName().Type():
		p, err := events.Decode[events.TakeoverSearchReassigned](ev)
		return Change{Ref: search(p.SearchID, p.Chamber), Action: Start, AdvisorID: p.AdvisorID, At: when(p.ReassignedAt, ev)}, err == nil, err
	case events.TakeoverOfferStatusChanged{}.EventName().Type():
		p, err := events.Decode[events.TakeoverOfferStatusChanged](ev)
		final := p.To == events.OfferWithdrawn || p.To == events.OfferConcluded
		return Change{Ref: offer(p.OfferID, p.Chamber), Action: Stop, AdvisorID: p.AdvisorID, At: when(p.ChangedAt, ev)}, err == nil && final, err
	case events.TakeoverSearchStatusChanged{}.EventName().Type():
		p, err := events.Decode[events.TakeoverSearchStatusChanged](ev)
		final := p.To == events.SearchWithdrawn || p.To == events.SearchConcluded || p.To == events.SearchExpired
		return Change{Ref: search(p.SearchID, p.Chamber), Action: Stop, AdvisorID: p.AdvisorID, At: when(p.ChangedAt, ev)}, err == nil && final, err
	}
	return Change{}, false, nil
}

// territory is the département of an event's subject, or "" when it has
// none (a search naming no département).
func territory(ev events.Event) string {
	if t := ev.Territory(); t != events.NoTerritory {
		return t
	}
	return ""
}

// when is the business time of a change, or the event's time if absent.
func when(at time.Time, ev events.Event) time.Time {
	if at.IsZero() {
		return ev.Time.UTC()
	}
	return at.UTC()
}
