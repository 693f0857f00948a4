package httpapi_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ccicma/platform/pkg/auth"
	"github.com/ccicma/platform/pkg/events"

	"github.com/ccicma/platform/services/intake/internal/adapters/postgres"
	"github.com/ccicma/platform/services/intake/internal/app"
	"github.com/ccicma/platform/services/intake/internal/ports/httpapi"
)

// advisorGet sends an advisor's GET with token (none when empty) and
// returns the status and the decoded body.
func (e *env) advisorGet(t *testing.T, path, token string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequestWithContext(e.ctx, http.MethodGet, e.srv.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := e.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	var body map[string]any
	if err := json.Unmarshal(raw, &body); err != nil {
		t.Fatalf("GET %s: %d %q is not a JSON object", path, res.StatusCode, raw)
	}
	if res.StatusCode == http.StatusOK && res.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("GET %s: personal data sent with Cache-Control %q", path, res.Header.Get("Cache-Control"))
	}
	return res.StatusCode, body
}

func (e *env) token(t *testing.T, id, chamber string, roles ...auth.Role) string {
	t.Helper()
	tok, err := e.issuer.Issue(auth.Principal{Subject: id, Chamber: chamber, Roles: roles})
	if err != nil {
		t.Fatal(err)
	}
	return tok.AccessToken
}

// TestAdvisorReadsRequest: the advisors of the routed chamber read a
// request with its applicant's contact details, each read audited; the
// other chamber's advisors are refused (403), a missing or forged token is
// not authenticated (401), an unknown id is 404.
func TestAdvisorReadsRequest(t *testing.T) {
	t.Parallel()
	e := setup(t)
	id := str(e.post(t, bakery, "").body["request_id"]) // routed to the CMA alone
	path := httpapi.RequestPath + "/" + id
	cmaAdvisor := e.token(t, "cma-91-005", "CMA", auth.RoleAdvisor)

	status, body := e.advisorGet(t, path, cmaAdvisor)
	if status != http.StatusOK {
		t.Fatalf("advisor of the routed chamber: %d %v", status, body)
	}
	details, _ := body["details"].(map[string]any)
	applicant, _ := details["applicant"].(map[string]any)
	if applicant["email"] != "ines.moreau@example.fr" || body["kind"] != "creation" {
		t.Errorf("the advisor does not get the contact details: %v", body)
	}
	// The routing comes with what it relied on.
	basis, _ := body["routing_basis"].(map[string]any)
	if basis["naf_code"] != "10.71C" || basis["artisanal"] != "always" || basis["family"] != "alimentation" ||
		basis["headcount"] != 3.0 || basis["departement"] != "91" || basis["naf_known"] != true || basis["request"] != "creation" {
		t.Errorf("routing basis %v", basis)
	}
	if status, _ := e.advisorGet(t, path, e.token(t, "cma-91-001", "CMA", auth.RoleManager)); status != http.StatusOK {
		t.Errorf("manager of the routed chamber: %d, want 200", status)
	}
	for name, tc := range map[string]struct {
		token string
		want  int
	}{
		"advisor of the other chamber": {e.token(t, "cci-91-005", "CCI", auth.RoleAdvisor), http.StatusForbidden},
		"admin of the routed chamber":  {e.token(t, "cma-91-009", "CMA", auth.RoleAdmin), http.StatusForbidden},
		"no token":                     {"", http.StatusUnauthorized},
		"forged token":                 {cmaAdvisor[:len(cmaAdvisor)-4] + "AAAA", http.StatusUnauthorized},
	} {
		if status, body := e.advisorGet(t, path, tc.token); status != tc.want {
			t.Errorf("%s: %d %v, want %d", name, status, body, tc.want)
		}
	}
	if status, _ := e.advisorGet(t, httpapi.RequestPath+"/01920000-0000-7000-8000-000000000099", cmaAdvisor); status != http.StatusNotFound {
		t.Errorf("unknown request: %d, want 404", status)
	}

	// The two reads allowed are in the log, for the CMA's managers only.
	status, page := e.advisorGet(t, httpapi.AuditLogPath+"?resource_id="+id, e.token(t, "cma-91-001", "CMA", auth.RoleManager))
	entries, _ := page["entries"].([]any)
	if status != http.StatusOK || len(entries) != 2 {
		t.Fatalf("CMA manager's audit log: %d %v, want the 2 reads", status, page)
	}
	first, _ := entries[0].(map[string]any)
	if first["advisor_id"] != "cma-91-005" || first["resource"] != app.ResourceRequest || first["action"] != "read" {
		t.Errorf("first entry %v", first)
	}
	if _, page := e.advisorGet(t, httpapi.AuditLogPath+"?resource_id="+id, e.token(t, "cci-91-001", "CCI", auth.RoleManager)); len(page["entries"].([]any)) != 0 {
		t.Errorf("the CCI's manager sees the CMA's reads: %v", page)
	}
	if status, _ := e.advisorGet(t, httpapi.AuditLogPath, cmaAdvisor); status != http.StatusForbidden {
		t.Errorf("an advisor queries the audit log: %d, want 403", status)
	}
	if status, body := e.advisorGet(t, httpapi.AuditLogPath+"?since=hier&limit=0", e.token(t, "cma-91-001", "CMA", auth.RoleManager)); status != http.StatusBadRequest ||
		!strings.Contains(strings.Join(fieldErrors(body), " "), "since") || !strings.Contains(strings.Join(fieldErrors(body), " "), "limit") {
		t.Errorf("bad parameters: %d %v, want 400 naming since and limit", status, body)
	}
}

