package httpapi_test

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ccicma/platform/pkg/auth"
	"github.com/ccicma/platform/pkg/testkit"
)

// TestAPI runs the HTTP tests in parallel in one database, each with its
// own schema, store, issuer and server.
func TestAPI(t *testing.T) {
	t.Parallel()
	db := testkit.NewSchemas(t, "difficulty_alert")
	for _, tc := range []struct {
		name string
		run  func(*testing.T, *api)
	}{
		{"BadOrMissingTokensGet401", testAuthentication},
		{"CaseReadRulesBothWays", testCaseReadRules},
		{"CaseListRulesBothWays", testCaseListRules},
		{"ReadsAreAuditedAndQueryableByManagers", testAuditTrail},
		{"AuditLogRulesBothWays", testAuditLogRules},
		{"NoUnauditedRead", testNoUnauditedRead},
		{"SignalsImportAndReadRules", testSignalRules},
		{"ScoresReadByTheCellOnlyAndAudited", testScoreRules},
		{"SignalReadsAudited", testSignalReadsAudited},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.run(t, start(t, db))
		})
	}
}

// testAuthentication: every route answers 401 with a Bearer challenge to a
// missing or bad token, and nothing is read (no audit row).
func testAuthentication(t *testing.T, a *api) {
	lea := cmaCell
	tokens := map[string]string{
		"none":    "",
		"garbage": "not.a.token",
		"expired": a.forge(t, lea, func(o *auth.IssuerOptions) {
			o.Now = func() time.Time { return time.Now().Add(-2 * time.Hour) }
		}),
		"not yet valid": a.forge(t, lea, func(o *auth.IssuerOptions) {
			o.Now = func() time.Time { return time.Now().Add(time.Hour) }
		}),
		"wrong audience": a.forge(t, lea, func(o *auth.IssuerOptions) { o.Audience = "another-platform" }),
		"wrong issuer":   a.forge(t, lea, func(o *auth.IssuerOptions) { o.Issuer = "https://evil.test" }),
		// Same issuer name and key id, another key.
		"another key": a.forge(t, lea, func(o *auth.IssuerOptions) { o.Key = nil }),
	}
	paths := []string{"/api/v1/difficulty-cases", "/api/v1/difficulty-cases/" + a.cases["A"], "/api/v1/audit-log"}
	for name, tok := range tokens {
		for _, path := range paths {
			got := a.get(t, tok, path)
			if got.status != 401 || !strings.HasPrefix(got.challenge, "Bearer ") {
				t.Errorf("%s token on %s: %d, challenge %q; want 401 with a Bearer challenge", name, path, got.status, got.challenge)
			}
			if strings.Contains(got.body, a.cases["A"]) && !strings.Contains(got.body, `"instance"`) {
				t.Errorf("%s token on %s: the answer shows the case: %s", name, path, got.body)
			}
		}
	}
	// The genuine token of the same advisor passes, so the 401s above are
	// the tokens' doing.
	if got := a.get(t, a.token(t, lea), paths[1]); got.status != 200 {
		t.Fatalf("genuine token: %d %s", got.status, got.body)
	}
	if n := a.auditCount(t); n != 1 {
		t.Fatalf("%d audit rows, want 1 (the genuine read only)", n)
	}
}

