package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ccicma/platform/pkg/auth"
	"github.com/ccicma/platform/pkg/directory/projection"
	"github.com/ccicma/platform/pkg/events"
	"github.com/ccicma/platform/pkg/inbox"
	"github.com/ccicma/platform/pkg/outbox"
	"github.com/ccicma/platform/pkg/testkit"

	"github.com/ccicma/platform/services/creation-support/internal/adapters/postgres"
	"github.com/ccicma/platform/services/creation-support/internal/app"
	"github.com/ccicma/platform/services/creation-support/internal/domain/access"
	"github.com/ccicma/platform/services/creation-support/internal/domain/creation"
	"github.com/ccicma/platform/services/creation-support/migrations"
)

type noWake struct{}

func (noWake) Wake() {}

// fixture is a migrated creation_support schema on real Postgres, as the
// service's own role sees it.
type fixture struct {
	t     *testing.T
	ctx   context.Context
	pool  *pgxpool.Pool
	store *postgres.Store
	now   time.Time
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	ctx := testkit.Context(t)
	pool := testkit.NewSchemas(t, "creation_support").Pool(t, outbox.Migrations(), inbox.Migrations(), projection.Migrations(), migrations.Set())
	return &fixture{t: t, ctx: ctx, pool: pool, store: postgres.New(pool, noWake{}), now: time.Now().UTC().Truncate(time.Microsecond)}
}

func (f *fixture) clock() time.Time { return f.now }

func (f *fixture) advisor(a creation.Advisor) {
	f.t.Helper()
	if a.Revision == 0 {
		a.Revision = 1
	}
	a.Departements, a.Specialities, a.Capacity = []string{"91"}, []string{events.SpecialityCreation}, 10
	if err := f.store.UpsertAdvisor(f.ctx, a); err != nil {
		f.t.Fatal(err)
	}
}

// open opens the case of request n through the OpenCase use case.
func (f *fixture) open(n int, chamber, secondary string) creation.Case {
	f.t.Helper()
	id := fmt.Sprintf("01900000-0000-7000-8000-%012d", n)
	p := events.CreationSubmitted{RequestID: id, NAFCode: "10.71C", CommuneCode: "91228", Departement: "91",
		Routing: events.Routing{LeadChamber: chamber, SecondaryChamber: secondary, RuleID: "test"}}
	ev, err := events.New("intake", id, "91", p, f.now)
	if err != nil {
		f.t.Fatal(err)
	}
	if err := (app.OpenCase{Cases: f.store, Now: f.clock}).Handle(f.ctx, ev, p); err != nil {
		f.t.Fatal(err)
	}
	c, found, err := f.store.CaseByRequest(f.ctx, id)
	if err != nil || !found {
		f.t.Fatalf("case of %s: found %v, %v", id, found, err)
	}
	return c
}

func (f *fixture) count(query string, args ...any) int {
	f.t.Helper()
	var n int
	if err := f.pool.QueryRow(f.ctx, query, args...).Scan(&n); err != nil {
		f.t.Fatalf("%s: %v", query, err)
	}
	return n
}

func (f *fixture) load(advisorID string) int {
	return f.count(`SELECT open_cases FROM advisors WHERE advisor_id = $1`, advisorID)
}

// TestAdvisorProjection: absence, roles and territory are kept, a later
// revision clears the absence, and a stale one changes nothing.
func TestAdvisorProjection(t *testing.T) {
	f := newFixture(t)
	until := f.now.Add(48 * time.Hour)
	f.advisor(creation.Advisor{AdvisorID: "cci-a", Revision: 2, Chamber: "CCI", Active: true, AbsentUntil: &until,
		Roles: []string{"advisor", "manager"}, Communes: []string{"91228"}, EPCIs: []string{"200056232"}})
	a, found, err := f.store.Advisor(f.ctx, "cci-a")
	if err != nil || !found {
		t.Fatalf("advisor: %v, %v", found, err)
	}
	if a.AbsentUntil == nil || !a.AbsentUntil.Equal(until) || len(a.Roles) != 2 || a.Communes[0] != "91228" || a.EPCIs[0] != "200056232" || a.AvailableAt(f.now) {
		t.Fatalf("projected %+v", a)
	}
	f.advisor(creation.Advisor{AdvisorID: "cci-a", Revision: 1, Chamber: "CCI", Active: true}) // stale
	f.advisor(creation.Advisor{AdvisorID: "cci-a", Revision: 3, Chamber: "CCI", Active: true})
	if a, _, _ = f.store.Advisor(f.ctx, "cci-a"); a.AbsentUntil != nil || len(a.Roles) != 0 || !a.AvailableAt(f.now) || a.Revision != 3 {
		t.Fatalf("after revision 3: %+v", a)
	}
}