// TestDifficultyReportIsConfidential: only the prevention advisors read a
// difficulty report: its assigned advisors and the prevention cell of its
// chambers; not the chambers' other advisors, not even their managers.
func TestDifficultyReportIsConfidential(t *testing.T) {
	t.Parallel()
	e := setup(t)
	report := e.do(t, http.MethodPost, httpapi.DifficultyPath, "application/json", "", []byte(difficultyJSON))
	id := str(report.body["request_id"])
	routing, _ := report.body["routing"].(map[string]any)
	lead := str(routing["lead_chamber"])
	path := httpapi.RequestPath + "/" + id
	prevention := e.token(t, strings.ToLower(lead)+"-91-002", lead, auth.RolePreventionCell)
	if status, body := e.advisorGet(t, path, prevention); status != http.StatusOK {
		t.Fatalf("prevention cell of the routed chamber: %d %v", status, body)
	}
	// The fixture (a restaurant, partly artisanal) goes to both chambers:
	// both cells read it. The refusal of a cell the report did not go to
	// is TestReadRequest's (domain/access) and the stack's end-to-end test.
	other := map[string]string{"CCI": "CMA", "CMA": "CCI"}[lead]
	if routing["secondary_chamber"] != other {
		t.Fatalf("fixture routing %v, want both chambers", routing)
	}
	if status, _ := e.advisorGet(t, path, e.token(t, strings.ToLower(other)+"-91-002", other, auth.RolePreventionCell)); status != http.StatusOK {
		t.Errorf("prevention cell of the secondary chamber: %d, want 200", status)
	}
	for _, tok := range []string{e.token(t, "x-advisor", lead, auth.RoleAdvisor), e.token(t, "x-manager", lead, auth.RoleManager)} {
		if status, _ := e.advisorGet(t, path, tok); status != http.StatusForbidden {
			t.Errorf("advisor or manager outside prevention: %d, want 403", status)
		}
	}
	// Once difficulty-alert assigns an advisor, that advisor reads it too.
	assigned := e.token(t, "assigned-1", lead, auth.RoleAdvisor)
	if status, _ := e.advisorGet(t, path, assigned); status != http.StatusForbidden {
		t.Fatalf("not yet assigned: %d, want 403", status)
	}
	track := app.TrackCase{Progress: postgres.New(e.pool, e.waker)}
	p := events.DifficultyCaseOpened{CaseID: caseID, RequestID: id, Chamber: lead, AdvisorIDs: []string{"assigned-1"},
		Level: events.DifficultyCallBack, Departement: "91", OpenedAt: time.Now()}
	ev, err := events.New("difficulty-alert", caseID, "91", p, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if err := track.DifficultyCaseOpened(e.ctx, ev, p); err != nil {
		t.Fatal(err)
	}
	if status, _ := e.advisorGet(t, path, assigned); status != http.StatusOK {
		t.Errorf("assigned advisor: %d, want 200", status)
	}
	// The reads are logged as reads of a difficulty report.
	_, page := e.advisorGet(t, httpapi.AuditLogPath+"?resource_id="+id, e.token(t, "m", lead, auth.RoleManager))
	entries, _ := page["entries"].([]any)
	if len(entries) != 3 {
		t.Fatalf("audit log %v, want the 3 allowed reads (both cells, the assigned advisor)", page)
	}
	for _, x := range entries {
		if x.(map[string]any)["resource"] != app.ResourceDifficultyReport {
			t.Errorf("entry %v, want resource %s", x, app.ResourceDifficultyReport)
		}
	}
}