// testCaseReadRules: who may read each case, allowed and refused. An
// unknown case id gets the refusal's 403 and body; an id that cannot name
// a case gets 404.
func testCaseReadRules(t *testing.T, a *api) {
	tests := []struct {
		who  string
		p    auth.Principal
		name string
		want int
	}{
		{"prevention cell of the lead chamber", cmaCell, "A", 200},
		{"prevention cell of the lead chamber, shared case", cmaCell, "B", 200},
		{"prevention cell of a chamber not routed", cmaCell, "C", 403},
		{"assigned advisor without the cell role", cmaSpec, "B", 200},
		{"same advisor, a case not assigned to them", cmaSpec, "A", 403},
		{"prevention cell of the secondary chamber", cciCell, "B", 200},
		{"prevention cell of the only chamber", cciCell, "C", 200},
		{"CCI prevention cell, CMA-only case", cciCell, "A", 403},
		{"advisor of the routed chamber", cmaAdvisor, "A", 403},
		{"manager of the routed chamber", cmaManager, "A", 403},
		{"manager of the lead chamber, shared case", cmaManager, "B", 403},
		{"manager of the only chamber", cciManager, "C", 403},
		{"admin", cmaAdmin, "A", 403},
	}
	var refusal string
	for _, tt := range tests {
		t.Run(tt.who+" reads "+tt.name, func(t *testing.T) {
			got := a.get(t, a.token(t, tt.p), "/api/v1/difficulty-cases/"+a.cases[tt.name])
			if got.status != tt.want {
				t.Fatalf("%d %s, want %d", got.status, got.body, tt.want)
			}
			if got.cache != "no-store" {
				t.Errorf("Cache-Control %q, want no-store", got.cache)
			}
			if tt.want == 200 {
				c := decode[struct {
					CaseID string `json:"case_id"`
					Level  string `json:"level"`
				}](t, got)
				if c.CaseID != a.cases[tt.name] || c.Level != "vigilance" {
					t.Fatalf("body %s", got.body)
				}
				return
			}
			if got.challenge != "" {
				t.Errorf("a 403 with a challenge %q: the token was fine", got.challenge)
			}
			refusal = decode[problem](t, got).Detail
		})
	}
	if refusal == "" {
		t.Fatal("no refusal seen")
	}
	unknown := "01900000-0000-7000-8000-999999999999"
	for _, p := range []auth.Principal{cmaCell, cciCell, cmaManager} {
		got := a.get(t, a.token(t, p), "/api/v1/difficulty-cases/"+unknown)
		if got.status != 403 || decode[problem](t, got).Detail != refusal {
			t.Errorf("%s, unknown case: %d %s; want the refusal's 403 and detail", p.Subject, got.status, got.body)
		}
	}
	if got := a.get(t, a.token(t, cmaCell), "/api/v1/difficulty-cases/not-a-case-id"); got.status != 404 {
		t.Errorf("an id that is not a UUID: %d %s, want 404", got.status, got.body)
	}
}

// testCaseListRules: each advisor lists exactly the cases the rules let
// them read, newest first, page by page.
func testCaseListRules(t *testing.T, a *api) {
	tests := []struct {
		who  string
		p    auth.Principal
		want []string
	}{
		{"CMA prevention cell", cmaCell, []string{"A", "B"}},
		{"CMA advisor assigned to B", cmaSpec, []string{"B"}},
		{"CCI prevention cell", cciCell, []string{"B", "C"}},
		{"CMA advisor", cmaAdvisor, nil},
		{"CMA manager", cmaManager, nil},
		{"CCI manager", cciManager, nil},
		{"admin", cmaAdmin, nil},
	}
	for _, tt := range tests {
		t.Run(tt.who, func(t *testing.T) {
			got := a.get(t, a.token(t, tt.p), "/api/v1/difficulty-cases")
			if got.status != 200 || got.cache != "no-store" {
				t.Fatalf("%d (Cache-Control %q) %s", got.status, got.cache, got.body)
			}
			l := decode[caseList](t, got)
			if l.Cases == nil {
				t.Fatalf("no difficulty_cases array: %s", got.body)
			}
			var ids []string
			for _, c := range l.Cases {
				ids = append(ids, c.CaseID)
			}
			if names := a.names(ids); !slices.Equal(names, tt.want) {
				t.Fatalf("lists %v, want %v", names, tt.want)
			}
		})
	}

	tok := a.token(t, cmaCell)
	first := decode[caseList](t, a.get(t, tok, "/api/v1/difficulty-cases?limit=1"))
	if len(first.Cases) != 1 || first.Cases[0].CaseID != a.cases["B"] || first.NextBefore != a.cases["B"] {
		t.Fatalf("first page %+v, want B (the newest) and a cursor", first)
	}
	second := decode[caseList](t, a.get(t, tok, "/api/v1/difficulty-cases?limit=1&before="+first.NextBefore))
	if len(second.Cases) != 1 || second.Cases[0].CaseID != a.cases["A"] {
		t.Fatalf("second page %+v, want A", second)
	}

	for query, field := range map[string]string{"limit=0": "limit", "limit=101": "limit", "limit=x": "limit", "before=x": "before"} {
		got := a.get(t, tok, "/api/v1/difficulty-cases?"+query)
		if got.status != 400 {
			t.Errorf("?%s: %d, want 400", query, got.status)
			continue
		}
		if p := decode[problem](t, got); len(p.Errors) != 1 || p.Errors[0].Field != field {
			t.Errorf("?%s: errors %+v, want one naming %s", query, p.Errors, field)
		}
	}
}

