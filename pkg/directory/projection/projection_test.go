package projection_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ccicma/platform/pkg/directory"
	"github.com/ccicma/platform/pkg/directory/projection"
	"github.com/ccicma/platform/pkg/events"
	"github.com/ccicma/platform/pkg/inbox"
	"github.com/ccicma/platform/pkg/pgdb"
	"github.com/ccicma/platform/pkg/testkit"
)

// TestProjection runs the tests in parallel in one database, each in a
// schema of its own owned by difficulty_alert's role.
func TestProjection(t *testing.T) {
	t.Parallel()
	db := testkit.NewSchemas(t, "difficulty_alert")
	for _, tc := range []struct {
		name string
		run  func(*testing.T, context.Context, *pgxpool.Pool)
	}{
		{"UpsertKeepsTheHighestRevision", testRevisions},
		{"UpsertKeepsTheLoad", testUpsertKeepsLoad},
		{"ApplyRepeatsAndReplays", testApplyRepeats},
		{"ProjectAdvisorUseCase", func(t *testing.T, ctx context.Context, pool *pgxpool.Pool) { testProjectAdvisor(ctx, t, pool) }},
		{"LoadsOfAChamberAndDepartement", testLoads},
		{"AddCases", testAddCases},
		{"CounterInABatch", testCounterBatched},
		{"CounterAlone", testCounterAlone},
		{"MigrationsAdoptAServiceTable", testAdopt},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.run(t, testkit.Context(t), db.Pool(t))
		})
	}
}

var t0 = time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)

func migrate(t *testing.T, ctx context.Context, pool *pgxpool.Pool) {
	t.Helper()
	if err := pgdb.Migrate(ctx, pool, inbox.Migrations(), projection.Migrations()); err != nil {
		t.Fatal(err)
	}
}

func get(t *testing.T, ctx context.Context, pool *pgxpool.Pool, id string) directory.Advisor {
	t.Helper()
	a, found, err := projection.Get(ctx, pool, id)
	if err != nil || !found {
		t.Fatalf("get %s: found %v, %v", id, found, err)
	}
	return a
}

// testRevisions: whatever order the revisions arrive in, the entry with the
// highest one stays; a replay of the same revision changes nothing.
func testRevisions(t *testing.T, ctx context.Context, pool *pgxpool.Pool) {
	migrate(t, ctx, pool)
	back := t0.Add(48 * time.Hour)
	entry := func(id string, rev int64) directory.Advisor {
		a := directory.Advisor{AdvisorID: id, Revision: rev, Chamber: "CCI", Departements: []string{"91"},
			Specialities: []string{events.SpecialityCreation}, Capacity: int(rev) * 10, Active: true}
		if rev == 2 {
			a.Communes, a.EPCIs, a.Roles, a.AbsentUntil = []string{"91228"}, []string{"200056232"}, []string{"advisor"}, &back
		}
		return a
	}
	tests := []struct {
		name string
		revs []int64
		want int64
	}{
		{"in order", []int64{1, 2, 3}, 3},
		{"late revision ignored", []int64{3, 1, 2}, 3},
		{"same revision twice", []int64{2, 2}, 2},
		{"one only", []int64{2}, 2},
		{"descending", []int64{3, 2, 1}, 3},
	}
	for i, tt := range tests {
		id := "cci-" + string(rune('a'+i))
		for _, rev := range tt.revs {
			if err := projection.Upsert(ctx, pool, entry(id, rev)); err != nil {
				t.Fatal(err)
			}
		}
		got := get(t, ctx, pool, id)
		want := entry(id, tt.want)
		if got.Revision != want.Revision || got.Capacity != want.Capacity || !slices.Equal(got.Communes, want.Communes) ||
			!slices.Equal(got.EPCIs, want.EPCIs) || !slices.Equal(got.Roles, want.Roles) ||
			(got.AbsentUntil == nil) != (want.AbsentUntil == nil) {
			t.Errorf("%s: revisions %v kept %+v, want revision %d", tt.name, tt.revs, got, tt.want)
		}
		if got.AbsentUntil != nil && (!got.AbsentUntil.Equal(back) || got.AbsentUntil.Location() != time.UTC) {
			t.Errorf("%s: absent until %v, want %v in UTC", tt.name, got.AbsentUntil, back)
		}
	}
	if _, found, err := projection.Get(ctx, pool, "nobody"); err != nil || found {
		t.Fatalf("unknown advisor: found %v, %v", found, err)
	}
}

