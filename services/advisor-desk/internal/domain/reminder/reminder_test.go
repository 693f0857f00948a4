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
		// Takeover offers have no "taken in charge" yet: not reminded.
		mk(events.TakeoverOfferRegistered{OfferID: id, RequestID: req, Chamber: "CCI", AdvisorID: "c3", NAFCode: "56.10A", Departement: "91", RegisteredAt: t0}, "91"),
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
