package reminder_test

import (
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ccicma/platform/pkg/events"

	"github.com/ccicma/platform/services/advisor-desk/internal/domain/reminder"
)

var (
	t0   = time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC)
	day  = 24 * time.Hour
	durs = reminder.Durations{Reminder: 9 * day, LastReminder: 21 * day, Escalation: 45 * day}
	ref  = reminder.Ref{Kind: reminder.KindCreation, ID: "c1", Chamber: events.ChamberCMA, Departement: "91"}
)

func TestApply(t *testing.T) {
	start := reminder.Change{Ref: ref, Action: reminder.Start, AdvisorID: "cma-91-001", At: t0}
	tests := []struct {
		name   string
		cur    reminder.Case
		found  bool
		ch     reminder.Change
		ok     bool
		next   reminder.Case
		cancel bool
		stages []string
		dues   []time.Duration
	}{
		{"opening plans both reminders and the escalation", reminder.Case{}, false, start, true,
			reminder.Case{AsOf: t0, Generation: 1}, false,
			[]string{reminder.StageReminder, reminder.StageLastReminder, reminder.StageEscalation}, []time.Duration{9 * day, 21 * day, 45 * day}},
		{"a case nobody was assigned only escalates", reminder.Case{}, false,
			reminder.Change{Ref: ref, Action: reminder.Start, At: t0}, true,
			reminder.Case{AsOf: t0, Generation: 1}, false, []string{reminder.StageEscalation}, []time.Duration{45 * day}},
		{"taking in charge cancels", reminder.Case{AsOf: t0, Generation: 1}, true,
			reminder.Change{Ref: ref, Action: reminder.Stop, At: t0.Add(3 * day)}, true,
			reminder.Case{AsOf: t0.Add(3 * day), Taken: true, Generation: 1}, true, nil, nil},
		{"a hand-over restarts from its own time", reminder.Case{AsOf: t0, Generation: 1}, true,
			reminder.Change{Ref: ref, Action: reminder.Start, AdvisorID: "cma-91-002", At: t0.Add(10 * day)}, true,
			reminder.Case{AsOf: t0.Add(10 * day), Generation: 2}, true,
			[]string{reminder.StageReminder, reminder.StageLastReminder, reminder.StageEscalation}, []time.Duration{19 * day, 31 * day, 55 * day}},
		{"taking in charge before the (late) opening is kept", reminder.Case{}, false,
			reminder.Change{Ref: ref, Action: reminder.Stop, At: t0.Add(day)}, true,
			reminder.Case{AsOf: t0.Add(day), Taken: true}, false, nil, nil},
		{"a late opening after the taking in charge is stale", reminder.Case{AsOf: t0.Add(day), Taken: true}, true, start, false,
			reminder.Case{AsOf: t0.Add(day), Taken: true}, false, nil, nil},
		{"a replayed opening is stale", reminder.Case{AsOf: t0, Generation: 1}, true, start, false,
			reminder.Case{AsOf: t0, Generation: 1}, false, nil, nil},
		{"taken in charge in the opening's clock tick still stops", reminder.Case{AsOf: t0, Generation: 1}, true,
			reminder.Change{Ref: ref, Action: reminder.Stop, At: t0}, true,
			reminder.Case{AsOf: t0, Taken: true, Generation: 1}, true, nil, nil},
		{"a repeated taking in charge is stale", reminder.Case{AsOf: t0, Taken: true, Generation: 1}, true,
			reminder.Change{Ref: ref, Action: reminder.Stop, At: t0}, false,
			reminder.Case{AsOf: t0, Taken: true, Generation: 1}, false, nil, nil},
	}
	for _, tt := range tests {
		next, plan, ok := tt.cur.Apply(tt.ch, tt.found, durs)
		if ok != tt.ok || next != tt.next || plan.Cancel != tt.cancel || len(plan.Timers) != len(tt.stages) {
			t.Errorf("%s: next %+v, plan %+v, ok %v", tt.name, next, plan, ok)
			continue
		}
		for i, tm := range plan.Timers {
			if tm.Stage != tt.stages[i] || !tm.DueAt.Equal(t0.Add(tt.dues[i])) || tm.Generation != next.Generation ||
				tm.AdvisorID != tt.ch.AdvisorID || tm.Ref != ref || !tm.StartedAt.Equal(tt.ch.At) {
				t.Errorf("%s: timer %d = %+v, want %s due at day %v", tt.name, i, tm, tt.stages[i], tt.dues[i].Hours()/24)
			}
		}
	}
}