// testUpsertKeepsLoad: a directory change does not reset the load this
// service counts, and missing lists are stored empty.
func testUpsertKeepsLoad(t *testing.T, ctx context.Context, pool *pgxpool.Pool) {
	migrate(t, ctx, pool)
	if err := projection.Upsert(ctx, pool, directory.Advisor{AdvisorID: "a", Revision: 1, Chamber: "CMA"}); err != nil {
		t.Fatal(err)
	}
	if err := projection.AddCases(ctx, pool, map[string]int{"a": 4}); err != nil {
		t.Fatal(err)
	}
	if err := projection.Upsert(ctx, pool, directory.Advisor{AdvisorID: "a", Revision: 2, Chamber: "CMA", Active: true,
		Departements: []string{"91"}}); err != nil {
		t.Fatal(err)
	}
	loads, err := projection.Loads(ctx, pool, "CMA", "91")
	if err != nil {
		t.Fatal(err)
	}
	if len(loads) != 1 || loads[0].OpenCases != 4 || loads[0].Advisor.Revision != 2 {
		t.Fatalf("loads %+v, want a with 4 cases at revision 2", loads)
	}
	if a := loads[0].Advisor; a.Roles == nil || a.Communes == nil || a.EPCIs == nil || a.Specialities == nil {
		t.Fatalf("missing lists read back as nil: %+v", a)
	}
}

