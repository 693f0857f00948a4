package postgres_test

import (
	"context"
	"fmt"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ccicma/platform/pkg/audit"
	"github.com/ccicma/platform/pkg/auth"
	"github.com/ccicma/platform/pkg/directory/projection"
	"github.com/ccicma/platform/pkg/events"
	"github.com/ccicma/platform/pkg/inbox"
	"github.com/ccicma/platform/pkg/natsbus"
	"github.com/ccicma/platform/pkg/outbox"
	"github.com/ccicma/platform/pkg/testkit"

	"github.com/ccicma/platform/services/difficulty-alert/internal/adapters/postgres"
	"github.com/ccicma/platform/services/difficulty-alert/internal/app"
	"github.com/ccicma/platform/services/difficulty-alert/internal/domain/access"
	"github.com/ccicma/platform/services/difficulty-alert/internal/domain/prevention"
	"github.com/ccicma/platform/services/difficulty-alert/internal/domain/scoring"
	"github.com/ccicma/platform/services/difficulty-alert/migrations"
)

// TestStore runs the adapter tests in parallel in one database, each in a
// fresh, migrated schema of difficulty_alert's role, through the use cases
// that drive the store.
func TestStore(t *testing.T) {
	t.Parallel()
	db := testkit.NewSchemas(t, "difficulty_alert")
	for _, tc := range []struct {
		name string
		run  func(*testing.T, *fixture)
	}{
		{"DirectoryKeepsTheHighestRevision", testDirectoryRevisions},
		{"OpeningStoresTheCaseItsEventAndTheLoads", testOpening},
		{"OpeningIsIdempotent", testOpeningIdempotent},
		{"ObservationOpensOneCaseARequest", testObservation},
		{"ConcernOpensOneCaseAnOfferAndFindsItsBusiness", testConcern},
		{"CaseLearnsItsBusiness", testCaseLearnsItsBusiness},
		{"CaseAndSignalTogether", testCaseAndSignalTogether},
		{"CreationConcernOpensOneCaseARequestAndNamesItsBusiness", testCreationConcern},
		{"CheckpointThenCreationConcern", testCheckpointThenCreationConcern},
		{"BatchedOpeningsSpreadAndCountLoads", testBatchedOpenings},
		{"VisibleCasesAgreeWithTheAccessRule", testVisibleCases},
		{"VisibleCasesPage", testVisiblePaging},
		{"AuditLogOnTheMigratedTable", testAuditTable},
		{"BodaccImportRectifiesCancelsAndIsIdempotent", testBodaccImport},
		{"BodaccCancellationBeforeItsNotice", testBodaccOutOfOrder},
		{"BodaccRectificationsAndCancellationOfVersions", testBodaccVersions},
		{"ImportScoresInItsTransaction", testImportScoresInItsTransaction},
		{"EachKindAndDecay", testEachKindAndDecay},
		{"LevelChangesBothWaysOnce", testLevelChangesBothWays},
		{"DecayJobSharedByReplicas", testDecayJobSharedByReplicas},
		{"CellListAndTrend", testCellListAndTrend},
		{"ScoreOpensEscalatesAndLiquidationClosesCases", testScoreCases},
		{"ScoreCaseFollowsTheEarlierCase", testScoreCaseFollowsEarlierCase},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.run(t, setup(t, db))
		})
	}
}

type fixture struct {
	ctx   context.Context
	pool  *pgxpool.Pool
	store *postgres.Store
	wakes *wakeCounter
	open  app.OpenCase
	proj  projection.ProjectAdvisor
	now   time.Time
}

type wakeCounter struct{ n atomic.Int64 }

func (w *wakeCounter) Wake() { w.n.Add(1) }

func setup(t testing.TB, db *testkit.Schemas) *fixture {
	t.Helper()
	ctx := testkit.Context(t)
	pool := db.Pool(t, outbox.Migrations(), inbox.Migrations(), audit.Migrations(), projection.Migrations(), migrations.Set())
	f := &fixture{ctx: ctx, pool: pool, wakes: &wakeCounter{}, now: time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)}
	f.store = postgres.New(pool, f.wakes)
	f.open = app.OpenCase{Cases: f.store, Now: func() time.Time { return f.now }}
	f.proj = projection.ProjectAdvisor{Advisors: f.store}
	return f
}