// testAuditTrail: every case sent is audited before the answer, refusals
// are not reads, and each chamber's manager sees the reads of their
// chamber's cases and by their chamber's advisors.
func testAuditTrail(t *testing.T, a *api) {
	reads := []struct {
		p      auth.Principal
		path   string
		status int
	}{
		{cmaCell, "/api/v1/difficulty-cases/" + a.cases["A"], 200},
		{cciCell, "/api/v1/difficulty-cases/" + a.cases["C"], 200},
		{cciCell, "/api/v1/difficulty-cases", 200}, // lists B and C
		{cmaSpec, "/api/v1/difficulty-cases/" + a.cases["B"], 200},
		{cmaAdvisor, "/api/v1/difficulty-cases/" + a.cases["A"], 403}, // refused: not a read
		{cmaAdvisor, "/api/v1/difficulty-cases", 200},                 // lists nothing
	}
	for _, r := range reads {
		if got := a.get(t, a.token(t, r.p), r.path); got.status != r.status {
			t.Fatalf("%s GET %s: %d, want %d", r.p.Subject, r.path, got.status, r.status)
		}
	}
	if n := a.auditCount(t); n != 5 {
		t.Fatalf("%d audit rows, want 5", n)
	}

	type row struct{ advisor, action, name string }
	entries := func(p auth.Principal, query string) []row {
		t.Helper()
		got := a.get(t, a.token(t, p), "/api/v1/audit-log"+query)
		if got.status != 200 || got.cache != "no-store" {
			t.Fatalf("%s audit-log%s: %d %s", p.Subject, query, got.status, got.body)
		}
		var out []row
		for _, e := range decode[auditList](t, got).Entries {
			if !e.At.Equal(a.now) || e.AdvisorChamber == "" || len(e.Chambers) == 0 {
				t.Errorf("entry %+v lacks its time, chamber or the case's chambers", e)
			}
			out = append(out, row{e.AdvisorID, e.Action, a.names([]string{e.CaseID})[0]})
		}
		return out
	}
	cma := []row{{"cma-91-002", "read", "A"}, {"cci-91-002", "list", "B"}, {"cma-91-010", "read", "B"}}
	if got := entries(cmaManager, ""); !slices.Equal(got, cma) {
		t.Errorf("CMA manager sees %v, want %v", got, cma)
	}
	// The list's order (newest first: C then B) is the rows' order.
	cci := []row{{"cci-91-002", "read", "C"}, {"cci-91-002", "list", "C"}, {"cci-91-002", "list", "B"}, {"cma-91-010", "read", "B"}}
	if got := entries(cciManager, ""); !slices.Equal(got, cci) {
		t.Errorf("CCI manager sees %v, want %v", got, cci)
	}
	filters := []struct {
		p     auth.Principal
		query string
		want  []row
	}{
		{cmaManager, "?resource_id=" + a.cases["B"], []row{{"cci-91-002", "list", "B"}, {"cma-91-010", "read", "B"}}},
		{cmaManager, "?advisor_id=cma-91-010", []row{{"cma-91-010", "read", "B"}}},
		{cmaManager, "?resource_id=" + a.cases["C"], nil}, // another chamber's case: out of scope
		{cmaManager, "?since=" + url.QueryEscape(a.now.Format(time.RFC3339)), cma},
		{cmaManager, "?since=" + url.QueryEscape(a.now.Add(time.Second).Format(time.RFC3339)), nil},
		{cciManager, "?advisor_id=cci-91-002&resource_id=" + a.cases["C"], []row{{"cci-91-002", "read", "C"}, {"cci-91-002", "list", "C"}}},
	}
	for _, f := range filters {
		if got := entries(f.p, f.query); !slices.Equal(got, f.want) {
			t.Errorf("%s audit-log%s: %v, want %v", f.p.Subject, f.query, got, f.want)
		}
	}

	tok := a.token(t, cciManager)
	page := decode[auditList](t, a.get(t, tok, "/api/v1/audit-log?limit=3"))
	if len(page.Entries) != 3 || page.NextAfter != page.Entries[2].ID {
		t.Fatalf("first page of 3: %+v", page)
	}
	rest := decode[auditList](t, a.get(t, tok, fmt.Sprintf("/api/v1/audit-log?limit=3&after=%d", page.NextAfter)))
	if len(rest.Entries) != 1 || rest.NextAfter != 0 || rest.Entries[0].AdvisorID != "cma-91-010" {
		t.Fatalf("last page: %+v", rest)
	}
}

