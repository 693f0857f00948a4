package app_test

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ccicma/platform/pkg/events"
	"github.com/ccicma/platform/pkg/testkit"

	"github.com/ccicma/platform/services/advisor-desk/internal/adapters/postgres"
	"github.com/ccicma/platform/services/advisor-desk/internal/app"
	"github.com/ccicma/platform/services/advisor-desk/internal/domain/reminder"
)

const day = 24 * time.Hour

type reminderEnv struct {
	*mailEnv
	schedule app.ScheduleReminders
	live     *liveRecorder
	// fire are two reminder jobs, as on two replicas, each with its own store.
	fire [2]app.FireReminders
}

func setupReminders(t *testing.T) *reminderEnv {
	t.Helper()
	e := &reminderEnv{mailEnv: setupMail(t, clock), live: &liveRecorder{}}
	e.schedule = app.ScheduleReminders{Cases: e.store,
		Durations: reminder.Durations{Reminder: 9 * day, LastReminder: 21 * day, Escalation: 45 * day}}
	for i := range e.fire {
		store := postgres.New(e.pool, e.waker)
		store.EnableMail("each")
		e.fire[i] = app.FireReminders{Timers: store, Live: e.live, Now: e.clock.Now, Log: slog.New(slog.DiscardHandler), Batch: 2}
	}
	return e
}