// rescore is the rescoring under the embedded rules at the fixture's
// clock.
func (f *fixture) rescore(t testing.TB) app.Rescore {
	t.Helper()
	rules, err := scoring.EmbeddedRules()
	if err != nil {
		t.Fatal(err)
	}
	return app.Rescore{Scores: f.store, Rules: rules, Now: func() time.Time { return f.now }}
}

func (f *fixture) event(t *testing.T, source, aggregate string, p events.Payload) events.Event {
	t.Helper()
	ev, err := events.New(source, aggregate, "91", p, f.now)
	if err != nil {
		t.Fatal(err)
	}
	return ev
}

func (f *fixture) count(t testing.TB, query string, args ...any) int {
	t.Helper()
	var n int
	if err := f.pool.QueryRow(f.ctx, query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

func advisor(id, chamber string, revision int64, roles ...string) events.AdvisorUpdated {
	return events.AdvisorUpdated{AdvisorID: id, Revision: revision, Chamber: chamber, Departements: []string{"91"},
		Specialities: []string{"creation"}, Roles: roles, Capacity: 10, Active: true}
}

func (f *fixture) project(t *testing.T, p events.AdvisorUpdated) {
	t.Helper()
	if err := f.proj.Handle(f.ctx, f.event(t, "advisor-desk", p.AdvisorID, p), p); err != nil {
		t.Fatal(err)
	}
}

func report(n int, lead, secondary string) events.DifficultyReported {
	return events.DifficultyReported{
		RequestID: fmt.Sprintf("01900000-0000-7000-8000-%012d", n), NAFCode: "56.10A", NAFVersion: "NAFRev2", Departement: "91",
		Kinds: []string{"cash_flow"}, QuestionnaireVersion: "q1", Score: 55, Level: events.DifficultyCallBack,
		Routing:    events.Routing{LeadChamber: lead, SecondaryChamber: secondary, RuleID: "test", Reason: "Règle de test", EPCI: "200056232"},
		ReportedAt: time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC),
	}
}

func (f *fixture) report(t *testing.T, p events.DifficultyReported) prevention.Case {
	t.Helper()
	if err := f.open.Handle(f.ctx, f.event(t, "intake", p.RequestID, p), p); err != nil {
		t.Fatal(err)
	}
	return f.caseOf(t, p.RequestID)
}

func (f *fixture) caseOf(t *testing.T, requestID string) prevention.Case {
	t.Helper()
	var id string
	if err := f.pool.QueryRow(f.ctx, `SELECT case_id::text FROM difficulty_cases WHERE request_id = $1`, requestID).Scan(&id); err != nil {
		t.Fatalf("case of %s: %v", requestID, err)
	}
	c, found, err := f.store.Case(f.ctx, id)
	if err != nil || !found {
		t.Fatalf("Case(%s) = %v, %v", id, found, err)
	}
	return c
}

func testDirectoryRevisions(t *testing.T, f *fixture) {
	back := f.now.Add(time.Hour)
	p := advisor("cma-1", "CMA", 2, "prevention_cell")
	p.Communes, p.EPCIs, p.AbsentUntil = []string{"91228"}, []string{"200056232"}, &back
	f.project(t, p)
	f.project(t, advisor("cma-1", "CMA", 1)) // stale: ignored
	var roles, communes, epcis []string
	var absent *time.Time
	var revision int64
	if err := f.pool.QueryRow(f.ctx, `SELECT revision, roles, communes, epcis, absent_until FROM advisors WHERE advisor_id = 'cma-1'`).
		Scan(&revision, &roles, &communes, &epcis, &absent); err != nil {
		t.Fatal(err)
	}
	if revision != 2 || !slices.Equal(roles, []string{"prevention_cell"}) || !slices.Equal(communes, p.Communes) ||
		!slices.Equal(epcis, p.EPCIs) || absent == nil || !absent.Equal(back) {
		t.Fatalf("projected revision %d roles %v communes %v epcis %v absent %v", revision, roles, communes, epcis, absent)
	}
	f.project(t, advisor("cma-1", "CMA", 3)) // newer: replaces, including the lists it empties
	if err := f.pool.QueryRow(f.ctx, `SELECT revision, roles, communes, absent_until FROM advisors WHERE advisor_id = 'cma-1'`).
		Scan(&revision, &roles, &communes, &absent); err != nil {
		t.Fatal(err)
	}
	if revision != 3 || len(roles) != 0 || len(communes) != 0 || absent != nil {
		t.Fatalf("after revision 3: revision %d roles %v communes %v absent %v", revision, roles, communes, absent)
	}
}

func testOpening(t *testing.T, f *fixture) {
	f.project(t, advisor("cma-cell", "CMA", 1, "prevention_cell"))
	f.project(t, advisor("cma-plain", "CMA", 1, "advisor")) // no prevention role nor speciality
	spec := advisor("cci-spec", "CCI", 1, "advisor")
	spec.Specialities = []string{"difficulty"}
	f.project(t, spec)
	p := report(1, "CMA", "CCI")
	c := f.report(t, p)
	if !slices.Equal(c.AdvisorIDs, []string{"cma-cell", "cci-spec"}) || c.Chamber != "CMA" || c.SecondaryChamber != "CCI" {
		t.Fatalf("case = %+v", c)
	}
	if c.Level != "call_back" || c.Score != 55 || !slices.Equal(c.Kinds, p.Kinds) || c.QuestionnaireVersion != "q1" ||
		c.NAFCode != "56.10A" || c.NAFVersion != "NAFRev2" || c.Departement != "91" || c.Routing.EPCI != "200056232" ||
		c.Routing.RuleID != "test" || c.Routing.Reason != "Règle de test" || c.Routing.LeadChamber != "CMA" ||
		!c.ReportedAt.Equal(p.ReportedAt) || !c.OpenedAt.Equal(f.now) || c.Status != prevention.StatusOpened {
		t.Fatalf("case read back = %+v", c)
	}
	for id, want := range map[string]int{"cma-cell": 1, "cci-spec": 1, "cma-plain": 0} {
		if n := f.count(t, `SELECT open_cases FROM advisors WHERE advisor_id = $1`, id); n != want {
			t.Errorf("%s carries %d cases, want %d", id, n, want)
		}
	}
	var topic string
	var payload []byte
	if err := f.pool.QueryRow(f.ctx, `SELECT topic, payload FROM outbox`).Scan(&topic, &payload); err != nil {
		t.Fatal(err)
	}
	if topic != "difficulty.case.opened.91" {
		t.Fatalf("outbox topic %q", topic)
	}
	ev, err := events.Decode[events.DifficultyCaseOpened](events.Event{Type: events.DifficultyCaseOpened{}.EventName().Type(), Data: payload})
	if err != nil {
		t.Fatal(err)
	}
	if ev.CaseID != c.ID || ev.RequestID != p.RequestID || !slices.Equal(ev.AdvisorIDs, c.AdvisorIDs) || ev.Level != "call_back" {
		t.Fatalf("event = %+v", ev)
	}
	if f.wakes.n.Load() == 0 {
		t.Fatal("the relay was not woken after the commit")
	}

	// Nobody covers the département: the case is opened without
	// advisors, for the chamber's prevention cell.
	elsewhere := report(2, "CCI", "")
	elsewhere.Departement, elsewhere.Routing.OutOfTerritory = "75", true
	empty := f.report(t, elsewhere)
	if empty.SecondaryChamber != "" || len(empty.AdvisorIDs) != 0 || !empty.Routing.OutOfTerritory || empty.Departement != "75" {
		t.Fatalf("case without advisors = %+v", empty)
	}
	// Routed nowhere: no case, no event.
	if err := f.open.Handle(f.ctx, f.event(t, "intake", "x", report(3, "", "")), report(3, "", "")); err != nil {
		t.Fatal(err)
	}
	if n := f.count(t, `SELECT count(*) FROM difficulty_cases`); n != 2 {
		t.Fatalf("%d cases, want 2", n)
	}
	if n := f.count(t, `SELECT count(*) FROM outbox`); n != 2 {
		t.Fatalf("%d events, want 2", n)
	}
}

func testOpeningIdempotent(t *testing.T, f *fixture) {
	f.project(t, advisor("cma-cell", "CMA", 1, "prevention_cell"))
	p := report(1, "CMA", "")
	ev := f.event(t, "intake", p.RequestID, p)
	for range 2 {
		if err := f.open.Handle(f.ctx, ev, p); err != nil {
			t.Fatal(err)
		}
	}
	// The same report under another event id (a replay after the inbox
	// forgot the first): no second case, no event, no load.
	if err := f.open.Handle(f.ctx, f.event(t, "intake", p.RequestID, p), p); err != nil {
		t.Fatal(err)
	}
	if n := f.count(t, `SELECT count(*) FROM difficulty_cases`); n != 1 {
		t.Fatalf("%d cases, want 1", n)
	}
	if n := f.count(t, `SELECT count(*) FROM outbox`); n != 1 {
		t.Fatalf("%d events, want 1", n)
	}
	if n := f.count(t, `SELECT open_cases FROM advisors WHERE advisor_id = 'cma-cell'`); n != 1 {
		t.Fatalf("advisor carries %d cases, want 1", n)
	}
}

func seen(n, checkpoint int) events.CreationCaseDifficultySeen {
	return events.CreationCaseDifficultySeen{CaseID: fmt.Sprintf("01950000-0000-7000-8000-%012d", n),
		RequestID: fmt.Sprintf("01900000-0000-7000-8000-%012d", n), Chamber: "CMA", SecondaryChamber: "CCI", AdvisorID: "cma-crea",
		Departement: "91", EPCI: "200056232", CheckpointIndex: checkpoint, CheckpointLabel: []string{"6 mois", "1 an", "2 ans", "3 ans"}[checkpoint],
		SeenAt: time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)}
}