func TestNoticeOf(t *testing.T) {
	tm := reminder.Timer{Ref: ref, Generation: 1, AdvisorID: "cma-91-001", StartedAt: t0}
	tm.Stage = reminder.StageReminder
	n := reminder.NoticeOf(tm, t0.Add(9*day))
	if n.ToManagers || n.Draft.To.AdvisorID != "cma-91-001" || n.Draft.Kind != "reminder.reminder" ||
		!strings.HasPrefix(n.Draft.Title, "Rappel") || !strings.Contains(n.Draft.Body, "9 jours") || n.Draft.Link != "/dossiers/creation/c1" {
		t.Errorf("first reminder: %+v", n)
	}
	tm.Stage = reminder.StageLastReminder
	if n := reminder.NoticeOf(tm, t0.Add(21*day)); n.ToManagers || !strings.HasPrefix(n.Draft.Title, "Dernier rappel") {
		t.Errorf("last reminder: %+v", n)
	}
	tm.Stage = reminder.StageEscalation
	n = reminder.NoticeOf(tm, t0.Add(45*day))
	if !n.ToManagers || n.Draft.To.Chamber != events.ChamberCMA || n.Draft.To.Departement != "91" || n.Draft.To.AdvisorID != "" ||
		!strings.Contains(n.Draft.Body, "45 jours") || !strings.Contains(n.Draft.Body, "cma-91-001") {
		t.Errorf("escalation: %+v", n)
	}
}