func (e *reminderEnv) handle(t *testing.T, p events.Payload, subject string) {
	t.Helper()
	ev, err := events.New("creation-support", subject, "91", p, e.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	for range 2 { // every event is delivered twice
		if err := e.schedule.Handle(e.ctx, ev); err != nil {
			t.Fatal(err)
		}
	}
}

// runJobs runs both reminder jobs at once at the clock's time.
func (e *reminderEnv) runJobs(t *testing.T) {
	t.Helper()
	var wg sync.WaitGroup
	for _, f := range e.fire {
		wg.Go(func() {
			if err := f.Run(e.ctx); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
}

// reminders lists the reminder notifications as "advisor kind case".
func (e *reminderEnv) reminders(t *testing.T) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, s := range testkit.Column[string](t, e.pool, `SELECT advisor_id || ' ' || kind || ' ' || link FROM notifications
		WHERE kind LIKE 'reminder.%'`) {
		out[s]++
	}
	return out
}

// TestReminders follows three cases on a controllable clock: one nobody
// takes in charge (reminders at day 9 and 21, the CMA's manager at day
// 45), one taken in charge (nothing), one handed over to the CCI at day 5
// (its stages restart from the hand-over). Two jobs run together at each
// step and every event is delivered twice: each reminder fires once.
func TestReminders(t *testing.T) {
	t.Parallel()
	e := setupReminders(t)
	t0 := clock
	newID := func() string { return uuid.Must(uuid.NewV7()).String() }
	waiting, taken, handed := newID(), newID(), newID()
	opened := func(id string) events.CreationCaseOpened {
		return events.CreationCaseOpened{CaseID: id, RequestID: newID(), Chamber: events.ChamberCMA, AdvisorID: "cma-91-002",
			CommuneCode: "91228", Departement: "91", OpenedAt: e.clock.Now()}
	}
	for _, id := range []string{waiting, taken, handed} {
		e.handle(t, opened(id), id)
	}

	e.clock.Set(t0.Add(2 * day))
	e.handle(t, events.CreationCaseTakenInCharge{CaseID: taken, RequestID: newID(), Chamber: events.ChamberCMA,
		AdvisorID: "cma-91-002", TakenAt: e.clock.Now()}, taken)
	// A late copy of the opening (another event id, the old time) must not
	// revive the reminders of the case taken in charge.
	late := opened(taken)
	late.OpenedAt = t0
	e.handle(t, late, taken)
	e.clock.Set(t0.Add(5 * day))
	e.handle(t, events.CreationCaseReassigned{CaseID: handed, RequestID: newID(), Chamber: events.ChamberCCI,
		AdvisorID: "cci-91-002", PreviousChamber: events.ChamberCMA, PreviousAdvisorID: "cma-91-002",
		Reason: events.ReassignWrongChamber, ReassignedAt: e.clock.Now()}, handed)

	link := func(id string) string { return "/dossiers/creation/" + id }
	want := map[string]int{}
	steps := []struct {
		at  time.Duration
		add []string
	}{
		{9*day - time.Minute, nil},
		{9 * day, []string{"cma-91-002 reminder.reminder " + link(waiting)}},
		{14 * day, []string{"cci-91-002 reminder.reminder " + link(handed)}},
		{21 * day, []string{"cma-91-002 reminder.last_reminder " + link(waiting)}},
		{26 * day, []string{"cci-91-002 reminder.last_reminder " + link(handed)}},
		{45 * day, []string{"cma-91-001 reminder.escalation " + link(waiting)}}, // the CMA's manager
		{50 * day, []string{"cci-91-001 reminder.escalation " + link(handed)}},  // the CCI's manager
		{400 * day, nil},
	}
	for _, s := range steps {
		e.clock.Set(t0.Add(s.at))
		e.runJobs(t)
		e.runJobs(t)
		for _, k := range s.add {
			want[k]++
		}
		if got := e.reminders(t); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("day %.2f: reminders %v, want %v", s.at.Hours()/24, got, want)
		}
	}
	// Each reminder has its e-mail queued, and woke the live inbox.
	var mails int
	if err := e.pool.QueryRow(e.ctx, `SELECT count(*) FROM mail_items i JOIN notifications n ON n.id = i.notification_id
		WHERE n.kind LIKE 'reminder.%'`).Scan(&mails); err != nil {
		t.Fatal(err)
	}
	if mails != 6 || len(e.live.get()) != 6 {
		t.Errorf("%d reminder e-mails queued, %d live wake-ups; want 6 each", mails, len(e.live.get()))
	}
	var pending, cancelled int
	if err := e.pool.QueryRow(e.ctx, `SELECT count(*) FILTER (WHERE status = 'pending'), count(*) FILTER (WHERE status = 'cancelled')
		FROM reminder_timers`).Scan(&pending, &cancelled); err != nil {
		t.Fatal(err)
	}
	if pending != 0 || cancelled != 6 { // the case taken in charge: 3; the hand-over's first generation: 3
		t.Errorf("%d timers pending, %d cancelled; want 0 and 6", pending, cancelled)
	}
}

// TestRemindersFireOnceUnderContention: many timers due at once, two jobs
// claiming them together in small batches: each fires exactly once, and
// the jobs shared the work.
func TestRemindersFireOnceUnderContention(t *testing.T) {
	t.Parallel()
	e := setupReminders(t)
	const cases = 30
	for range cases {
		id := uuid.Must(uuid.NewV7()).String()
		e.handle(t, events.CreationCaseOpened{CaseID: id, RequestID: uuid.Must(uuid.NewV7()).String(), Chamber: events.ChamberCCI,
			AdvisorID: "cci-91-002", CommuneCode: "91228", Departement: "91", OpenedAt: e.clock.Now()}, id)
	}
	e.clock.Advance(60 * day)
	counting := make([]*countingTimers, len(e.fire))
	for i := range e.fire {
		counting[i] = &countingTimers{ReminderTimers: e.fire[i].Timers}
		e.fire[i].Timers = counting[i]
	}
	e.runJobs(t)
	got := e.reminders(t)
	if len(got) != 3*cases {
		t.Fatalf("%d distinct reminders, want %d", len(got), 3*cases)
	}
	for k, n := range got {
		if n != 1 {
			t.Errorf("%s fired %d times", k, n)
		}
	}
	var fired int
	if err := e.pool.QueryRow(e.ctx, `SELECT count(*) FROM reminder_timers WHERE status = 'fired' AND recipients = 1`).Scan(&fired); err != nil {
		t.Fatal(err)
	}
	if fired != 3*cases || counting[0].fired()+counting[1].fired() != 3*cases {
		t.Errorf("%d timers fired with one recipient, jobs report %d + %d; want %d", fired, counting[0].fired(), counting[1].fired(), 3*cases)
	}
}

// countingTimers counts the timers a job fired.
type countingTimers struct {
	app.ReminderTimers
	mu sync.Mutex
	n  int
}

func (c *countingTimers) FireDueReminders(ctx context.Context, now time.Time, limit int,
	notice func(reminder.Timer) reminder.Notice) (int, []string, error) {
	n, to, err := c.ReminderTimers.FireDueReminders(ctx, now, limit, notice)
	c.mu.Lock()
	c.n += n
	c.mu.Unlock()
	return n, to, err
}

func (c *countingTimers) fired() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n
}

// TestTakeoverReminders follows takeover offers and searches as
// TestReminders follows creation cases: an offer nobody takes in charge
// (reminders at day 9 and 21, the CMA's manager at day 45), a search
// taken in charge (nothing), an offer handed back at day 5 to another CMA
// advisor (its stages restart for them from the hand-back; cma-91-001 is
// also the CMA's manager), and a search
// withdrawn before anyone took it in charge (nothing).
func TestTakeoverReminders(t *testing.T) {
	t.Parallel()
	e := setupReminders(t)
	t0 := clock
	newID := func() string { return uuid.Must(uuid.NewV7()).String() }
	waiting, handed, taken, withdrawn := newID(), newID(), newID(), newID()
	for _, id := range []string{waiting, handed} {
		e.handle(t, events.TakeoverOfferRegistered{OfferID: id, RequestID: newID(), Chamber: events.ChamberCMA, AdvisorID: "cma-91-002",
			NAFCode: "10.71C", Departement: "91", RegisteredAt: e.clock.Now()}, id)
	}
	for _, id := range []string{taken, withdrawn} {
		e.handle(t, events.TakeoverSearchRegistered{SearchID: id, RequestID: newID(), Chamber: events.ChamberCMA, AdvisorID: "cma-91-002",
			RegisteredAt: e.clock.Now()}, id)
	}
	e.clock.Set(t0.Add(2 * day))
	e.handle(t, events.TakeoverSearchTakenInCharge{SearchID: taken, RequestID: newID(), Chamber: events.ChamberCMA,
		AdvisorID: "cma-91-002", TakenAt: e.clock.Now()}, taken)
	e.handle(t, events.TakeoverSearchStatusChanged{SearchID: withdrawn, Chamber: events.ChamberCMA, AdvisorID: "cma-91-002",
		From: events.SearchOpen, To: events.SearchWithdrawn, By: "cma-91-002", ChangedAt: e.clock.Now()}, withdrawn)
	e.clock.Set(t0.Add(5 * day))
	e.handle(t, events.TakeoverOfferReassigned{OfferID: handed, RequestID: newID(), Chamber: events.ChamberCMA,
		AdvisorID: "cma-91-001", PreviousAdvisorID: "cma-91-002", Reason: events.ReassignNoCapacity, ReassignedAt: e.clock.Now()}, handed)

	link := func(id string) string { return "/dossiers/reprise/offres/" + id }
	want := map[string]int{}
	for _, s := range []struct {
		at  time.Duration
		add []string
	}{
		{9*day - time.Minute, nil},
		{9 * day, []string{"cma-91-002 reminder.reminder " + link(waiting)}},
		{14 * day, []string{"cma-91-001 reminder.reminder " + link(handed)}},
		{21 * day, []string{"cma-91-002 reminder.last_reminder " + link(waiting)}},
		{26 * day, []string{"cma-91-001 reminder.last_reminder " + link(handed)}},
		{45 * day, []string{"cma-91-001 reminder.escalation " + link(waiting)}}, // the CMA's manager
		{50 * day, []string{"cma-91-001 reminder.escalation " + link(handed)}},
		{400 * day, nil},
	} {
		e.clock.Set(t0.Add(s.at))
		e.runJobs(t)
		for _, k := range s.add {
			want[k]++
		}
		if got := e.reminders(t); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("day %.2f: reminders %v, want %v", s.at.Hours()/24, got, want)
		}
	}
}