// testObservation: an advisor's observation opens a call-back case for
// the creation case's chambers, stored without the self report's
// columns; a second checkpoint of the same creation case, the same event
// again, open nothing more. The table refuses a case that mixes the
// sources' columns.
func testObservation(t *testing.T, f *fixture) {
	f.project(t, advisor("cma-cell", "CMA", 1, "prevention_cell"))
	f.project(t, advisor("cci-cell", "CCI", 1, "prevention_cell"))
	observed := app.OpenObservedCase{Cases: f.store, Now: func() time.Time { return f.now }}
	p := seen(7, 0)
	ev := f.event(t, "creation-support", p.CaseID, p)
	for _, e := range []events.Event{ev, ev, f.event(t, "creation-support", p.CaseID, p)} {
		if err := observed.Handle(f.ctx, e, p); err != nil {
			t.Fatal(err)
		}
	}
	later := seen(7, 1)
	if err := observed.Handle(f.ctx, f.event(t, "creation-support", later.CaseID, later), later); err != nil {
		t.Fatal(err)
	}
	c := f.caseOf(t, p.RequestID)
	if c.Source != prevention.SourceAdvisorObservation || c.CreationCaseID != p.CaseID || c.Checkpoint != "6 mois" ||
		c.Level != events.DifficultyCallBack || c.Chamber != "CMA" || c.SecondaryChamber != "CCI" ||
		!slices.Equal(c.AdvisorIDs, []string{"cma-cell", "cci-cell"}) || c.Routing.EPCI != "200056232" || !c.ReportedAt.Equal(p.SeenAt) {
		t.Fatalf("observed case = %+v", c)
	}
	if n := f.count(t, `SELECT count(*) FROM difficulty_cases WHERE score IS NULL AND questionnaire_version IS NULL
		AND routing_rule IS NULL AND routing_reason IS NULL AND kinds = '{}'`); n != 1 {
		t.Fatalf("%d observations stored without the self report's columns, want 1", n)
	}
	if n := f.count(t, `SELECT count(*) FROM outbox`); n != 1 {
		t.Fatalf("%d events, want 1", n)
	}
	var payload []byte
	if err := f.pool.QueryRow(f.ctx, `SELECT payload FROM outbox`).Scan(&payload); err != nil {
		t.Fatal(err)
	}
	opened, err := events.Decode[events.DifficultyCaseOpened](events.Event{Type: events.DifficultyCaseOpened{}.EventName().Type(), Data: payload})
	if err != nil || opened.Source != "advisor_observation" || opened.Level != "call_back" || opened.CaseID != c.ID {
		t.Fatalf("event = %+v, %v", opened, err)
	}
	for id, want := range map[string]int{"cma-cell": 1, "cci-cell": 1} {
		if n := f.count(t, `SELECT open_cases FROM advisors WHERE advisor_id = $1`, id); n != want {
			t.Errorf("%s carries %d cases, want %d", id, n, want)
		}
	}
	// A self report keeps its columns, and the default names its source
	// (rows from before the source existed).
	self := f.report(t, report(8, "CMA", ""))
	if self.Source != prevention.SourceSelfReport || self.Score != 55 || self.CreationCaseID != "" {
		t.Fatalf("self report = %+v", self)
	}
	for name, sql := range map[string]string{
		"an observation with a score":              `UPDATE difficulty_cases SET score = 10 WHERE source = 'advisor_observation'`,
		"a self report without score":              `UPDATE difficulty_cases SET score = NULL WHERE source = 'self_report'`,
		"a self report with a creation case":       `UPDATE difficulty_cases SET creation_case_id = gen_random_uuid() WHERE source = 'self_report'`,
		"an observation without its creation case": `UPDATE difficulty_cases SET creation_case_id = NULL WHERE source = 'advisor_observation'`,
	} {
		if _, err := f.pool.Exec(f.ctx, sql); err == nil {
			t.Errorf("the table accepts %s", name)
		}
	}
}

