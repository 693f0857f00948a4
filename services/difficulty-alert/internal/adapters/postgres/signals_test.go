package postgres_test

import (
	"errors"
	"maps"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/ccicma/platform/pkg/auth"

	"github.com/ccicma/platform/services/difficulty-alert/internal/adapters/bodaccfile"
	"github.com/ccicma/platform/services/difficulty-alert/internal/app"
	"github.com/ccicma/platform/services/difficulty-alert/internal/domain/signal"
)

var cell = auth.Principal{Subject: "cma-91-002", Chamber: "CMA", Roles: []auth.Role{auth.RoleAdvisor, auth.RolePreventionCell}}

func (f *fixture) importFile(t *testing.T, name string, batch int) app.ImportReport {
	t.Helper()
	b := mustRead(t, name)
	read := bodaccfile.ReadJSON
	if strings.HasSuffix(name, ".csv") {
		read = bodaccfile.ReadCSV
	}
	entries, err := read(b)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := app.ImportBodacc{Signals: f.store, Rescore: f.rescore(t), Batch: batch}.Import(f.ctx, cell, entries)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// rows is every signal as (ref, status, procedure), and every court state
// as (siren, procedure, since), sorted.
func (f *fixture) rows(t *testing.T) []string {
	t.Helper()
	rows, err := f.pool.Query(f.ctx, `SELECT source_ref || ' ' || siren || ' ' || status || ' ' || procedure || ' ' || occurred_on FROM signals
		UNION ALL SELECT 'court ' || siren || ' ' || procedure || ' ' || since FROM business_court_states`)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	slices.Sort(out)
	return out
}

func reasons(rep app.ImportReport) map[int]string {
	m := map[int]string{}
	for _, r := range rep.Rejected {
		m[r.Index] = r.Reason
	}
	return m
}

// testBodaccImport: the JSON export of real-shaped notices gives a
// signal a valid notice, the rectification replaces the redressement's
// (its judgment date corrected), the cancellation withdraws the
// sauvegarde (the business has no court state left), the malformed
// jugement and the SIREN failing Luhn are rejected with their reasons,
// the other family ignored. Batches of 2 give the same as one.
func testBodaccImport(t *testing.T, f *fixture) {
	rep := f.importFile(t, "procedures-collectives.json", 2)
	if rep.Records != 8 || rep.Imported != 3 || rep.Replaced != 1 || rep.Withdrawn != 1 || rep.Duplicates != 0 || rep.Ignored != 1 {
		t.Errorf("report %+v", rep)
	}
	if got, want := reasons(rep), map[int]string{6: signal.ReasonJugement, 7: signal.ReasonSIREN}; !maps.Equal(got, want) {
		t.Errorf("rejections %v, want %v", got, want)
	}
	want := []string{
		"20260020-1401 830249439 replaced redressement_judiciaire 2026-01-13",
		"20260020-1402 512345679 active liquidation_judiciaire 2026-01-12",
		"20260020-1403 443061841 withdrawn sauvegarde 2026-01-14",
		"20260025-1010 830249439 active redressement_judiciaire 2026-01-14",
		"court 512345679 liquidation_judiciaire 2026-01-12",
		"court 830249439 redressement_judiciaire 2026-01-14",
	}
	if got := f.rows(t); !slices.Equal(got, want) {
		t.Fatalf("rows\n%q\nwant\n%q", got, want)
	}
	var replacedBy string
	if err := f.pool.QueryRow(f.ctx, `SELECT o.source_ref FROM signals s JOIN signals o ON o.signal_id = s.replaced_by
		WHERE s.source_ref = '20260020-1401'`).Scan(&replacedBy); err != nil || replacedBy != "20260025-1010" {
		t.Errorf("replaced by %q %v", replacedBy, err)
	}

	// The same file again changes nothing: every notice a duplicate.
	again := f.importFile(t, "procedures-collectives.json", 500)
	if again.Imported+again.Replaced+again.Withdrawn != 0 || again.Duplicates != 5 || len(again.Rejected) != 2 {
		t.Errorf("second import %+v", again)
	}
	if got := f.rows(t); !slices.Equal(got, want) {
		t.Fatalf("rows after the second import\n%q", got)
	}

	// The CSV export: a later judgment moves a business's court state
	// (liquidation closed), a plan, a liquidation; the short SIREN and
	// the short row rejected with their lines.
	csv := f.importFile(t, "procedures-collectives.csv", 500)
	if csv.Imported != 3 || len(csv.Rejected) != 2 {
		t.Errorf("CSV report %+v", csv)
	}
	lines := map[int]string{}
	for _, r := range csv.Rejected {
		lines[r.Line] = r.Reason
	}
	if !maps.Equal(lines, map[int]string{5: signal.ReasonSIREN, 6: signal.ReasonMalformed}) {
		t.Errorf("CSV rejections by line %v", lines)
	}
	ss, court, found, err := f.store.BusinessSignals(f.ctx, "512345679")
	if err != nil || !found || court.Procedure != signal.ProcedureCloture || court.Since != "2026-02-11" || len(ss) != 2 ||
		ss[0].Procedure != signal.ProcedureCloture || ss[0].Court != "TRIBUNAL DE COMMERCE D'EVRY" {
		t.Errorf("512345679: %+v %+v %v %v", ss, court, found, err)
	}
	if _, _, found, err := f.store.BusinessSignals(f.ctx, "443061841"); found || err != nil {
		t.Errorf("a withdrawn sauvegarde leaves a court state: %v %v", found, err)
	}
}

// testBodaccOutOfOrder: a cancellation imported before the notice it
// cancels is reported (unknown notice); the notice arriving later is
// stored withdrawn at once, and leaves no court state.
func testBodaccOutOfOrder(t *testing.T, f *fixture) {
	entries, err := bodaccfile.ReadJSON(mustRead(t, "procedures-collectives.json"))
	if err != nil {
		t.Fatal(err)
	}
	uc := app.ImportBodacc{Signals: f.store, Rescore: f.rescore(t)}
	first, err := uc.Import(f.ctx, cell, entries[4:5])
	if err != nil || len(first.Rejected) != 1 || first.Rejected[0].Reason != signal.ReasonUnknown {
		t.Fatalf("cancellation first: %+v %v", first, err)
	}
	if _, err := uc.Import(f.ctx, cell, entries[2:3]); err != nil {
		t.Fatal(err)
	}
	want := []string{"20260020-1403 443061841 withdrawn sauvegarde 2026-01-14"}
	if got := f.rows(t); !slices.Equal(got, want) {
		t.Fatalf("rows %q, want %q", got, want)
	}
	if _, err := uc.Import(f.ctx, auth.Principal{Subject: "cma-91-003", Chamber: "CMA", Roles: []auth.Role{auth.RoleAdvisor}}, entries); !errors.Is(err, app.ErrForbidden) {
		t.Errorf("an advisor outside the cell imports: %v", err)
	}
}

func mustRead(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("../../../testdata/bodacc/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// testBodaccVersions: a second rectification of a notice replaces the
// first rectification (the notice's version in force), and a cancellation
// of the notice then withdraws that latest version: the business has no
// court state left.
func testBodaccVersions(t *testing.T, f *fixture) {
	notice := func(id, typ, previous, nature, date string) signal.BodaccEntry {
		r := signal.BodaccRecord{ID: id, Family: "collective", Type: typ, Registre: []string{"830249439"}, Published: "2026-01-20",
			Tribunal: "TRIBUNAL DE COMMERCE D'EVRY", PreviousNotice: previous}
		if nature != "" {
			r.Jugement = `{"nature": "` + nature + `", "date": "` + date + `"}`
		}
		return signal.BodaccEntry{Index: 1, Record: r}
	}
	const original = `{"numeroParution": "20260020", "numeroAnnonce": "1401"}`
	uc := app.ImportBodacc{Signals: f.store, Rescore: f.rescore(t)}
	for _, e := range []signal.BodaccEntry{
		notice("A202600201401", "annonce", "", "Jugement d'ouverture de liquidation judiciaire", "2026-01-13"),
		notice("A202600251010", "rectificatif", original, "Jugement d'ouverture d'une procédure de redressement judiciaire", "2026-01-13"),
		notice("A202600301020", "rectificatif", original, "Jugement d'ouverture d'une procédure de sauvegarde", "2026-01-12"),
	} {
		if _, err := uc.Import(f.ctx, cell, []signal.BodaccEntry{e}); err != nil {
			t.Fatal(err)
		}
	}
	want := []string{
		"20260020-1401 830249439 replaced liquidation_judiciaire 2026-01-13",
		"20260025-1010 830249439 replaced redressement_judiciaire 2026-01-13",
		"20260030-1020 830249439 active sauvegarde 2026-01-12",
		"court 830249439 sauvegarde 2026-01-12",
	}
	if got := f.rows(t); !slices.Equal(got, want) {
		t.Fatalf("after two rectifications\n%q\nwant\n%q", got, want)
	}
	rep, err := uc.Import(f.ctx, cell, []signal.BodaccEntry{notice("A202600351030", "annulation", original, "", "")})
	if err != nil || rep.Withdrawn != 1 {
		t.Fatalf("cancellation: %+v %v", rep, err)
	}
	want = []string{want[0], want[1], "20260030-1020 830249439 withdrawn sauvegarde 2026-01-12"}
	if got := f.rows(t); !slices.Equal(got, want) {
		t.Fatalf("after the cancellation\n%q\nwant\n%q", got, want)
	}
}