func TestChangeOf(t *testing.T) {
	id, req := uuid.Must(uuid.NewV7()).String(), uuid.Must(uuid.NewV7()).String()
	mk := func(p events.Payload, territory string) events.Event {
		ev, err := events.New("test", id, territory, p, t0.Add(time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		return ev
	}
	tests := []struct {
		ev   events.Event
		want reminder.Change
	}{
		{mk(events.CreationCaseOpened{CaseID: id, RequestID: req, Chamber: "CMA", AdvisorID: "a1", CommuneCode: "91228", Departement: "91", OpenedAt: t0}, "91"),
			reminder.Change{Ref: reminder.Ref{reminder.KindCreation, id, "CMA", "91"}, Action: reminder.Start, AdvisorID: "a1", At: t0}},
		{mk(events.CreationCaseTakenInCharge{CaseID: id, RequestID: req, Chamber: "CMA", AdvisorID: "a1", TakenAt: t0}, "91"),
			reminder.Change{Ref: reminder.Ref{reminder.KindCreation, id, "CMA", "91"}, Action: reminder.Stop, AdvisorID: "a1", At: t0}},
		{mk(events.CreationCaseReassigned{CaseID: id, RequestID: req, Chamber: "CCI", AdvisorID: "b2", PreviousChamber: "CMA",
			Reason: events.ReassignWrongChamber}, "91"), // no time: the event's
			reminder.Change{Ref: reminder.Ref{reminder.KindCreation, id, "CCI", "91"}, Action: reminder.Start, AdvisorID: "b2", At: t0.Add(time.Hour)}},
	}
	for _, tt := range tests {
		got, ok, err := reminder.ChangeOf(tt.ev)
		if err != nil || !ok || got != tt.want {
			t.Errorf("%s: %+v, %v, %v; want %+v", tt.ev.Type, got, ok, err, tt.want)
		}
	}
	for _, other := range []events.Event{
		mk(events.AdvisorUpdated{AdvisorID: "a1", Revision: 1, Chamber: "CMA", Departements: []string{"91"}}, "91"),
		// A listing paused or a search renewed is still followed: its
		// reminders stand.
		mk(events.TakeoverOfferStatusChanged{OfferID: id, Chamber: "CCI", From: events.OfferPublished, To: events.OfferPaused, By: "c3", ChangedAt: t0}, "91"),
		mk(events.TakeoverSearchStatusChanged{SearchID: id, Chamber: "CCI", From: events.SearchPaused, To: events.SearchOpen, By: "c3", ChangedAt: t0}, "91"),
		mk(events.TakeoverOfferPublished{OfferID: id, Chamber: "CCI"}, "91"),
	} {
		if _, ok, err := reminder.ChangeOf(other); ok || err != nil {
			t.Errorf("%s: ok %v, err %v; want ignored", other.Type, ok, err)
		}
	}
	bad := mk(events.CreationCaseOpened{CaseID: "nope", RequestID: req, Chamber: "CMA", CommuneCode: "91228", Departement: "91"}, "91")
	if _, _, err := reminder.ChangeOf(bad); err == nil {
		t.Error("malformed opening accepted")
	}
}

// TestTakeoverChangeOf: an offer's or a search's registration starts its
// reminders for its advisor, taking it in charge stops them, a hand-back
// restarts them for the new advisor; withdrawn, concluded or expired
// before, nobody is reminded any more. A search without a département
// has none.
func TestTakeoverChangeOf(t *testing.T) {
	id, req := uuid.Must(uuid.NewV7()).String(), uuid.Must(uuid.NewV7()).String()
	mk := func(p events.Payload, territory string) events.Event {
		ev, err := events.New("takeover-matching", id, territory, p, t0.Add(time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		return ev
	}
	offer := func(chamber, dept string) reminder.Ref {
		return reminder.Ref{reminder.KindTakeoverOffer, id, chamber, dept}
	}
	search := func(chamber, dept string) reminder.Ref {
		return reminder.Ref{reminder.KindTakeoverSearch, id, chamber, dept}
	}
	for _, tt := range []struct {
		ev   events.Event
		want reminder.Change
	}{
		{mk(events.TakeoverOfferRegistered{OfferID: id, RequestID: req, Chamber: "CMA", AdvisorID: "a1", NAFCode: "10.71C", Departement: "91", RegisteredAt: t0}, "91"),
			reminder.Change{Ref: offer("CMA", "91"), Action: reminder.Start, AdvisorID: "a1", At: t0}},
		{mk(events.TakeoverOfferTakenInCharge{OfferID: id, RequestID: req, Chamber: "CMA", AdvisorID: "a1", TakenAt: t0.Add(day)}, "91"),
			reminder.Change{Ref: offer("CMA", "91"), Action: reminder.Stop, AdvisorID: "a1", At: t0.Add(day)}},
		{mk(events.TakeoverOfferReassigned{OfferID: id, RequestID: req, Chamber: "CMA", AdvisorID: "a2", PreviousAdvisorID: "a1",
			Reason: events.ReassignNoCapacity, ReassignedAt: t0.Add(2 * day)}, "91"),
			reminder.Change{Ref: offer("CMA", "91"), Action: reminder.Start, AdvisorID: "a2", At: t0.Add(2 * day)}},
		{mk(events.TakeoverOfferStatusChanged{OfferID: id, Chamber: "CMA", AdvisorID: "a1", From: events.OfferSubmitted, To: events.OfferWithdrawn,
			By: "a1", ChangedAt: t0.Add(3 * day)}, "91"),
			reminder.Change{Ref: offer("CMA", "91"), Action: reminder.Stop, AdvisorID: "a1", At: t0.Add(3 * day)}},
		{mk(events.TakeoverSearchRegistered{SearchID: id, RequestID: req, Chamber: "CCI", AdvisorID: "b1", RegisteredAt: t0}, "91"),
			reminder.Change{Ref: search("CCI", "91"), Action: reminder.Start, AdvisorID: "b1", At: t0}},
		{mk(events.TakeoverSearchRegistered{SearchID: id, RequestID: req, Chamber: "CCI", RegisteredAt: t0}, ""),
			reminder.Change{Ref: search("CCI", ""), Action: reminder.Start, At: t0}},
		{mk(events.TakeoverSearchTakenInCharge{SearchID: id, RequestID: req, Chamber: "CCI", AdvisorID: "b1"}, "91"), // no time: the event's
			reminder.Change{Ref: search("CCI", "91"), Action: reminder.Stop, AdvisorID: "b1", At: t0.Add(time.Hour)}},
		{mk(events.TakeoverSearchReassigned{SearchID: id, RequestID: req, Chamber: "CCI", PreviousAdvisorID: "b1",
			Reason: events.ReassignOther, ReassignedAt: t0.Add(day)}, "_"),
			reminder.Change{Ref: search("CCI", ""), Action: reminder.Start, At: t0.Add(day)}},
		{mk(events.TakeoverSearchStatusChanged{SearchID: id, Chamber: "CCI", AdvisorID: "b1", From: events.SearchOpen, To: events.SearchExpired,
			By: "system", ChangedAt: t0.Add(400 * day)}, "91"),
			reminder.Change{Ref: search("CCI", "91"), Action: reminder.Stop, AdvisorID: "b1", At: t0.Add(400 * day)}},
	} {
		got, ok, err := reminder.ChangeOf(tt.ev)
		if err != nil || !ok || got != tt.want {
			t.Errorf("%s: %+v, %v, %v; want %+v", tt.ev.Type, got, ok, err, tt.want)
		}
	}
	bad := mk(events.TakeoverOfferTakenInCharge{OfferID: "nope", RequestID: req, Chamber: "CMA", AdvisorID: "a1"}, "91")
	if _, _, err := reminder.ChangeOf(bad); err == nil {
		t.Error("malformed taking in charge accepted")
	}
}

// TestTakeoverReminders follows an offer and a search through their
// reminders: registered, reminded at day 9 and 21 and escalated at day 45;
// taken in charge, the timers are cancelled and none is planned; handed
// back, they start again from the hand-back for the new advisor, and the
// notices link to the desk's page of the offer or the search.
func TestTakeoverReminders(t *testing.T) {
	for _, tc := range []struct {
		kind       string
		registered events.Payload
		taken      func(at time.Time) events.Payload
		handedBack func(at time.Time) events.Payload
		link       string
	}{
		{reminder.KindTakeoverOffer,
			events.TakeoverOfferRegistered{OfferID: "0195a1d0-1000-7aaa-8bbb-000000000001", RequestID: "0195a1c2-1000-7aaa-8bbb-000000000001",
				Chamber: "CMA", AdvisorID: "cma-91-001", NAFCode: "10.71C", Departement: "91", RegisteredAt: t0},
			func(at time.Time) events.Payload {
				return events.TakeoverOfferTakenInCharge{OfferID: "0195a1d0-1000-7aaa-8bbb-000000000001",
					RequestID: "0195a1c2-1000-7aaa-8bbb-000000000001", Chamber: "CMA", AdvisorID: "cma-91-002", TakenAt: at}
			},
			func(at time.Time) events.Payload {
				return events.TakeoverOfferReassigned{OfferID: "0195a1d0-1000-7aaa-8bbb-000000000001", RequestID: "0195a1c2-1000-7aaa-8bbb-000000000001",
					Chamber: "CMA", AdvisorID: "cma-91-002", PreviousAdvisorID: "cma-91-001", Reason: events.ReassignOther, ReassignedAt: at}
			},
			"/dossiers/reprise/offres/0195a1d0-1000-7aaa-8bbb-000000000001"},
		{reminder.KindTakeoverSearch,
			events.TakeoverSearchRegistered{SearchID: "0195a1d0-2000-7aaa-8bbb-000000000002", RequestID: "0195a1c2-1000-7aaa-8bbb-000000000002",
				Chamber: "CMA", AdvisorID: "cma-91-001", RegisteredAt: t0},
			func(at time.Time) events.Payload {
				return events.TakeoverSearchTakenInCharge{SearchID: "0195a1d0-2000-7aaa-8bbb-000000000002",
					RequestID: "0195a1c2-1000-7aaa-8bbb-000000000002", Chamber: "CMA", AdvisorID: "cma-91-002", TakenAt: at}
			},
			func(at time.Time) events.Payload {
				return events.TakeoverSearchReassigned{SearchID: "0195a1d0-2000-7aaa-8bbb-000000000002", RequestID: "0195a1c2-1000-7aaa-8bbb-000000000002",
					Chamber: "CMA", AdvisorID: "cma-91-002", PreviousAdvisorID: "cma-91-001", Reason: events.ReassignNoCapacity, ReassignedAt: at}
			},
			"/dossiers/reprise/recherches/0195a1d0-2000-7aaa-8bbb-000000000002"},
	} {
		t.Run(tc.kind, func(t *testing.T) {
			change := func(p events.Payload, at time.Time) reminder.Change {
				t.Helper()
				ev, err := events.New("takeover-matching", "x", "91", p, at)
				if err != nil {
					t.Fatal(err)
				}
				ch, ok, err := reminder.ChangeOf(ev)
				if err != nil || !ok {
					t.Fatalf("%s: ok %v, err %v", ev.Type, ok, err)
				}
				return ch
			}
			// Registered: reminded at day 9 and 21, escalated at day 45.
			c, plan, ok := reminder.Case{}.Apply(change(tc.registered, t0), false, durs)
			if !ok || plan.Cancel || len(plan.Timers) != 3 {
				t.Fatalf("registered: %+v, %v", plan, ok)
			}
			for i, want := range []struct {
				stage string
				due   time.Duration
				title string
			}{{reminder.StageReminder, 9 * day, "Rappel"}, {reminder.StageLastReminder, 21 * day, "Dernier rappel"},
				{reminder.StageEscalation, 45 * day, "Dossier non pris en charge"}} {
				tm := plan.Timers[i]
				if tm.Stage != want.stage || !tm.DueAt.Equal(t0.Add(want.due)) || tm.Ref.Kind != tc.kind || tm.AdvisorID != "cma-91-001" {
					t.Errorf("timer %d = %+v, want %s at day %v", i, tm, want.stage, want.due.Hours()/24)
				}
				n := reminder.NoticeOf(tm, tm.DueAt)
				if !strings.HasPrefix(n.Draft.Title, want.title) || n.Draft.Link != tc.link || n.ToManagers != (want.stage == reminder.StageEscalation) {
					t.Errorf("notice of %s: %+v", want.stage, n)
				}
			}
			// Handed back at day 5: the timers restart for the new advisor.
			c, plan, ok = c.Apply(change(tc.handedBack(t0.Add(5*day)), t0.Add(5*day)), true, durs)
			if !ok || !plan.Cancel || len(plan.Timers) != 3 || c.Generation != 2 {
				t.Fatalf("handed back: %+v, %+v, %v", c, plan, ok)
			}
			for _, tm := range plan.Timers {
				if tm.AdvisorID != "cma-91-002" || !tm.StartedAt.Equal(t0.Add(5*day)) || tm.Generation != 2 {
					t.Errorf("after the hand-back: %+v", tm)
				}
			}
			if !plan.Timers[0].DueAt.Equal(t0.Add(14 * day)) {
				t.Errorf("first reminder after the hand-back due %v, want day 14", plan.Timers[0].DueAt)
			}
			// Taken in charge at day 7: cancelled, nothing planned.
			c, plan, ok = c.Apply(change(tc.taken(t0.Add(7*day)), t0.Add(7*day)), true, durs)
			if !ok || !plan.Cancel || len(plan.Timers) != 0 || !c.Taken {
				t.Fatalf("taken in charge: %+v, %+v, %v", c, plan, ok)
			}
			// The registration replayed after that is stale.
			if _, _, ok := c.Apply(change(tc.registered, t0), true, durs); ok {
				t.Error("a replayed registration restarted the reminders")
			}
		})
	}
}