// testBatchedOpenings runs openings as natsbus would with inbox.Batcher: in
// one transaction, sharing loads read once.
func testBatchedOpenings(t *testing.T, f *fixture) {
	for _, id := range []string{"cci-a", "cci-b", "cci-c"} {
		f.project(t, advisor(id, "CCI", 1, "prevention_cell"))
	}
	var items []natsbus.Item
	reports := map[string]events.DifficultyReported{}
	for i := range 9 {
		p := report(100+i, "CCI", "")
		ev := f.event(t, "intake", p.RequestID, p)
		reports[ev.ID] = p
		items = append(items, natsbus.Item{Ctx: f.ctx, Event: ev})
	}
	errs := inbox.Batcher{Pool: f.pool}.RunBatch(items, func(ctx context.Context, ev events.Event) error {
		return f.open.Handle(ctx, ev, reports[ev.ID])
	})
	for i, err := range errs {
		if err != nil {
			t.Fatalf("item %d: %v", i, err)
		}
	}
	for _, id := range []string{"cci-a", "cci-b", "cci-c"} {
		if n := f.count(t, `SELECT open_cases FROM advisors WHERE advisor_id = $1`, id); n != 3 {
			t.Errorf("%s carries %d of 9 cases, want 3", id, n)
		}
		if n := f.count(t, `SELECT count(*) FROM difficulty_cases WHERE $1 = ANY(advisor_ids)`, id); n != 3 {
			t.Errorf("%s assigned %d cases, want 3", id, n)
		}
	}
}

