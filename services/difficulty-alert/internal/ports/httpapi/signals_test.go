package httpapi_test

import (
	"io"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/ccicma/platform/pkg/auth"
	"github.com/ccicma/platform/pkg/testkit"
)

func bodacc(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile("../../../testdata/bodacc/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func (a *api) post(t *testing.T, token, path, contentType, body string) answer {
	t.Helper()
	req, err := http.NewRequestWithContext(testkit.Context(t), http.MethodPost, a.url+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", contentType)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("POST %s: %v", path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return answer{status: resp.StatusCode, challenge: resp.Header.Get("WWW-Authenticate"), cache: resp.Header.Get("Cache-Control"), body: string(b)}
}

type importReport struct {
	Records, Imported, Replaced, Withdrawn, Duplicates, Ignored int
	Rejected                                                    []struct {
		Record int    `json:"record"`
		Line   int    `json:"line"`
		Reason string `json:"reason"`
	}
}

type businessSignals struct {
	SIREN string `json:"siren"`
	Court *struct {
		Procedure      string `json:"procedure"`
		ProcedureLabel string `json:"procedure_label"`
		Since          string `json:"since"`
	} `json:"court_state"`
	Signals []struct {
		SourceRef string `json:"source_ref"`
		Status    string `json:"status"`
		Procedure string `json:"procedure"`
	} `json:"signals"`
}

// testSignalRules: only the prevention cell imports and reads signals
// (401 without a token, 403 for an advisor, a manager, an admin), nothing
// is imported by a refused call, the cell's imports answer their report
// (JSON and CSV), and a bad Content-Type, an unreadable file and a SIREN
// that is not one get 415, 400 and 404.
func testSignalRules(t *testing.T, a *api) {
	file := bodacc(t, "procedures-collectives.json")
	const imports, signals = "/api/v1/bodacc-imports", "/api/v1/businesses/830249439/signals"
	if got := a.post(t, "", imports, "application/json", file); got.status != 401 || !strings.HasPrefix(got.challenge, "Bearer ") {
		t.Errorf("import without a token: %d %s", got.status, got.body)
	}
	if got := a.get(t, "", signals); got.status != 401 {
		t.Errorf("signals without a token: %d", got.status)
	}
	for _, p := range []auth.Principal{cmaAdvisor, cmaSpec, cmaManager, cmaAdmin} {
		if got := a.post(t, a.token(t, p), imports, "application/json", file); got.status != 403 {
			t.Errorf("%s imports: %d %s", p.Subject, got.status, got.body)
		}
		if got := a.get(t, a.token(t, p), signals); got.status != 403 {
			t.Errorf("%s reads signals: %d %s", p.Subject, got.status, got.body)
		}
	}
	var n int
	if err := a.pool.QueryRow(testkit.Context(t), `SELECT count(*) FROM signals`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("refused imports stored %d signals (%v)", n, err)
	}

	cell := a.token(t, cmaCell)
	got := a.post(t, cell, imports, "application/json; charset=utf-8", file)
	if got.status != 200 || got.cache != "no-store" {
		t.Fatalf("cell imports: %d %s", got.status, got.body)
	}
	rep := decode[importReport](t, got)
	if rep.Records != 8 || rep.Imported != 3 || rep.Replaced != 1 || rep.Withdrawn != 1 || rep.Ignored != 1 || len(rep.Rejected) != 2 ||
		rep.Rejected[0].Record != 6 || rep.Rejected[0].Reason != "jugement" || rep.Rejected[1].Record != 7 || rep.Rejected[1].Reason != "siren" {
		t.Errorf("report %s", got.body)
	}
	again := decode[importReport](t, a.post(t, a.token(t, cciCell), imports, "application/json", file))
	if again.Duplicates != 5 || again.Imported+again.Replaced+again.Withdrawn != 0 {
		t.Errorf("second import %+v", again)
	}
	csv := a.post(t, cell, imports, "text/csv", bodacc(t, "procedures-collectives.csv"))
	if rep := decode[importReport](t, csv); csv.status != 200 || rep.Imported != 3 || len(rep.Rejected) != 2 || rep.Rejected[1].Line != 6 {
		t.Errorf("CSV import: %d %s", csv.status, csv.body)
	}

	read := a.get(t, cell, signals)
	if read.status != 200 || read.cache != "no-store" {
		t.Fatalf("cell reads: %d %s", read.status, read.body)
	}
	bs := decode[businessSignals](t, read)
	if bs.SIREN != "830249439" || bs.Court == nil || bs.Court.Procedure != "redressement_judiciaire" ||
		bs.Court.ProcedureLabel != "Redressement judiciaire" || bs.Court.Since != "2026-01-14" || len(bs.Signals) != 2 ||
		bs.Signals[0].SourceRef != "20260025-1010" || bs.Signals[0].Status != "active" || bs.Signals[1].Status != "replaced" {
		t.Errorf("signals %s", read.body)
	}

	for _, bad := range []struct {
		name, ct, body string
		want           int
	}{
		{"XML", "application/xml", "<avis/>", 415},
		{"no type", "", file, 415},
		{"not an array", "application/json", `{"records": []}`, 400},
		{"comma CSV", "text/csv", "id,familleavis\nA1,collective\n", 400},
	} {
		if got := a.post(t, cell, imports, bad.ct, bad.body); got.status != bad.want {
			t.Errorf("%s: %d %s, want %d", bad.name, got.status, got.body, bad.want)
		}
	}
	for _, siren := range []string{"830249437", "83024943", "830%20249%20439"} {
		if got := a.get(t, cell, "/api/v1/businesses/"+siren+"/signals"); got.status != 404 {
			t.Errorf("SIREN %s: %d, want 404", siren, got.status)
		}
	}
}

// testSignalReadsAudited: every read of a business's signals is in the
// audit log, with the SIREN, before the answer (a business without
// signals included), refused reads are not, and the managers of the
// reader's chamber see them.
func testSignalReadsAudited(t *testing.T, a *api) {
	before := a.auditCount(t)
	for _, r := range []struct {
		p      auth.Principal
		siren  string
		status int
	}{
		{cmaCell, "830249439", 200},
		{cciCell, "512345679", 200},
		{cmaAdvisor, "830249439", 403},
	} {
		if got := a.get(t, a.token(t, r.p), "/api/v1/businesses/"+r.siren+"/signals"); got.status != r.status {
			t.Fatalf("%s reads %s: %d %s", r.p.Subject, r.siren, got.status, got.body)
		}
	}
	if n := a.auditCount(t); n != before+2 {
		t.Fatalf("%d audit rows, want %d", n, before+2)
	}
	log := decode[auditList](t, a.get(t, a.token(t, cmaManager), "/api/v1/audit-log?resource_id=830249439"))
	if len(log.Entries) != 1 || log.Entries[0].AdvisorID != cmaCell.Subject || log.Entries[0].Resource != "business_signals" ||
		log.Entries[0].Action != "read" {
		t.Errorf("CMA manager's log %+v", log.Entries)
	}
	if other := decode[auditList](t, a.get(t, a.token(t, cciManager), "/api/v1/audit-log?resource_id=830249439")); len(other.Entries) != 0 {
		t.Errorf("CCI manager sees a CMA advisor's lookup: %+v", other.Entries)
	}

	a.adminExec(t, `ALTER TABLE `+a.schema+`.audit_log RENAME TO audit_log_down`)
	defer a.adminExec(t, `ALTER TABLE `+a.schema+`.audit_log_down RENAME TO audit_log`)
	if got := a.get(t, a.token(t, cmaCell), "/api/v1/businesses/830249439/signals"); got.status != 503 || strings.Contains(got.body, `"signals"`) {
		t.Errorf("audit log down: %d %s", got.status, got.body)
	}
}