// TestAbsentAdvisorGetsNoNewCase: openings pass over an absent advisor,
// however light their load, and pick them again once back.
func TestAbsentAdvisorGetsNoNewCase(t *testing.T) {
	f := newFixture(t)
	back := f.now.Add(time.Hour)
	f.advisor(creation.Advisor{AdvisorID: "cci-a", Chamber: "CCI", Active: true, AbsentUntil: &back})
	f.advisor(creation.Advisor{AdvisorID: "cci-b", Chamber: "CCI", Active: true})
	for n := range 3 {
		if c := f.open(n+1, "CCI", ""); c.AdvisorID != "cci-b" {
			t.Fatalf("case %d went to %q while cci-a is absent", n+1, c.AdvisorID)
		}
	}
	f.now = f.now.Add(2 * time.Hour)
	if c := f.open(4, "CCI", ""); c.AdvisorID != "cci-a" {
		t.Fatalf("back from absence with no case, cci-a was passed over for %q", c.AdvisorID)
	}
}

func (f *fixture) outboxTopics() map[string]int {
	f.t.Helper()
	out := map[string]int{}
	for _, topic := range testkit.Column[string](f.t, f.pool, `SELECT topic FROM outbox`) {
		out[topic]++
	}
	return out
}

// TestHandBackInOneTransaction: the case, the hand-back with its comment,
// both advisors' loads and the event are written together.
func TestHandBackInOneTransaction(t *testing.T) {
	f := newFixture(t)
	f.advisor(creation.Advisor{AdvisorID: "cci-a", Chamber: "CCI", Active: true})
	c := f.open(1, "CCI", "")
	f.advisor(creation.Advisor{AdvisorID: "cci-b", Chamber: "CCI", Active: true})
	f.advisor(creation.Advisor{AdvisorID: "cci-c", Chamber: "CCI", Active: true})
	f.open(2, "CCI", "") // cci-b now carries one case, cci-c none
	lea := auth.Principal{Subject: "cci-a", Chamber: "CCI", Roles: []auth.Role{auth.RoleAdvisor}}
	got, err := app.HandBack{Cases: f.store, Now: f.clock}.Do(f.ctx, lea, c.ID,
		app.HandBackInput{Reason: events.ReassignWrongSpeciality, Comment: "  Projet de restauration, pas mon domaine.  "})
	if err != nil {
		t.Fatal(err)
	}
	if got.AdvisorID != "cci-c" {
		t.Fatalf("handed back to %q, want the least loaded other advisor cci-c", got.AdvisorID)
	}
	stored, _, err := f.store.Case(f.ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if stored.AdvisorID != "cci-c" || len(stored.HandBacks) != 1 || stored.HandBacks[0].Comment != "Projet de restauration, pas mon domaine." ||
		stored.HandBacks[0].Reason != events.ReassignWrongSpeciality || stored.HandBacks[0].AdvisorID != "cci-a" {
		t.Fatalf("stored %+v", stored)
	}
	if a, b, cc := f.load("cci-a"), f.load("cci-b"), f.load("cci-c"); a != 0 || b != 1 || cc != 1 {
		t.Fatalf("loads a=%d b=%d c=%d, want 0 1 1", a, b, cc)
	}
	if topics := f.outboxTopics(); topics["creation.case.reassigned.91"] != 1 || topics["creation.case.opened.91"] != 2 {
		t.Fatalf("outbox %v", topics)
	}
}

// TestRefusedChangeWritesNothing: a change whose last step fails, after
// the case row, its hand-back and the advisors' loads are written, leaves
// the case, the hand-backs, the loads and the outbox as they were. The
// outbox refuses the change's event because its id is the opening event's
// (event_id is unique), so the failure comes from Postgres after every
// other write of the change.
func TestRefusedChangeWritesNothing(t *testing.T) {
	f := newFixture(t)
	f.advisor(creation.Advisor{AdvisorID: "cci-a", Chamber: "CCI", Active: true})
	f.advisor(creation.Advisor{AdvisorID: "cci-b", Chamber: "CCI", Active: true})
	c := f.open(1, "CCI", "")
	var openingID string
	if err := f.pool.QueryRow(f.ctx, `SELECT event_id::text FROM outbox`).Scan(&openingID); err != nil {
		t.Fatal(err)
	}
	h, err := creation.NewHandBack(c.AdvisorID, events.ReassignOther, "pas pour moi", "", f.now)
	if err != nil {
		t.Fatal(err)
	}
	var handedTo string
	_, err = f.store.Update(f.ctx, c.ID, func(c *creation.Case, dir app.Directory) ([]events.Event, error) {
		cands, err := dir.Candidates(f.ctx, c.Chamber, c.Departement)
		if err != nil {
			return nil, err
		}
		moved, err := c.HandBack(h, cands)
		if err != nil {
			return nil, err
		}
		handedTo = c.AdvisorID
		ev, err := events.New(app.Name, c.ID, c.Departement, moved, f.now)
		ev.ID = openingID
		return []events.Event{ev}, err
	})
	if pgErr := (*pgconn.PgError)(nil); !errors.As(err, &pgErr) || pgErr.Code != "23505" {
		t.Fatalf("err = %v, want the outbox's unique violation", err)
	}
	if handedTo != "cci-b" {
		t.Fatalf("the change handed the case to %q, want cci-b (else no load would move)", handedTo)
	}
	stored, _, _ := f.store.Case(f.ctx, c.ID)
	if stored.AdvisorID != c.AdvisorID || stored.Stage != c.Stage || !stored.UpdatedAt.Equal(c.UpdatedAt) || len(stored.HandBacks) != 0 {
		t.Errorf("refused change stored: %+v, want %+v", stored, c)
	}
	if n := f.count(`SELECT count(*) FROM case_hand_backs`); n != 0 {
		t.Errorf("%d hand-back rows, want none", n)
	}
	if a, b := f.load("cci-a"), f.load("cci-b"); a != 1 || b != 0 {
		t.Errorf("loads cci-a %d, cci-b %d; want 1 and 0", a, b)
	}
	if n := f.count(`SELECT count(*) FROM outbox WHERE event_id::text = $1`, openingID); n != 1 || f.count(`SELECT count(*) FROM outbox`) != 1 {
		t.Errorf("outbox changed: want the opening only")
	}
	for _, id := range []string{"not-a-uuid", "01900000-0000-7000-8000-0000000fffff"} {
		if _, err := f.store.Update(f.ctx, id, nil); !errors.Is(err, creation.ErrCaseNotFound) {
			t.Errorf("Update(%s) = %v, want ErrCaseNotFound", id, err)
		}
		if _, found, err := f.store.Case(f.ctx, id); found || err != nil {
			t.Errorf("Case(%s) = %v, %v", id, found, err)
		}
	}
}

// TestListCases: the list holds exactly what the scope sees, filtered and
// paged in opening order.
func TestListCases(t *testing.T) {
	f := newFixture(t)
	f.advisor(creation.Advisor{AdvisorID: "cci-a", Chamber: "CCI", Active: true})
	f.advisor(creation.Advisor{AdvisorID: "cma-a", Chamber: "CMA", Active: true})
	cci := f.open(1, "CCI", "")
	shared := f.open(2, "CCI", "CMA")
	cma := f.open(3, "CMA", "")
	taken := f.open(4, "CCI", "")
	if _, err := (app.TakeInCharge{Cases: f.store, Now: f.clock}).Do(f.ctx,
		auth.Principal{Subject: "cci-a", Chamber: "CCI", Roles: []auth.Role{auth.RoleAdvisor}}, taken.ID); err != nil {
		t.Fatal(err)
	}
	ids := func(q app.CaseQuery) []string {
		t.Helper()
		if q.Limit == 0 {
			q.Limit = 50
		}
		cs, err := f.store.ListCases(f.ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, c := range cs {
			out = append(out, c.ID)
		}
		return out
	}
	cmaAdvisor := access.Scope{Lead: "CMA", Shared: "CMA", Subject: "cma-a"}
	cmaManager := access.Scope{Lead: "CMA", Subject: "cma-m"}
	tests := []struct {
		name string
		q    app.CaseQuery
		want []string
	}{
		{"CCI advisor: the chamber's cases", app.CaseQuery{Scope: access.Scope{Lead: "CCI", Shared: "CCI", Subject: "cci-b"}}, []string{cci.ID, shared.ID, taken.ID}},
		{"CMA advisor: own chamber and shared", app.CaseQuery{Scope: cmaAdvisor}, []string{shared.ID, cma.ID}},
		{"CMA manager: own chamber only", app.CaseQuery{Scope: cmaManager}, []string{cma.ID}},
		{"status filter", app.CaseQuery{Scope: access.Scope{Lead: "CCI"}, Status: creation.StatusInProgress}, []string{taken.ID}},
		{"advisor filter", app.CaseQuery{Scope: cmaAdvisor, AdvisorID: "cma-a"}, []string{cma.ID}},
		{"first page", app.CaseQuery{Scope: access.Scope{Lead: "CCI"}, Limit: 2}, []string{cci.ID, shared.ID}},
		{"next page", app.CaseQuery{Scope: access.Scope{Lead: "CCI"}, Limit: 2, After: shared.ID}, []string{taken.ID}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ids(tt.q); fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
		})
	}
}

// TestEraseComments: comments older than the retention period are blanked,
// newer ones and the reasons kept.
func TestEraseComments(t *testing.T) {
	f := newFixture(t)
	for _, id := range []string{"cci-a", "cci-b", "cci-c"} {
		f.advisor(creation.Advisor{AdvisorID: id, Chamber: "CCI", Active: true})
	}
	old, recent := f.open(1, "CCI", ""), f.open(2, "CCI", "")
	handBack := func(c creation.Case) {
		t.Helper()
		p := auth.Principal{Subject: c.AdvisorID, Chamber: "CCI", Roles: []auth.Role{auth.RoleAdvisor}}
		if _, err := (app.HandBack{Cases: f.store, Now: f.clock}).Do(f.ctx, p, c.ID,
			app.HandBackInput{Reason: events.ReassignOther, Comment: "M. Dupont préfère un rendez-vous le soir."}); err != nil {
			t.Fatal(err)
		}
	}
	// The journey's free text: a stage change's comment and a note.
	followUp := func(c creation.Case) {
		t.Helper()
		c, _, _ = f.store.Case(f.ctx, c.ID)
		p := auth.Principal{Subject: c.AdvisorID, Chamber: "CCI", Roles: []auth.Role{auth.RoleAdvisor}}
		if _, err := (app.TakeInCharge{Cases: f.store, Now: f.clock}).Do(f.ctx, p, c.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := (app.MoveStage{Cases: f.store, Now: f.clock}).Do(f.ctx, p, c.ID, app.MoveInput{
			To: creation.StageTraining, Reason: creation.ReasonOtherTransition, Comment: "Mme Durand a déjà un business plan."}); err != nil {
			t.Fatal(err)
		}
		if _, err := (app.WriteNote{Cases: f.store, Notes: f.store, Now: f.clock}).Do(f.ctx, p, c.ID, "Joignable au 06 12 34 56 78.", false); err != nil {
			t.Fatal(err)
		}
	}
	handBack(old)
	followUp(old)
	f.now = f.now.Add(3 * 365 * 24 * time.Hour)
	handBack(recent)
	followUp(recent)
	n, err := (app.EraseComments{Comments: f.store, After: 26280 * time.Hour, Now: func() time.Time { return f.now.Add(time.Hour) }}).Run(f.ctx)
	if err != nil || n != 3 {
		t.Fatalf("erased %d (%v), want 3: a hand-back's comment, a stage change's and a note", n, err)
	}
	o, _, _ := f.store.Case(f.ctx, old.ID)
	r, _, _ := f.store.Case(f.ctx, recent.ID)
	if o.HandBacks[0].Comment != "" || o.HandBacks[0].Reason != events.ReassignOther || r.HandBacks[0].Comment == "" {
		t.Fatalf("old %+v, recent %+v", o.HandBacks, r.HandBacks)
	}
	if o.Timeline[0].Comment != "" || o.Timeline[0].Reason != creation.ReasonOtherTransition || r.Timeline[0].Comment == "" {
		t.Fatalf("stage changes: old %+v, recent %+v", o.Timeline, r.Timeline)
	}
	on, _ := f.store.Notes(f.ctx, old.ID)
	rn, _ := f.store.Notes(f.ctx, recent.ID)
	if len(on) != 1 || on[0].Text != "" || len(rn) != 1 || rn[0].Text == "" {
		t.Fatalf("notes: old %+v, recent %+v", on, rn)
	}
}
