package postgres_test

import (
	"testing"
	"time"

	"github.com/ccicma/platform/pkg/auth"
	"github.com/ccicma/platform/pkg/events"

	"github.com/ccicma/platform/services/creation-support/internal/app"
	"github.com/ccicma/platform/services/creation-support/internal/domain/creation"
)

// TestOverdueNextActionsAreRemindedOnce: an action due yesterday is
// reminded once, however often the task runs; an action due today, one
// not planned and a closed case are not; replanning the action allows a
// new reminder once that one is overdue too. Batches smaller than the
// backlog still reach every case.
func TestOverdueNextActionsAreRemindedOnce(t *testing.T) {
	f := newFixture(t)
	f.advisor(creation.Advisor{AdvisorID: "cma-a", Chamber: "CMA", Active: true})
	lea := auth.Principal{Subject: "cma-a", Chamber: "CMA", Roles: []auth.Role{auth.RoleAdvisor}}
	today := time.Date(f.now.Year(), f.now.Month(), f.now.Day(), 0, 0, 0, 0, time.UTC)
	plan := func(c creation.Case, due time.Time) {
		t.Helper()
		if _, err := (app.PlanNextAction{Cases: f.store, Now: f.clock}).Do(f.ctx, lea, c.ID, "Relire le prévisionnel", due); err != nil {
			t.Fatal(err)
		}
	}
	take := func(c creation.Case) {
		t.Helper()
		if _, err := (app.TakeInCharge{Cases: f.store, Now: f.clock}).Do(f.ctx, lea, c.ID); err != nil {
			t.Fatal(err)
		}
	}
	overdue := []creation.Case{f.open(1, "CMA", ""), f.open(2, "CMA", ""), f.open(3, "CMA", "")}
	dueToday, unplanned, closed := f.open(4, "CMA", ""), f.open(5, "CMA", ""), f.open(6, "CMA", "")
	for _, c := range append(overdue, dueToday, unplanned, closed) {
		take(c)
	}
	for _, c := range append(overdue, dueToday, closed) {
		plan(c, today)
	}
	if _, err := (app.CloseCase{Cases: f.store, Now: f.clock}).Abandon(f.ctx, lea, closed.ID, events.AbandonNotViable); err != nil {
		t.Fatal(err)
	}
	// The actions planned for today are overdue tomorrow; a new one,
	// planned tomorrow for tomorrow, is not.
	f.now = f.now.AddDate(0, 0, 1)
	plan(dueToday, today.AddDate(0, 0, 1))

	remind := app.RemindOverdueActions{Cases: f.store, Now: f.clock, Batch: 2}
	for run, want := range []int{3, 0} {
		n, err := remind.Run(f.ctx)
		if err != nil || n != want {
			t.Fatalf("run %d reminded %d (%v), want %d", run, n, err, want)
		}
	}
	if got := f.outboxTopics()["creation.case.next_action_overdue.91"]; got != 3 {
		t.Fatalf("%d overdue events in the outbox, want 3", got)
	}

	// Replanned, then overdue again: one more reminder.
	plan(overdue[0], today.AddDate(0, 0, 2))
	f.now = f.now.AddDate(0, 0, 2)
	if n, err := remind.Run(f.ctx); err != nil || n != 2 {
		// overdue[0] again, and dueToday, whose new due day is over too.
		t.Fatalf("after replanning: reminded %d (%v), want 2", n, err)
	}
	if got := f.outboxTopics()["creation.case.next_action_overdue.91"]; got != 5 {
		t.Fatalf("%d overdue events in the outbox, want 5", got)
	}
}