// testVisibleCases checks the list query against access.ReadCase for every
// principal and case of a small matrix: a case is listed exactly when the
// rule lets the principal read it.
func testVisibleCases(t *testing.T, f *fixture) {
	f.project(t, advisor("cma-cell", "CMA", 1, "prevention_cell"))
	f.project(t, advisor("cci-cell", "CCI", 1, "prevention_cell"))
	cases := []prevention.Case{
		f.report(t, report(1, "CMA", "")),    // cma-cell
		f.report(t, report(2, "CCI", "CMA")), // cci-cell, cma-cell
		f.report(t, report(3, "CCI", "")),    // cci-cell
	}
	f.project(t, advisor("cci-cell", "CCI", 2)) // leaves the cell; still assigned
	f.project(t, advisor("cci-new", "CCI", 1, "prevention_cell"))
	cases = append(cases, f.report(t, report(4, "CCI", ""))) // cci-new
	principals := []auth.Principal{
		{Subject: "cma-cell", Chamber: "CMA", Roles: []auth.Role{auth.RolePreventionCell}},
		{Subject: "cma-cell", Chamber: "CMA"}, // their token lost the role: assigned cases only
		{Subject: "cci-cell", Chamber: "CCI", Roles: []auth.Role{auth.RoleAdvisor}},
		{Subject: "cci-new", Chamber: "CCI", Roles: []auth.Role{auth.RolePreventionCell}},
		{Subject: "cma-manager", Chamber: "CMA", Roles: []auth.Role{auth.RoleManager, auth.RoleAdvisor}},
		{Subject: "cci-admin", Chamber: "CCI", Roles: []auth.Role{auth.RoleAdmin}},
	}
	for _, p := range principals {
		got, err := f.store.VisibleCases(f.ctx, access.ListScope(p), "", 100)
		if err != nil {
			t.Fatal(err)
		}
		var gotIDs, wantIDs []string
		for _, c := range got {
			gotIDs = append(gotIDs, c.ID)
		}
		for i := len(cases) - 1; i >= 0; i-- { // newest first
			if access.ReadCase(p, cases[i]) {
				wantIDs = append(wantIDs, cases[i].ID)
			}
		}
		if !slices.Equal(gotIDs, wantIDs) {
			t.Errorf("%s %v lists %v, the rule allows %v", p.Subject, p.Roles, gotIDs, wantIDs)
		}
	}
	if _, found, err := f.store.Case(f.ctx, "not-a-uuid"); found || err != nil {
		t.Fatalf("Case(not-a-uuid) = %v, %v", found, err)
	}
	if _, found, err := f.store.Case(f.ctx, "01900000-0000-7000-8000-999999999999"); found || err != nil {
		t.Fatalf("Case(unknown) = %v, %v", found, err)
	}
}

