package audit_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"go.opentelemetry.io/otel/trace"

	"github.com/ccicma/platform/pkg/audit"
	"github.com/ccicma/platform/pkg/pgdb"
	"github.com/ccicma/platform/pkg/testkit"
)

// TestAudit runs the tests in parallel in one database, each in a schema
// of its own owned by difficulty_alert's role, with the table made by the migrations.
func TestAudit(t *testing.T) {
	t.Parallel()
	db := testkit.NewSchemas(t, "difficulty_alert")
	for _, tc := range []struct {
		name string
		run  func(*testing.T, *pgxpool.Pool)
	}{
		{"RecordThenQueryRoundTrips", testRoundTrip},
		{"QueryFilters", testQueryFilters},
		{"QueryIsScopedToAChamber", testChamberScope},
		{"QueryPages", testPaging},
		{"InvalidEntryRecordsNothing", testInvalidEntry},
		{"RecordJoinsTheCallersTransaction", testInTransaction},
		{"LogIsAppendOnly", testAppendOnly},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.run(t, db.Pool(t, audit.Migrations()))
		})
	}
}

var t0 = time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)

func entry(actor, chamber, caseID string, at time.Time, chambers ...string) audit.Entry {
	return audit.Entry{At: at, ActorID: actor, ActorChamber: chamber, Action: "read", Resource: "difficulty_case",
		ResourceID: caseID, Chambers: chambers, TraceID: "4bf92f3577b34da6a3ce929d0e0e4736"}
}

func query(t *testing.T, pool *pgxpool.Pool, f audit.Filter) []audit.Entry {
	t.Helper()
	got, err := audit.Query(context.Background(), pool, f)
	if err != nil {
		t.Fatalf("Query(%+v): %v", f, err)
	}
	return got
}

func ids(es []audit.Entry) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.ActorID + "/" + e.ResourceID
	}
	return out
}

func testRoundTrip(t *testing.T, pool *pgxpool.Pool) {
	ctx := context.Background()
	paris := time.FixedZone("CET", 3600)
	in := entry("cci-91-002", "CCI", "case-1", t0.In(paris), "CCI", "CMA")
	in.Action = "list"
	if err := audit.Record(ctx, pool, in); err != nil {
		t.Fatal(err)
	}
	got := query(t, pool, audit.Filter{AllChambers: true})
	if len(got) != 1 {
		t.Fatalf("%d entries, want 1", len(got))
	}
	e := got[0]
	if e.ID <= 0 || !e.At.Equal(t0) || e.At.Location() != time.UTC || e.ActorID != in.ActorID || e.ActorChamber != "CCI" ||
		e.Action != "list" || e.Resource != "difficulty_case" || e.ResourceID != "case-1" ||
		!slices.Equal(e.Chambers, []string{"CCI", "CMA"}) || e.TraceID != in.TraceID {
		t.Fatalf("entry read back = %+v, recorded %+v", e, in)
	}
	// Nil chambers are stored as none, not refused.
	noChamber := entry("cci-91-002", "CCI", "case-2", t0)
	noChamber.TraceID = ""
	if err := audit.Record(ctx, pool, noChamber); err != nil {
		t.Fatal(err)
	}
	if got := query(t, pool, audit.Filter{AllChambers: true, ResourceID: "case-2"}); len(got) != 1 || len(got[0].Chambers) != 0 {
		t.Fatalf("entry without chambers read back as %+v", got)
	}
	if err := audit.Record(ctx, pool); err != nil {
		t.Fatalf("recording nothing: %v", err)
	}
}