// TestPreventionReminders: a prevention case nobody takes in charge
// reminds its lead chamber's advisor at day 9 and 21 and goes to the
// chamber's prevention cell at day 45, never to its managers; one taken in
// charge, and one closed before, are reminded of nothing. The notices name
// the case by its number, never the business.
func TestPreventionReminders(t *testing.T) {
	t.Parallel()
	e := setupReminders(t)
	t0 := clock
	newID := func() string { return uuid.Must(uuid.NewV7()).String() }
	waiting, taken, closed, unassigned := newID(), newID(), newID(), newID()
	for _, id := range []string{waiting, taken, closed} {
		e.handle(t, events.DifficultyCaseOpened{CaseID: id, RequestID: newID(), Chamber: events.ChamberCMA, SecondaryChamber: events.ChamberCCI,
			AdvisorIDs: []string{"cma-91-002", "cci-91-002"}, Level: events.DifficultyCallBack, Departement: "91", OpenedAt: e.clock.Now()}, id)
	}
	e.handle(t, events.DifficultyCaseOpened{CaseID: unassigned, RequestID: newID(), Chamber: events.ChamberCCI,
		Level: events.DifficultyVigilance, Departement: "91", OpenedAt: e.clock.Now()}, unassigned)
	handed := newID()
	e.handle(t, events.DifficultyCaseOpened{CaseID: handed, RequestID: newID(), Chamber: events.ChamberCCI, AdvisorIDs: []string{"cci-91-002"},
		Level: events.DifficultyCallBack, Departement: "91", OpenedAt: e.clock.Now()}, handed)
	e.clock.Set(t0.Add(3 * day))
	e.handle(t, events.DifficultyCaseTakenInCharge{CaseID: taken, Chamber: events.ChamberCMA, AdvisorIDs: []string{"cma-91-002", "cci-91-002"},
		AdvisorID: "cci-91-002", Departement: "91", TakenAt: e.clock.Now()}, taken)
	e.handle(t, events.DifficultyCaseClosed{CaseID: closed, Chamber: events.ChamberCMA, AdvisorIDs: []string{"cma-91-002", "cci-91-002"},
		ClosedBy: "cma-91-002", Reason: events.DifficultyCloseDeclinedByOwner, From: "opened", Departement: "91", ClosedAt: e.clock.Now()}, closed)

	// Handed back at day 5 to nobody: no reminder to the advisor who
	// handed it back, the cell at day 50.
	e.clock.Set(t0.Add(5 * day))
	e.handle(t, events.DifficultyCaseHandedBack{CaseID: handed, Chamber: events.ChamberCCI, PreviousAdvisorID: "cci-91-002",
		HandBackChamber: events.ChamberCCI, Reason: events.DifficultyHandBackAbsence, Departement: "91", HandedBackAt: e.clock.Now()}, handed)

	link := func(id string) string { return "/dossiers/prevention/" + id }
	want := map[string]int{}
	for _, s := range []struct {
		at  time.Duration
		add []string
	}{
		{9 * day, []string{"cma-91-002 reminder.reminder " + link(waiting)}},
		{21 * day, []string{"cma-91-002 reminder.last_reminder " + link(waiting)}},
		// The cells, not the managers (cma-91-001, cci-91-001).
		{45 * day, []string{"cma-91-002 reminder.escalation " + link(waiting), "cci-91-002 reminder.escalation " + link(unassigned)}},
		{50 * day, []string{"cci-91-002 reminder.escalation " + link(handed)}},
		{400 * day, nil},
	} {
		e.clock.Set(t0.Add(s.at))
		e.runJobs(t)
		for _, k := range s.add {
			want[k]++
		}
		if got := e.reminders(t); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("day %.0f: reminders %v, want %v", s.at.Hours()/24, got, want)
		}
	}
	texts := testkit.Column[string](t, e.pool, `SELECT title || ' ' || body FROM notifications WHERE kind LIKE 'reminder.%' AND link = $1`, link(waiting))
	if len(texts) != 3 {
		t.Fatalf("%d notices of the waiting case", len(texts))
	}
	number := strings.ToUpper(waiting[len(waiting)-12:])
	for _, s := range texts {
		if !strings.Contains(s, "dossier de prévention n° "+number) {
			t.Errorf("a notice without the case number: %q", s)
		}
	}
}
