package postgres_test

import (
	"testing"
	"time"

	"github.com/ccicma/platform/pkg/auth"

	"github.com/ccicma/platform/services/creation-support/internal/app"
	"github.com/ccicma/platform/services/creation-support/internal/domain/creation"
)

// TestCasesOfLeavingAdvisorsMove: the open cases of an advisor who left go
// to the least loaded available advisor of the chamber, keeping their
// stage, with one creation.case.reassigned each and the loads moved; a
// short absence moves nothing; a closed case stays; a second run moves
// nothing more.
func TestCasesOfLeavingAdvisorsMove(t *testing.T) {
	f := newFixture(t)
	f.advisor(creation.Advisor{AdvisorID: "cma-a", Chamber: "CMA", Active: true})
	lea := auth.Principal{Subject: "cma-a", Chamber: "CMA", Roles: []auth.Role{auth.RoleAdvisor}}
	taken, waiting, closed := f.open(1, "CMA", ""), f.open(2, "CMA", ""), f.open(3, "CMA", "")
	for _, c := range []creation.Case{taken, closed} {
		if _, err := (app.TakeInCharge{Cases: f.store, Now: f.clock}).Do(f.ctx, lea, c.ID); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := (app.CloseCase{Cases: f.store, Now: f.clock}).Abandon(f.ctx, lea, closed.ID, "not_viable"); err != nil {
		t.Fatal(err)
	}
	f.advisor(creation.Advisor{AdvisorID: "cma-b", Chamber: "CMA", Active: true})
	soon := f.now.Add(3 * 24 * time.Hour)
	f.advisor(creation.Advisor{AdvisorID: "cma-a", Chamber: "CMA", Active: true, AbsentUntil: &soon, Revision: 2})
	job := app.ReassignLeavers{Leavers: f.store, Cases: f.store, After: 14 * 24 * time.Hour, Now: f.clock}
	if n, err := job.Run(f.ctx); err != nil || n != 0 {
		t.Fatalf("a short absence moved %d cases (%v)", n, err)
	}

	f.advisor(creation.Advisor{AdvisorID: "cma-a", Chamber: "CMA", Active: false, Revision: 3})
	for run, want := range []int{2, 0} {
		if n, err := job.Run(f.ctx); err != nil || n != want {
			t.Fatalf("run %d moved %d cases (%v), want %d", run, n, err, want)
		}
	}
	for _, c := range []creation.Case{taken, waiting} {
		got, _, err := f.store.Case(f.ctx, c.ID)
		if err != nil || got.AdvisorID != "cma-b" || !got.Waiting() {
			t.Fatalf("case %s after the departure: advisor %q, waiting %v (%v)", c.ID, got.AdvisorID, got.Waiting(), err)
		}
	}
	if got, _, _ := f.store.Case(f.ctx, taken.ID); got.Stage != creation.StageWelcome {
		t.Fatalf("the case taken in charge is at %s, want it kept at welcome", got.Stage)
	}
	if got, _, _ := f.store.Case(f.ctx, closed.ID); got.AdvisorID != "cma-a" {
		t.Fatalf("the closed case moved to %q", got.AdvisorID)
	}
	if a, b := f.load("cma-a"), f.load("cma-b"); a != 0 || b != 2 {
		t.Fatalf("loads a=%d b=%d, want 0 2", a, b)
	}
	if got := f.outboxTopics()["creation.case.reassigned.91"]; got != 2 {
		t.Fatalf("%d reassigned events, want 2", got)
	}
}