func testVisiblePaging(t *testing.T, f *fixture) {
	f.project(t, advisor("cma-cell", "CMA", 1, "prevention_cell"))
	var want []string
	for i := range 5 {
		want = append([]string{f.report(t, report(i, "CMA", "")).ID}, want...)
	}
	scope := access.Scope{AdvisorID: "cma-cell"}
	var got []string
	before := ""
	for range 4 {
		page, err := f.store.VisibleCases(f.ctx, scope, before, 2)
		if err != nil {
			t.Fatal(err)
		}
		if len(page) == 0 {
			break
		}
		for _, c := range page {
			got = append(got, c.ID)
		}
		before = page[len(page)-1].ID
	}
	if !slices.Equal(got, want) {
		t.Fatalf("pages %v, want %v", got, want)
	}
}

func testAuditTable(t *testing.T, f *fixture) {
	log := postgres.NewAudit(f.pool)
	e := audit.Entry{At: f.now, ActorID: "cma-cell", ActorChamber: "CMA", Action: app.ActionRead, Resource: app.ResourceCase,
		ResourceID: "01900000-0000-7000-8000-000000000001", Chambers: []string{"CMA"}, TraceID: "t"}
	if err := log.Record(f.ctx, e); err != nil {
		t.Fatalf("Record on the migrated table: %v", err)
	}
	got, err := log.Query(f.ctx, audit.Filter{Chamber: "CMA"})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].ActorID != "cma-cell" || got[0].ResourceID != e.ResourceID {
		t.Fatalf("entries = %+v", got)
	}
	if _, err := f.pool.Exec(f.ctx, `DELETE FROM audit_log`); err == nil {
		t.Fatal("the migrated audit log accepts deletions")
	}
}
