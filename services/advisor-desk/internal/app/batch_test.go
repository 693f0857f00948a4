package app_test

import (
	"testing"

	"github.com/google/uuid"

	"github.com/ccicma/platform/pkg/events"
	"github.com/ccicma/platform/pkg/inbox"
	"github.com/ccicma/platform/pkg/natsbus"
	"github.com/ccicma/platform/pkg/pgdb"
)

// items wraps events as one batch of a consumer.
func (e *reminderEnv) items(evs ...events.Event) []natsbus.Item {
	out := make([]natsbus.Item, len(evs))
	for i, ev := range evs {
		out[i] = natsbus.Item{Ctx: e.ctx, Event: ev}
	}
	return out
}

func (e *reminderEnv) event(t *testing.T, p events.Payload, subject string) events.Event {
	t.Helper()
	ev, err := events.New(p.EventName().Producer, subject, "91", p, e.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	return ev
}

func (e *reminderEnv) count(t *testing.T, query string, args ...any) int {
	t.Helper()
	var n int
	if err := e.pool.QueryRow(e.ctx, query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

// TestNotificationsInOneBatch: a batch stores one notification per event
// and advisor, with its e-mail, and wakes live inboxes after commit only;
// a copy of an event in the batch stores nothing more, whether its
// drafts name advisors or a pool (the prevention cell); an event for an
// advisor the directory does not know fails alone.
func TestNotificationsInOneBatch(t *testing.T) {
	t.Parallel()
	e := setupReminders(t)
	e.notify.Live, e.notify.AfterCommit = e.live, pgdb.AfterCommit
	opened := func(chamber, advisor string) events.Event {
		return newCaseOpened(t, events.CreationCaseOpened{Chamber: chamber, AdvisorID: advisor, NAFCode: "10.71C",
			CommuneCode: "91228", Departement: "91", OpenedAt: e.clock.Now()})
	}
	a, b, unknown, d := opened("CMA", "cma-91-002"), opened("CCI", "cci-91-002"), opened("CMA", "cma-91-999"), opened("CMA", "cma-91-002")
	cell := e.event(t, events.DifficultyCaseOpened{CaseID: uuid.Must(uuid.NewV7()).String(), RequestID: uuid.Must(uuid.NewV7()).String(),
		Chamber: "CMA", SecondaryChamber: "CCI", Level: events.DifficultyCallBack, Departement: "91", OpenedAt: e.clock.Now()}, "case")
	errs := inbox.Batcher{Pool: e.pool}.RunBatch(e.items(a, b, a, unknown, cell, d, cell), e.notify.Handle)

	for i, err := range errs {
		if (i == 3) != (err != nil) {
			t.Errorf("item %d: err = %v", i, err)
		}
	}
	for _, c := range []struct {
		ev   events.Event
		want int
	}{{a, 1}, {b, 1}, {unknown, 0}, {d, 1}, {cell, 2}} { // the cells of both routed chambers: cci-91-002 and cma-91-002
		if got := len(e.notifications(t, c.ev)); got != c.want {
			t.Errorf("event %s: %d notifications, want %d", c.ev.ID, got, c.want)
		}
	}
	if n := e.count(t, `SELECT count(*) FROM mail_items`); n != 5 {
		t.Errorf("%d e-mails queued, want 5", n)
	}
	if woken := e.live.get(); len(woken) != 5 {
		t.Errorf("live inboxes woken %v, want one wake-up per notification", woken)
	}
}

// TestRemindersInOneBatch: the case events of TestReminders' cases,
// delivered in one batch with copies, give the timers that one-by-one
// delivery gives: an opening and its taking in charge in the same batch
// leave cancelled timers, a hand-over restarts them, a late copy of an
// opening changes nothing; a poison event found when the batch's writes
// are made fails alone.
func TestRemindersInOneBatch(t *testing.T) {
	t.Parallel()
	e := setupReminders(t)
	newID := func() string { return uuid.Must(uuid.NewV7()).String() }
	waiting, taken, handed := newID(), newID(), newID()
	opened := func(id string) events.Event {
		return e.event(t, events.CreationCaseOpened{CaseID: id, RequestID: newID(), Chamber: events.ChamberCMA,
			AdvisorID: "cma-91-002", CommuneCode: "91228", Departement: "91", OpenedAt: e.clock.Now()}, id)
	}
	first := []events.Event{opened(waiting), opened(taken), opened(handed)}
	late := opened(taken)
	e.clock.Set(clock.Add(2 * day))
	takenEv := e.event(t, events.CreationCaseTakenInCharge{CaseID: taken, RequestID: newID(), Chamber: events.ChamberCMA,
		AdvisorID: "cma-91-002", TakenAt: e.clock.Now()}, taken)
	e.clock.Set(clock.Add(5 * day))
	handedEv := e.event(t, events.CreationCaseReassigned{CaseID: handed, RequestID: newID(), Chamber: events.ChamberCCI,
		AdvisorID: "cci-91-002", PreviousChamber: events.ChamberCMA, PreviousAdvisorID: "cma-91-002",
		Reason: events.ReassignWrongChamber, ReassignedAt: e.clock.Now()}, handed)
	poison := opened(newID())
	poison.ID = "not-a-uuid" // the batch's inbox claim refuses it

	batch := e.items(first[0], first[1], first[2], first[0], takenEv, poison, late, handedEv, takenEv)
	errs := inbox.Batcher{Pool: e.pool}.RunBatch(batch, e.schedule.Handle)

	for i, err := range errs {
		if (i == 5) != (err != nil) {
			t.Errorf("item %d: err = %v", i, err)
		}
	}
	timers := func(caseID, status string) int {
		return e.count(t, `SELECT count(*) FROM reminder_timers WHERE case_id = $1 AND status = $2`, caseID, status)
	}
	for _, c := range []struct {
		name, id           string
		pending, cancelled int
	}{{"waiting", waiting, 3, 0}, {"taken", taken, 0, 3}, {"handed", handed, 3, 3}} {
		if p, x := timers(c.id, "pending"), timers(c.id, "cancelled"); p != c.pending || x != c.cancelled {
			t.Errorf("%s case: %d timers pending, %d cancelled; want %d and %d", c.name, p, x, c.pending, c.cancelled)
		}
	}
	if n := e.count(t, `SELECT count(*) FROM reminder_timers WHERE case_id = $1 AND status = 'pending'
		AND advisor_id = 'cci-91-002' AND generation = 2`, handed); n != 3 {
		t.Errorf("handed-over case: %d pending timers of the new advisor's generation 2, want 3", n)
	}
	if n := e.count(t, `SELECT count(*) FROM reminder_cases WHERE taken AND case_id = $1`, taken); n != 1 {
		t.Errorf("case taken in charge not marked taken")
	}
	if n := e.count(t, `SELECT count(*) FROM inbox WHERE consumer = $1`, "advisor-desk/reminders"); n != 6 {
		t.Errorf("%d reminder inbox claims, want 6 (the distinct events but the poison one)", n)
	}
}
