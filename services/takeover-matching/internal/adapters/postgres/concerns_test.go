package postgres_test

import (
	"errors"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/ccicma/platform/pkg/auth"

	"github.com/ccicma/platform/services/takeover-matching/internal/app"
	"github.com/ccicma/platform/services/takeover-matching/internal/domain/takeover"
)

// testOneConcernADay: advisors raising concerns about one offer at the
// same moment get one concern, stored with its one event, and the day's
// concern for the others; two minutes later, past midnight UTC, the
// next day takes a new one, and the offer's concerns read newest first. A refusal stores nothing; an unknown offer is
// ErrNotFound, a role that sees no takeover file ErrNoTakeoverRole.
func testOneConcernADay(t *testing.T, e *env) {
	day1 := time.Date(2026, 3, 2, 23, 59, 0, 0, time.UTC)
	_, _, o := e.registerOffer(t, takeover.Offer{Chamber: "CMA", SecondaryChamber: "CCI", NAFCode: "10.71C", Departement: "91",
		EPCI: "200056232", DealTypes: []string{"fonds"}, Timeline: "6m_12m", RevenueBand: "300k_1m", ProfitBand: "25k_75k"},
		takeover.Place{Departement: "91"}, day1.Add(-48*time.Hour))
	raise := func(at time.Time, who auth.Principal, kinds ...string) (takeover.Concern, bool, error) {
		uc := app.RaiseOfferConcern{Concerns: e.store, Now: func() time.Time { return at }, NewID: func() (string, error) { return newUUID(), nil }}
		return uc.Do(e.ctx, who, o.ID, kinds)
	}
	advisor := func(id, chamber string) auth.Principal {
		return auth.Principal{Subject: id, Chamber: chamber, Roles: []auth.Role{auth.RoleAdvisor}}
	}

	var invalid *takeover.ConcernError
	if _, _, err := raise(day1, advisor("cma-1", "CMA"), "cash_flow", "cash_flow"); !errors.As(err, &invalid) {
		t.Fatalf("a code twice: %v", err)
	}
	if _, _, err := raise(day1, auth.Principal{Subject: "x", Chamber: "CMA", Roles: []auth.Role{auth.RolePreventionCell}}, "cash_flow"); !errors.Is(err, app.ErrNoTakeoverRole) {
		t.Fatalf("the prevention cell: %v", err)
	}
	if _, _, err := (app.RaiseOfferConcern{Concerns: e.store, Now: time.Now, NewID: func() (string, error) { return newUUID(), nil }}).Do(
		e.ctx, advisor("cma-1", "CMA"), newUUID(), []string{"cash_flow"}); !errors.Is(err, app.ErrNotFound) {
		t.Fatalf("an unknown offer: %v", err)
	}
	if c := e.count(t, `SELECT count(*) FROM offer_difficulty_concerns`) +
		e.count(t, `SELECT count(*) FROM outbox WHERE topic LIKE 'takeover.offer.difficulty_seen.%'`); c != 0 {
		t.Fatalf("refusals stored %d rows", c)
	}

	// Four advisors at once: one concern.
	const n = 4
	var wg sync.WaitGroup
	got := make([]takeover.Concern, n)
	raised := make([]bool, n)
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			got[i], raised[i], errs[i] = raise(day1.Add(time.Duration(i)*time.Second), advisor("cma-"+strconv.Itoa(i), "CMA"), "activity_drop")
		})
	}
	wg.Wait()
	first := -1
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("advisor %d: %v", i, errs[i])
		}
		if raised[i] {
			if first >= 0 {
				t.Fatalf("advisors %d and %d both raised one", first, i)
			}
			first = i
		}
	}
	if first < 0 {
		t.Fatal("no concern raised")
	}
	for i := range n {
		if got[i].ID != got[first].ID || got[i].AdvisorID != got[first].AdvisorID {
			t.Errorf("advisor %d got %+v, want the day's %+v", i, got[i], got[first])
		}
	}
	if c := e.count(t, `SELECT count(*) FROM offer_difficulty_concerns`); c != 1 {
		t.Fatalf("%d concerns stored, want 1", c)
	}
	if c := e.count(t, `SELECT count(*) FROM outbox WHERE topic = 'takeover.offer.difficulty_seen.91' AND headers->'ce-subject'->>0 = $1`, o.ID); c != 1 {
		t.Fatalf("%d events, want 1 of subject the offer", c)
	}

	// Two minutes later it is the next day in UTC.
	next, raisedNext, err := raise(day1.Add(2*time.Minute), advisor("cma-1", "CMA"), "owner_wellbeing", "cash_flow")
	if err != nil || !raisedNext || next.ID == got[first].ID {
		t.Fatalf("the next day: %+v %v %v", next, raisedNext, err)
	}
	cs, err := e.store.Concerns(e.ctx, o.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 2 || cs[0].ID != next.ID || cs[1].ID != got[first].ID || cs[0].Kinds[0] != "owner_wellbeing" ||
		!cs[0].RaisedAt.Equal(next.RaisedAt) || cs[0].OfferID != o.ID {
		t.Fatalf("concerns read %+v, want the next day's then the first", cs)
	}
	if c := e.count(t, `SELECT count(*) FROM outbox WHERE topic = 'takeover.offer.difficulty_seen.91'`); c != 2 {
		t.Fatalf("%d events, want 2", c)
	}
}
