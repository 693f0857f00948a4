package app_test

import (
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ccicma/platform/pkg/events"
	"github.com/ccicma/platform/pkg/natsbus"
	"github.com/ccicma/platform/pkg/testkit"

	"github.com/ccicma/platform/services/advisor-desk/internal/adapters/postgres"
	"github.com/ccicma/platform/services/advisor-desk/internal/app"
	"github.com/ccicma/platform/services/advisor-desk/internal/domain/notification"
)

// liveRecorder records the advisors whose live inbox was woken.
type liveRecorder struct {
	mu    sync.Mutex
	woken []string
}

func (l *liveRecorder) Publish(ids ...string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.woken = append(l.woken, ids...)
}

func (l *liveRecorder) get() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.woken)
}

func newCaseOpened(t *testing.T, p events.CreationCaseOpened) events.Event {
	t.Helper()
	if p.CaseID == "" {
		p.CaseID = uuid.Must(uuid.NewV7()).String()
	}
	if p.RequestID == "" {
		p.RequestID = uuid.Must(uuid.NewV7()).String()
	}
	ev, err := events.New("creation-support", p.CaseID, p.Departement, p, clock)
	if err != nil {
		t.Fatal(err)
	}
	return ev
}

func (e *env) notifications(t *testing.T, ev events.Event) []string {
	t.Helper()
	return testkit.Column[string](t, e.pool, `SELECT advisor_id FROM notifications WHERE source_event = $1 ORDER BY advisor_id`, ev.ID)
}