// testApplyRepeats: a repeat or a late event changes nothing (the revision
// guard, without an inbox claim), and once the rows are gone the same
// events, replayed, rebuild the entry.
func testApplyRepeats(t *testing.T, ctx context.Context, pool *pgxpool.Pool) {
	migrate(t, ctx, pool)
	entry := func(rev int64, capacity int) directory.Advisor {
		return directory.FromEvent(events.AdvisorUpdated{AdvisorID: "a", Revision: rev, Chamber: "CCI", Capacity: capacity, Active: true, UpdatedAt: t0})
	}
	apply := func(a directory.Advisor) {
		t.Helper()
		if err := projection.Apply(ctx, pool, a); err != nil {
			t.Fatal(err)
		}
	}
	replay := func() {
		apply(entry(1, 5))
		apply(entry(2, 7))
		apply(entry(1, 5)) // redelivered late
	}
	replay()
	if a := get(t, ctx, pool, "a"); a.Revision != 2 || a.Capacity != 7 {
		t.Fatalf("after a redelivery of revision 1: %+v", a)
	}
	if _, err := pool.Exec(ctx, `DELETE FROM advisors`); err != nil {
		t.Fatal(err)
	}
	replay()
	if a := get(t, ctx, pool, "a"); a.Revision != 2 || a.Capacity != 7 {
		t.Fatalf("after a replay into an empty projection: %+v", a)
	}
	var claims int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM inbox`).Scan(&claims); err != nil || claims != 0 {
		t.Fatalf("inbox claims %d, %v; want none", claims, err)
	}
}

// applier is a service's adapter as the use case sees it.
type applier struct{ pool *pgxpool.Pool }

func (s applier) UpsertAdvisor(ctx context.Context, a directory.Advisor) error {
	return projection.Apply(ctx, s.pool, a)
}

// testProjectAdvisor: the use case stores the event's entry, copied from
// the payload, once per event; a failure (here the request's context is
// gone) names the advisor.
func testProjectAdvisor(ctx context.Context, t *testing.T, pool *pgxpool.Pool) {
	migrate(t, ctx, pool)
	uc := projection.ProjectAdvisor{Advisors: applier{pool: pool}}
	back := time.Date(2026, 12, 1, 10, 0, 0, 0, time.FixedZone("CET", 3600))
	p := events.AdvisorUpdated{AdvisorID: "cma-91-001", Revision: 3, Chamber: "CMA", Departements: []string{"91"},
		Specialities: []string{events.SpecialityCreation}, Roles: []string{"advisor"}, Capacity: 12, Active: true,
		AbsentUntil: &back, UpdatedAt: t0}
	ev, err := events.New("advisor-desk", p.AdvisorID, "91", p, t0)
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := uc.Handle(ctx, ev, p); err != nil {
			t.Fatal(err)
		}
	}
	a := get(t, ctx, pool, "cma-91-001")
	if a.Revision != 3 || a.Chamber != "CMA" || a.Capacity != 12 || !slices.Equal(a.Roles, []string{"advisor"}) ||
		a.AbsentUntil == nil || !a.AbsentUntil.Equal(back) {
		t.Errorf("projected %+v, want the event's entry", a)
	}
	gone, cancel := context.WithCancel(ctx)
	cancel()
	p.Revision = 4
	if err := uc.Handle(gone, ev, p); err == nil || !strings.Contains(err.Error(), "project advisor cma-91-001") {
		t.Errorf("Handle with the database unreachable = %v, want an error naming the advisor", err)
	}
}

// testLoads: the active advisors of the chamber in the département (any
// with none), by id, whatever their speciality or absence: the domain
// decides those.
func testLoads(t *testing.T, ctx context.Context, pool *pgxpool.Pool) {
	migrate(t, ctx, pool)
	soon := t0.Add(time.Hour)
	for _, a := range []directory.Advisor{
		{AdvisorID: "cci-c", Chamber: "CCI", Departements: []string{"91"}, Active: true, AbsentUntil: &soon},
		{AdvisorID: "cci-a", Chamber: "CCI", Departements: []string{"75", "91"}, Active: true, Specialities: []string{"takeover"}},
		{AdvisorID: "cci-b", Chamber: "CCI", Departements: []string{"91"}, Active: false},
		{AdvisorID: "cci-d", Chamber: "CCI", Departements: []string{"75"}, Active: true},
		{AdvisorID: "cma-a", Chamber: "CMA", Departements: []string{"91"}, Active: true},
	} {
		a.Revision = 1
		if err := projection.Upsert(ctx, pool, a); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		chamber, dept string
		want          []string
	}{
		{"CCI", "91", []string{"cci-a", "cci-c"}},
		{"CCI", "75", []string{"cci-a", "cci-d"}},
		{"CCI", "", []string{"cci-a", "cci-c", "cci-d"}},
		{"CMA", "91", []string{"cma-a"}},
		{"CMA", "75", nil},
	}
	for _, tt := range tests {
		loads, err := projection.Loads(ctx, pool, tt.chamber, tt.dept)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, l := range loads {
			got = append(got, l.Advisor.AdvisorID)
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("Loads(%s, %q) = %v, want %v", tt.chamber, tt.dept, got, tt.want)
		}
	}
}

func testAddCases(t *testing.T, ctx context.Context, pool *pgxpool.Pool) {
	migrate(t, ctx, pool)
	for _, id := range []string{"a", "b", "c"} {
		if err := projection.Upsert(ctx, pool, directory.Advisor{AdvisorID: id, Revision: 1, Chamber: "CCI", Active: true}); err != nil {
			t.Fatal(err)
		}
	}
	for _, n := range []map[string]int{{"b": 2, "a": 1}, {"b": 1, "unknown": 3}, nil} {
		if err := projection.AddCases(ctx, pool, n); err != nil {
			t.Fatal(err)
		}
	}
	loads, err := projection.Loads(ctx, pool, "CCI", "")
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, l := range loads {
		got[l.Advisor.AdvisorID] = l.OpenCases
	}
	if got["a"] != 1 || got["b"] != 3 || got["c"] != 0 || len(got) != 3 {
		t.Fatalf("loads %v, want a 1, b 3, c 0", got)
	}
}

// testAdopt: on a database where a service created the table in its own
// migrations (difficulty-alert's 001 and 002, verbatim), the set keeps the
// rows, adds what an older table lacks, and makes the index the same as
// everywhere else.
func testAdopt(t *testing.T, ctx context.Context, pool *pgxpool.Pool) {
	for _, stmt := range []string{
		`CREATE TABLE advisors (
			advisor_id text PRIMARY KEY, revision bigint NOT NULL, chamber text NOT NULL,
			departements text[] NOT NULL, specialities text[] NOT NULL, capacity integer NOT NULL,
			active boolean NOT NULL, open_cases integer NOT NULL DEFAULT 0, updated_at timestamptz NOT NULL)`,
		`ALTER TABLE advisors ADD COLUMN roles text[] NOT NULL DEFAULT '{}', ADD COLUMN communes text[] NOT NULL DEFAULT '{}'`,
		`CREATE INDEX advisors_assignable ON advisors (chamber) WHERE active`,
		`INSERT INTO advisors (advisor_id, revision, chamber, departements, specialities, capacity, active, open_cases, updated_at, roles)
			VALUES ('cma-a', 4, 'CMA', '{91}', '{difficulty}', 10, true, 3, now(), '{prevention_cell}')`,
	} {
		if _, err := pool.Exec(ctx, stmt); err != nil {
			t.Fatal(err)
		}
	}
	migrate(t, ctx, pool)
	loads, err := projection.Loads(ctx, pool, "CMA", "91")
	if err != nil {
		t.Fatal(err)
	}
	if len(loads) != 1 || loads[0].OpenCases != 3 || loads[0].Advisor.Revision != 4 || !loads[0].Advisor.HasRole("prevention_cell") {
		t.Fatalf("existing row after the migrations: %+v", loads)
	}
	back := t0.Add(time.Hour)
	if err := projection.Upsert(ctx, pool, directory.Advisor{AdvisorID: "cma-a", Revision: 5, Chamber: "CMA", Active: true,
		Departements: []string{"91"}, EPCIs: []string{"200056232"}, AbsentUntil: &back}); err != nil {
		t.Fatalf("upsert into the adopted table: %v", err)
	}
	if a := get(t, ctx, pool, "cma-a"); a.AbsentUntil == nil || !slices.Equal(a.EPCIs, []string{"200056232"}) {
		t.Fatalf("added columns not written: %+v", a)
	}
	var def string
	if err := pool.QueryRow(ctx, `SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema() AND indexname = 'advisors_assignable'`).Scan(&def); err != nil {
		t.Fatal(err)
	}
	if want := "(chamber, open_cases) WHERE active"; !strings.Contains(def, want) {
		t.Fatalf("index %q, want %q", def, want)
	}
}

// testCounterBatched: within a unit of work the loads are read once, the
// cases assigned so far are added to them, and the counts are written at
// the unit's flush only.
func testCounterBatched(t *testing.T, ctx context.Context, pool *pgxpool.Pool) {
	migrate(t, ctx, pool)
	for _, id := range []string{"a", "b"} {
		if err := projection.Upsert(ctx, pool, directory.Advisor{AdvisorID: id, Revision: 1, Chamber: "CCI", Active: true,
			Departements: []string{"91"}}); err != nil {
			t.Fatal(err)
		}
	}
	err := pgdb.InTx(ctx, pool, func(tx pgx.Tx) error {
		unit := pgdb.NewUnit(tx)
		uctx := unit.Context(ctx)
		c := projection.CounterOf(uctx)
		if projection.CounterOf(uctx) != c {
			t.Fatal("two counters in one unit of work")
		}
		if _, err := c.Loads(uctx, tx, "CCI", "91"); err != nil {
			return err
		}
		// Read once: a row added now is not seen within the batch.
		if err := projection.Upsert(ctx, tx, directory.Advisor{AdvisorID: "c", Revision: 1, Chamber: "CCI", Active: true,
			Departements: []string{"91"}}); err != nil {
			return err
		}
		if err := c.Assign(uctx, tx, "a", "a", "b"); err != nil {
			return err
		}
		got, err := c.Loads(uctx, tx, "CCI", "91")
		if err != nil {
			return err
		}
		if len(got) != 2 || got[0].OpenCases != 2 || got[1].OpenCases != 1 {
			t.Errorf("loads within the batch %+v, want a 2, b 1 and no c", got)
		}
		if stored := openCases(t, ctx, tx, "a"); stored != 0 {
			t.Errorf("count written before the flush: %d", stored)
		}
		if err := unit.Flush(uctx); err != nil {
			return err
		}
		if a, b := openCases(t, ctx, tx, "a"), openCases(t, ctx, tx, "b"); a != 2 || b != 1 {
			t.Errorf("after the flush a %d, b %d; want 2 and 1", a, b)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// testCounterAlone: outside a unit of work a case is counted at once.
func testCounterAlone(t *testing.T, ctx context.Context, pool *pgxpool.Pool) {
	migrate(t, ctx, pool)
	if err := projection.Upsert(ctx, pool, directory.Advisor{AdvisorID: "a", Revision: 1, Chamber: "CCI", Active: true}); err != nil {
		t.Fatal(err)
	}
	err := pgdb.InTx(ctx, pool, func(tx pgx.Tx) error {
		return projection.CounterOf(ctx).Assign(ctx, tx, "a")
	})
	if err != nil {
		t.Fatal(err)
	}
	if n := openCases(t, ctx, pool, "a"); n != 1 {
		t.Fatalf("open cases %d, want 1", n)
	}
}

func openCases(t *testing.T, ctx context.Context, db projection.DB, id string) int {
	t.Helper()
	rows, err := db.Query(ctx, `SELECT open_cases FROM advisors WHERE advisor_id = $1`, id)
	if err != nil {
		t.Fatal(err)
	}
	n, err := pgx.CollectExactlyOneRow(rows, pgx.RowTo[int])
	if err != nil {
		t.Fatal(err)
	}
	return n
}