// testAuditLogRules: only managers query the audit log (403 for everyone
// else, admin included), and bad parameters are named.
func testAuditLogRules(t *testing.T, a *api) {
	for _, p := range []auth.Principal{cmaCell, cciCell, cmaSpec, cmaAdvisor, cmaAdmin} {
		got := a.get(t, a.token(t, p), "/api/v1/audit-log")
		if got.status != 403 || got.challenge != "" {
			t.Errorf("%s %v: %d (challenge %q), want 403", p.Subject, p.Roles, got.status, got.challenge)
		}
	}
	for _, p := range []auth.Principal{cmaManager, cciManager} {
		if got := a.get(t, a.token(t, p), "/api/v1/audit-log"); got.status != 200 {
			t.Errorf("%s: %d %s, want 200", p.Subject, got.status, got.body)
		}
	}
	got := a.get(t, a.token(t, cmaManager), "/api/v1/audit-log?resource_id=a+b&advisor_id=has+space&since=yesterday&limit=1001&after=-1")
	if got.status != 400 {
		t.Fatalf("bad parameters: %d %s", got.status, got.body)
	}
	var fields []string
	for _, e := range decode[problem](t, got).Errors {
		fields = append(fields, e.Field)
	}
	slices.Sort(fields)
	if want := []string{"advisor_id", "after", "limit", "resource_id", "since"}; !slices.Equal(fields, want) {
		t.Fatalf("errors name %v, want %v", fields, want)
	}
	long := strings.Repeat("x", 201)
	if got := a.get(t, a.token(t, cmaManager), "/api/v1/audit-log?advisor_id="+long); got.status != 400 {
		t.Fatalf("a 201-byte advisor id: %d", got.status)
	}
}

// testNoUnauditedRead: when the audit log cannot be written, no case is
// sent (503), and reads resume once it can.
func testNoUnauditedRead(t *testing.T, a *api) {
	a.adminExec(t, `ALTER TABLE `+a.schema+`.audit_log RENAME TO audit_log_down`)
	tok := a.token(t, cmaCell)
	for _, path := range []string{"/api/v1/difficulty-cases/" + a.cases["A"], "/api/v1/difficulty-cases"} {
		got := a.get(t, tok, path)
		if got.status != 503 {
			t.Fatalf("GET %s with the audit log down: %d %s, want 503", path, got.status, got.body)
		}
		if strings.Contains(got.body, a.cases["B"]) || strings.Contains(got.body, "vigilance") {
			t.Fatalf("GET %s with the audit log down sent case data: %s", path, got.body)
		}
	}
	// Nothing to read, nothing to audit: an empty list is still served.
	if got := a.get(t, a.token(t, cmaAdvisor), "/api/v1/difficulty-cases"); got.status != 200 {
		t.Fatalf("empty list with the audit log down: %d", got.status)
	}
	a.adminExec(t, `ALTER TABLE `+a.schema+`.audit_log_down RENAME TO audit_log`)
	if got := a.get(t, tok, "/api/v1/difficulty-cases/"+a.cases["A"]); got.status != 200 {
		t.Fatalf("after the audit log is back: %d %s", got.status, got.body)
	}
	if n := a.auditCount(t); n != 1 {
		t.Fatalf("%d audit rows, want 1", n)
	}
}