func TestNotify(t *testing.T) {
	t.Parallel()
	e := setup(t)
	live := &liveRecorder{}
	uc := app.Notify{Rules: notification.Rules(nil), Notifications: postgres.New(e.pool, e.waker), Live: live,
		Now: func() time.Time { return clock }}

	t.Run("ignores events without a rule, rejects malformed ones", func(t *testing.T) {
		// An event type without a rule notifies nobody and succeeds.
		other, err := events.New("advisor-desk", "cma-91-001", "91", events.AdvisorUpdated{
			AdvisorID: "cma-91-001", Revision: 9, Chamber: events.ChamberCMA, Departements: []string{"91"}}, clock)
		if err != nil {
			t.Fatal(err)
		}
		if err := uc.Handle(e.ctx, other); err != nil {
			t.Errorf("event without a rule: %v", err)
		}
		// A payload breaking the contract is malformed: dead-lettered, not retried.
		bad := newCaseOpened(t, events.CreationCaseOpened{Chamber: "CMX", AdvisorID: "cma-91-001", CommuneCode: "91228", Departement: "91"})
		if err := uc.Handle(e.ctx, bad); !errors.Is(err, events.ErrMalformed) {
			t.Errorf("bad chamber: Handle = %v, want ErrMalformed", err)
		}
		if n, i := e.count(t, "notifications"), e.count(t, "inbox"); n != 0 || i != 0 {
			t.Errorf("%d notifications and %d inbox rows stored, want none", n, i)
		}
		if w := live.get(); len(w) != 0 {
			t.Errorf("live inboxes woken %v", w)
		}
	})

	// An advisor the directory does not know yet is a transient failure:
	// the event is not claimed, so its redelivery notifies once the
	// directory has caught up, and a further redelivery changes nothing.
	t.Run("waits for the directory", func(t *testing.T) {
		ev := newCaseOpened(t, events.CreationCaseOpened{Chamber: events.ChamberCMA, AdvisorID: "cma-91-newcomer",
			NAFCode: "43.22A", CommuneCode: "91228", Departement: "91"})

		err := uc.Handle(e.ctx, ev)
		if err == nil {
			t.Fatal("Handle accepted an event for an advisor unknown to the directory")
		}
		if errors.Is(err, natsbus.ErrPermanent) || errors.Is(err, events.ErrMalformed) {
			t.Fatalf("Handle = %v: a permanent failure, would be dead-lettered instead of retried", err)
		}
		if n, i := len(e.notifications(t, ev)), e.count(t, "inbox"); n != 0 || i != 0 {
			t.Fatalf("after the failure: %d notifications and %d inbox rows, want none", n, i)
		}
		if w := live.get(); len(w) != 0 {
			t.Errorf("live inboxes woken %v after a failure", w)
		}

		dir := `[{"advisor_id": "cma-91-newcomer", "chamber": "CMA", "full_name": "Nour Haddad", "email": "nour.haddad@cma.example",
		          "departements": ["91"], "specialities": ["creation"], "capacity": 10, "active": true, "roles": ["advisor"]}]`
		if _, err := e.uc.Import(e.ctx, []byte(dir)); err != nil {
			t.Fatal(err)
		}
		for i := range 2 { // the retry, then a redelivery of the same event
			if err := uc.Handle(e.ctx, ev); err != nil {
				t.Fatalf("delivery %d after the directory update: %v", i+2, err)
			}
		}
		if got := e.notifications(t, ev); !slices.Equal(got, []string{"cma-91-newcomer"}) {
			t.Errorf("notified %v, want [cma-91-newcomer] once", got)
		}
		if w := live.get(); !slices.Equal(w, []string{"cma-91-newcomer"}) {
			t.Errorf("live inboxes woken %v, want [cma-91-newcomer] once", w)
		}
	})

	// Events with several recipients: both sides of a match, and the joint
	// prevention cell (both chambers) for an unassigned difficulty case.
	t.Run("several recipients", func(t *testing.T) {
		dir := `[
		  {"advisor_id": "cci-91-010", "chamber": "CCI", "full_name": "A", "email": "a@cci.example", "departements": ["91"], "specialities": ["takeover"], "capacity": 10, "active": true, "roles": ["advisor"]},
		  {"advisor_id": "cma-91-010", "chamber": "CMA", "full_name": "B", "email": "b@cma.example", "departements": ["91"], "specialities": ["takeover"], "capacity": 10, "active": true, "roles": ["advisor"]},
		  {"advisor_id": "cci-91-011", "chamber": "CCI", "full_name": "C", "email": "c@cci.example", "departements": ["91"], "specialities": ["difficulty"], "capacity": 10, "active": true, "roles": ["advisor", "prevention_cell"]},
		  {"advisor_id": "cma-91-011", "chamber": "CMA", "full_name": "D", "email": "d@cma.example", "departements": ["91"], "specialities": ["difficulty"], "capacity": 10, "active": true, "roles": ["advisor", "prevention_cell"]},
		  {"advisor_id": "cma-77-011", "chamber": "CMA", "full_name": "E", "email": "e@cma.example", "departements": ["77"], "specialities": ["difficulty"], "capacity": 10, "active": true, "roles": ["advisor", "prevention_cell"]},
		  {"advisor_id": "cma-91-012", "chamber": "CMA", "full_name": "F", "email": "f@cma.example", "departements": ["91"], "specialities": ["difficulty"], "capacity": 10, "active": false, "roles": ["advisor", "prevention_cell"]}]`
		if _, err := e.uc.Import(e.ctx, []byte(dir)); err != nil {
			t.Fatal(err)
		}
		id := func() string { return uuid.Must(uuid.NewV7()).String() }
		match, err := events.New("takeover-matching", "m", "91", events.TakeoverMatchProposed{MatchID: id(), OfferID: id(), SearchID: id(),
			OfferChamber: "CCI", SearchChamber: "CMA", OfferAdvisorID: "cci-91-010", SearchAdvisorID: "cma-91-010", Score: 70, ProposedAt: clock}, clock)
		if err != nil {
			t.Fatal(err)
		}
		cell, err := events.New("difficulty-alert", "d", "91", events.DifficultyCaseOpened{CaseID: id(), RequestID: id(), Chamber: "CMA",
			Level: events.DifficultyVigilance, Departement: "91", OpenedAt: clock}, clock)
		if err != nil {
			t.Fatal(err)
		}
		// In the 77, no CCI takeover advisor covers the offer's side: the
		// search's named advisor is told all the same.
		halfEmpty, err := events.New("takeover-matching", "m2", "77", events.TakeoverMatchProposed{MatchID: id(), OfferID: id(), SearchID: id(),
			OfferChamber: "CCI", SearchChamber: "CMA", SearchAdvisorID: "cma-91-010", Score: 65, ProposedAt: clock}, clock)
		if err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			ev   events.Event
			want []string
		}{
			{match, []string{"cci-91-010", "cma-91-010"}},
			{halfEmpty, []string{"cma-91-010"}},
			// The CMA's cell only: not the CCI's (the case is not theirs),
			// nor the 77 member, nor the inactive one.
			{cell, []string{"cma-91-011"}},
		} {
			if err := uc.Handle(e.ctx, tc.ev); err != nil {
				t.Fatalf("%s: %v", tc.ev.Type, err)
			}
			if got := e.notifications(t, tc.ev); !slices.Equal(got, tc.want) {
				t.Errorf("%s notified %v, want %v", tc.ev.Type, got, tc.want)
			}
		}
		var offerTitle string
		if err := e.pool.QueryRow(e.ctx, `SELECT title FROM notifications WHERE source_event = $1 AND advisor_id = 'cci-91-010'`, match.ID).
			Scan(&offerTitle); err != nil || offerTitle != "Repreneur potentiel pour une entreprise à céder" {
			t.Errorf("offer advisor's title %q (%v): each side gets its own words", offerTitle, err)
		}
	})
}