func testQueryFilters(t *testing.T, pool *pgxpool.Pool) {
	err := audit.Record(context.Background(), pool,
		entry("a1", "CCI", "c1", t0, "CCI"),
		entry("a2", "CCI", "c1", t0.Add(time.Hour), "CCI"),
		entry("a1", "CCI", "c2", t0.Add(2*time.Hour), "CCI"),
	)
	if err != nil {
		t.Fatal(err)
	}
	other := entry("a1", "CCI", "c3", t0.Add(3*time.Hour), "CCI")
	other.Resource = "applicant_contact"
	if err := audit.Record(context.Background(), pool, other); err != nil {
		t.Fatal(err)
	}
	all := audit.Filter{Chamber: "CCI"}
	tests := []struct {
		name   string
		change func(*audit.Filter)
		want   []string
	}{
		{"everything, oldest first", func(*audit.Filter) {}, []string{"a1/c1", "a2/c1", "a1/c2", "a1/c3"}},
		{"by resource id", func(f *audit.Filter) { f.ResourceID = "c1" }, []string{"a1/c1", "a2/c1"}},
		{"by actor", func(f *audit.Filter) { f.ActorID = "a1" }, []string{"a1/c1", "a1/c2", "a1/c3"}},
		{"by resource kind", func(f *audit.Filter) { f.Resource = "difficulty_case" }, []string{"a1/c1", "a2/c1", "a1/c2"}},
		{"since is inclusive", func(f *audit.Filter) { f.Since = t0.Add(time.Hour) }, []string{"a2/c1", "a1/c2", "a1/c3"}},
		{"until is exclusive", func(f *audit.Filter) { f.Until = t0.Add(time.Hour) }, []string{"a1/c1"}},
		{"combined", func(f *audit.Filter) { f.ActorID, f.Since = "a1", t0.Add(time.Minute) }, []string{"a1/c2", "a1/c3"}},
		{"nothing matches", func(f *audit.Filter) { f.ActorID = "nobody" }, []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := all
			tt.change(&f)
			if got := ids(query(t, pool, f)); !slices.Equal(got, tt.want) {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func testChamberScope(t *testing.T, pool *pgxpool.Pool) {
	err := audit.Record(context.Background(), pool,
		entry("cci-1", "CCI", "cci-only", t0, "CCI"),
		entry("cma-1", "CMA", "cma-only", t0, "CMA"),
		entry("cci-1", "CCI", "shared", t0, "CMA", "CCI"),
		// A CMA advisor reading a case of the CCI's only (not possible
		// under difficulty-alert's rules, but the scope must still show
		// the CMA its own advisor's read).
		entry("cma-1", "CMA", "cci-only", t0, "CCI"),
	)
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(query(t, pool, audit.Filter{Chamber: "CMA"})); !slices.Equal(got, []string{"cma-1/cma-only", "cci-1/shared", "cma-1/cci-only"}) {
		t.Errorf("CMA sees %v", got)
	}
	if got := ids(query(t, pool, audit.Filter{Chamber: "CCI"})); !slices.Equal(got, []string{"cci-1/cci-only", "cci-1/shared", "cma-1/cci-only"}) {
		t.Errorf("CCI sees %v", got)
	}
	if got := query(t, pool, audit.Filter{AllChambers: true}); len(got) != 4 {
		t.Errorf("all chambers: %d entries, want 4", len(got))
	}
	if _, err := audit.Query(context.Background(), pool, audit.Filter{ResourceID: "shared"}); !errors.Is(err, audit.ErrNoScope) {
		t.Errorf("query without a scope: err = %v, want ErrNoScope", err)
	}
}

func testPaging(t *testing.T, pool *pgxpool.Pool) {
	var es []audit.Entry
	for i := range 7 {
		es = append(es, entry("a", "CCI", string(rune('a'+i)), t0.Add(time.Duration(i)*time.Minute), "CCI"))
	}
	if err := audit.Record(context.Background(), pool, es...); err != nil {
		t.Fatal(err)
	}
	var seen []string
	f := audit.Filter{Chamber: "CCI", Limit: 3}
	for pages := 0; ; pages++ {
		if pages > 5 {
			t.Fatal("paging does not end")
		}
		page := query(t, pool, f)
		if len(page) > 3 {
			t.Fatalf("page of %d, limit 3", len(page))
		}
		if len(page) == 0 {
			break
		}
		for _, e := range page {
			seen = append(seen, e.ResourceID)
		}
		f.After = page[len(page)-1].ID
	}
	if got := strings.Join(seen, ""); got != "abcdefg" {
		t.Fatalf("pages gave %q, want every entry once in order", got)
	}
}

func testInvalidEntry(t *testing.T, pool *pgxpool.Pool) {
	bad := []struct {
		name   string
		change func(*audit.Entry)
		says   string
	}{
		{"no time", func(e *audit.Entry) { e.At = time.Time{} }, "at is required"},
		{"no actor", func(e *audit.Entry) { e.ActorID = "" }, "actor_id is required"},
		{"no chamber", func(e *audit.Entry) { e.ActorChamber = "" }, "actor_chamber is required"},
		{"no action", func(e *audit.Entry) { e.Action = "" }, "action is required"},
		{"no resource", func(e *audit.Entry) { e.Resource = "" }, "resource is required"},
		{"no resource id", func(e *audit.Entry) { e.ResourceID = "" }, "resource_id is required"},
		{"huge id", func(e *audit.Entry) { e.ResourceID = strings.Repeat("x", audit.MaxFieldLen+1) }, "resource_id longer"},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			e := entry("a", "CCI", "c", t0, "CCI")
			tt.change(&e)
			// The good entry before it is not written either.
			err := audit.Record(context.Background(), pool, entry("a", "CCI", "good", t0, "CCI"), e)
			if err == nil || !strings.Contains(err.Error(), tt.says) {
				t.Fatalf("Record = %v, want an error saying %q", err, tt.says)
			}
		})
	}
	if got := query(t, pool, audit.Filter{AllChambers: true}); len(got) != 0 {
		t.Fatalf("%d entries written by failed calls", len(got))
	}
	many := make([]audit.Entry, audit.MaxBatch+1)
	for i := range many {
		many[i] = entry("a", "CCI", "c", t0, "CCI")
	}
	if err := audit.Record(context.Background(), pool, many...); err == nil {
		t.Fatal("Record accepted more than MaxBatch entries")
	}
	if err := audit.Record(context.Background(), pool, many[:audit.MaxBatch]...); err != nil {
		t.Fatalf("Record of MaxBatch entries: %v", err)
	}
}

func testInTransaction(t *testing.T, pool *pgxpool.Pool) {
	ctx := context.Background()
	err := pgdb.InTx(ctx, pool, func(tx pgx.Tx) error {
		if err := audit.Record(ctx, tx, entry("a", "CCI", "rolled-back", t0, "CCI")); err != nil {
			return err
		}
		return context.Canceled // the caller's work fails after recording
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("InTx = %v", err)
	}
	if got := query(t, pool, audit.Filter{AllChambers: true}); len(got) != 0 {
		t.Fatalf("an entry of a rolled-back transaction survived: %v", ids(got))
	}
}

func testAppendOnly(t *testing.T, pool *pgxpool.Pool) {
	ctx := context.Background()
	if err := audit.Record(ctx, pool, entry("a", "CCI", "c", t0, "CCI")); err != nil {
		t.Fatal(err)
	}
	for _, stmt := range []string{
		`UPDATE audit_log SET actor_id = 'someone-else'`,
		`DELETE FROM audit_log`,
		`TRUNCATE audit_log`,
	} {
		if _, err := pool.Exec(ctx, stmt); err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: err = %v, want the append-only refusal", stmt, err)
		}
	}
	if got := query(t, pool, audit.Filter{AllChambers: true}); len(got) != 1 || got[0].ActorID != "a" {
		t.Fatalf("log after tampering attempts: %+v", got)
	}
}

func TestTraceID(t *testing.T) {
	t.Parallel()
	if got := audit.TraceID(context.Background()); got != "" {
		t.Fatalf("TraceID without a span = %q", got)
	}
	tid, _ := trace.TraceIDFromHex("4bf92f3577b34da6a3ce929d0e0e4736")
	sid, _ := trace.SpanIDFromHex("00f067aa0ba902b7")
	ctx := trace.ContextWithSpanContext(context.Background(), trace.NewSpanContext(trace.SpanContextConfig{TraceID: tid, SpanID: sid}))
	if got := audit.TraceID(ctx); got != "4bf92f3577b34da6a3ce929d0e0e4736" {
		t.Fatalf("TraceID = %q", got)
	}
}
