package httpapi_test

import (
	"strings"
	"testing"

	"github.com/ccicma/platform/pkg/auth"
)

type scoreAnswer struct {
	BusinessID    string `json:"business_id"`
	SIREN         string `json:"siren"`
	Score         int    `json:"score"`
	Level         string `json:"level"`
	LevelLabel    string `json:"level_label"`
	Explanation   string `json:"explanation"`
	RulesVersion  string `json:"rules_version"`
	Contributions []struct {
		Theme      string `json:"theme"`
		ThemeLabel string `json:"theme_label"`
		Points     int    `json:"points"`
	} `json:"contributions"`
	Court *struct {
		Procedure string `json:"procedure"`
	} `json:"court_state"`
}

type businessList struct {
	Businesses []struct {
		SIREN string `json:"siren"`
		Score int    `json:"score"`
		Level string `json:"level"`
		Trend int    `json:"trend"`
		Court *struct {
			Procedure string `json:"procedure"`
		} `json:"court_state"`
	} `json:"businesses"`
}

// testScoreRules: only the prevention cell reads the businesses' scores
// (401 without a token, 403 for an advisor, a specialist, a manager, an
// admin; nothing audited for them); the cell reads the score imported
// notices made, with its explanation and the court state apart, and the
// list by level; every business sent is audited before the answer, and
// with the audit log down nothing is sent.
func testScoreRules(t *testing.T, a *api) {
	const score, list = "/api/v1/businesses/830249439/score", "/api/v1/businesses?level=moderate"
	cell := a.token(t, cmaCell)
	if got := a.post(t, cell, "/api/v1/bodacc-imports", "application/json", bodacc(t, "procedures-collectives.json")); got.status != 200 {
		t.Fatalf("import: %d %s", got.status, got.body)
	}
	if got := a.get(t, "", score); got.status != 401 {
		t.Errorf("score without a token: %d", got.status)
	}
	if got := a.get(t, "", list); got.status != 401 {
		t.Errorf("list without a token: %d", got.status)
	}
	before := a.auditCount(t)
	for _, p := range []auth.Principal{cmaAdvisor, cmaSpec, cmaManager, cmaAdmin} {
		if got := a.get(t, a.token(t, p), score); got.status != 403 || strings.Contains(got.body, "explanation") {
			t.Errorf("%s reads a score: %d %s", p.Subject, got.status, got.body)
		}
		if got := a.get(t, a.token(t, p), list); got.status != 403 {
			t.Errorf("%s lists businesses: %d %s", p.Subject, got.status, got.body)
		}
	}
	if n := a.auditCount(t); n != before {
		t.Errorf("refused reads audited: %d rows", n-before)
	}

	got := a.get(t, cell, score)
	if got.status != 200 || got.cache != "no-store" {
		t.Fatalf("cell reads a score: %d %s", got.status, got.body)
	}
	s := decode[scoreAnswer](t, got)
	if s.SIREN != "830249439" || s.BusinessID == "" || s.Level != "moderate" || s.LevelLabel != "risque modéré" || s.Score != 44 ||
		len(s.Contributions) != 1 || s.Contributions[0].Theme != "court_events" || s.Contributions[0].ThemeLabel != "Décisions de justice" ||
		s.Court == nil || s.Court.Procedure != "redressement_judiciaire" || s.RulesVersion != "2026.2" ||
		s.Explanation != "Décisions de justice : 44 points (1 signal, le 14 janvier 2026). Total : 44 points, risque modéré." {
		t.Errorf("score %s", got.body)
	}
	l := decode[businessList](t, a.get(t, a.token(t, cciCell), list))
	if len(l.Businesses) != 1 || l.Businesses[0].SIREN != "830249439" || l.Businesses[0].Trend != 44 || l.Businesses[0].Court == nil {
		t.Errorf("moderate list %+v", l)
	}
	if n := a.auditCount(t); n != before+2 {
		t.Errorf("%d reads audited, want 2", n-before)
	}
	log := decode[auditList](t, a.get(t, a.token(t, cciManager), "/api/v1/audit-log?resource_id=830249439"))
	if len(log.Entries) != 1 || log.Entries[0].Resource != "business_score" || log.Entries[0].Action != "list" ||
		log.Entries[0].AdvisorID != cciCell.Subject {
		t.Errorf("CCI manager's log %+v", log.Entries)
	}

	a.adminExec(t, `ALTER TABLE `+a.schema+`.audit_log RENAME TO audit_log_down`)
	defer a.adminExec(t, `ALTER TABLE `+a.schema+`.audit_log_down RENAME TO audit_log`)
	if got := a.get(t, cell, score); got.status != 503 || strings.Contains(got.body, "explanation") {
		t.Errorf("audit log down, score: %d %s", got.status, got.body)
	}
	if got := a.get(t, cell, list); got.status != 503 || strings.Contains(got.body, "830249439") {
		t.Errorf("audit log down, list: %d %s", got.status, got.body)
	}
}
