package migrations_test

import (
	"testing"

	"github.com/ccicma/platform/pkg/directory/projection"
	"github.com/ccicma/platform/pkg/pgdb"
	"github.com/ccicma/platform/pkg/testkit"

	"github.com/ccicma/platform/services/difficulty-alert/migrations"
)

// TestOpenCasesLearnTheirBusiness: step 011 gives the signals stored
// before it their request (a self report's reference, an observation's
// case) and names the business of each open case a signal of its request
// names, unless the business has another open case; a closed case is
// left alone.
func TestOpenCasesLearnTheirBusiness(t *testing.T) {
	ctx := testkit.Context(t)
	pool := testkit.NewSchemas(t, "difficulty_alert").Pool(t, projection.Migrations(), testkit.MigrationsBefore(t, migrations.Set(), "011"))
	const (
		report    = "01900000-0000-7000-8000-000000000001"
		observed  = "01900000-0000-7000-8000-000000000002"
		creation  = "01950000-0000-7000-8000-000000000002"
		closed    = "01900000-0000-7000-8000-000000000003"
		taken     = "01900000-0000-7000-8000-000000000004"
		sirenA    = "552100554"
		sirenB    = "732829320"
		sirenC    = "443061841"
		sirenBusy = "830249439"
	)
	exec := func(sql string, args ...any) {
		t.Helper()
		if _, err := pool.Exec(ctx, sql, args...); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	selfReport := func(request, status string) {
		closedCols := "NULL, NULL, NULL"
		if status == "closed" {
			closedCols = "now(), 'system', 'recovered'"
		}
		exec(`INSERT INTO difficulty_cases (case_id, request_id, chamber, advisor_ids, status, level, score, kinds, questionnaire_version,
				departement, routing_rule, routing_reason, out_of_territory, reported_at, opened_at, updated_at, source,
				closed_at, closed_by, close_reason)
			VALUES (gen_random_uuid(), $1, 'CMA', '{}', $2, 'call_back', 60, '{}', 'q1', '91', 'r', 'raison', false, now(), now(), now(),
				'self_report', `+closedCols+`)`, request, status)
	}
	signalOf := func(source, ref, siren string) {
		exec(`INSERT INTO signals (signal_id, source, kind, theme, siren, occurred_on, strength, expires_on, source_ref, recorded_at)
			VALUES (gen_random_uuid(), $1, 'k', 'finances', $2, current_date, 50, current_date + 30, $3, now())`, source, siren, ref)
	}
	selfReport(report, "opened")
	signalOf("self_report", report, sirenA)
	exec(`INSERT INTO difficulty_cases (case_id, request_id, chamber, advisor_ids, status, level, kinds, departement, out_of_territory,
			reported_at, opened_at, updated_at, source, creation_case_id, checkpoint)
		VALUES (gen_random_uuid(), $1, 'CMA', '{}', 'opened', 'call_back', '{}', '91', false, now(), now(), now(),
			'advisor_observation', $2, '1 an')`, observed, creation)
	signalOf("advisor_observation", creation+"/1", sirenB)
	selfReport(closed, "closed")
	signalOf("self_report", closed, sirenC)
	exec(`INSERT INTO difficulty_cases (case_id, chamber, advisor_ids, status, level, kinds, departement, out_of_territory,
			reported_at, opened_at, updated_at, source, siren)
		VALUES (gen_random_uuid(), 'CCI', '{}', 'opened', 'vigilance', '{}', '91', false, now(), now(), now(), 'score', $1)`, sirenBusy)
	selfReport(taken, "opened")
	signalOf("self_report", taken, sirenBusy)

	if err := pgdb.Migrate(ctx, pool, migrations.Set()); err != nil {
		t.Fatal(err)
	}
	sirenOf := func(request string) string {
		t.Helper()
		var s *string
		if err := pool.QueryRow(ctx, `SELECT siren FROM difficulty_cases WHERE request_id = $1`, request).Scan(&s); err != nil {
			t.Fatal(err)
		}
		if s == nil {
			return ""
		}
		return *s
	}
	for request, want := range map[string]string{report: sirenA, observed: sirenB, closed: "", taken: ""} {
		if got := sirenOf(request); got != want {
			t.Errorf("case of request %s names %q, want %q", request, got, want)
		}
	}
	var n int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM signals WHERE request_id IS NULL`).Scan(&n); err != nil || n != 0 {
		t.Errorf("%d signals without their request (%v)", n, err)
	}
}
