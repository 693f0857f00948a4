package stack_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/ccicma/platform/pkg/testkit"
)

const shopInDifficulty = `{
  "applicant": {"first_name": "Marc", "last_name": "Lefèvre", "email": "marc.lefevre@example.fr", "phone": "01 23 45 67 89"},
  "business": {"siret": "552 100 554 00013", "naf_code": "47.71Z", "postcode": "91000", "headcount": 6},
  "report": {"situation": "Notre principal client ne paie plus depuis trois mois.", "kinds": ["unpaid_social_debts", "cash_flow"],
             "answers": {"overdue_social_tax": 1, "cash_shortfall": 3, "revenue_drop": 3, "late_suppliers": 0, "legal_notice": 0,
                         "customer_dependency": 3, "manager_exhaustion": 0, "bank_refusal": 0, "pay_delayed": 0, "no_forecast": 0}}
}`

// TestDifficultyReportReachesOnlyPrevention: a clothes shop's difficulty
// report goes to the CCI; difficulty-alert opens a prevention case for the
// CCI's prevention advisor, who alone is notified and reads the case and
// the applicant's contact details. The CCI's manager and the CMA's
// prevention advisor are refused everywhere, the status link reveals
// nothing, and every read is in the audit logs the manager queries.
func TestDifficultyReportReachesOnlyPrevention(t *testing.T) {
	r := startStack(t)
	desk, intake, alert := r.st.URL("advisor-desk"), r.st.URL("intake"), r.st.URL("difficulty-alert")
	r.db.WaitCount(t, "advisor directory projected", 4, `SELECT count(*) FROM difficulty_alert.advisors`)

	code, out := post(t, intake+"/api/v1/difficulty-reports", shopInDifficulty, "e2e-difficulty-0001")
	if code != http.StatusAccepted || out["routing"].(map[string]any)["lead_chamber"] != "CCI" {
		t.Fatalf("POST answered %d: %v, want 202 routed to the CCI", code, out)
	}
	requestID, _ := out["request_id"].(string)
	var caseID string
	testkit.Eventually(t, 10*time.Second, "prevention case opened", func() (bool, error) {
		caseID = r.db.Text(t, `SELECT case_id::text FROM difficulty_alert.difficulty_cases WHERE request_id = $1 AND advisor_ids = '{cci-91-002}'`, requestID)
		return caseID != "", nil
	})
	testkit.Eventually(t, 10*time.Second, "prevention advisor notified", func() (bool, error) {
		return r.db.Count(t, `SELECT count(*) FROM advisor_desk.notifications WHERE kind = 'difficulty.case.opened' AND advisor_id = 'cci-91-002'`) == 1, nil
	})
	testkit.Eventually(t, 10*time.Second, "intake knows the assigned advisor", func() (bool, error) {
		return r.db.Count(t, `SELECT count(*) FROM intake.requests WHERE request_id = $1 AND advisor_ids = '{cci-91-002}'`, requestID) == 1, nil
	})
	if n := r.db.Count(t, `SELECT count(*) FROM advisor_desk.notifications WHERE kind = 'difficulty.case.opened'`); n != 1 {
		t.Errorf("%d notifications of the case, want only the prevention advisor's", n)
	}

	prevention, manager, otherCell := signIn(t, desk, "cci-91-002"), signIn(t, desk, "cci-91-001"), signIn(t, desk, "cma-91-002")
	for _, x := range []struct {
		who, token, url string
		want            int
	}{
		{"CCI prevention advisor, the case", prevention, alert + "/api/v1/difficulty-cases/" + caseID, http.StatusOK},
		{"CCI prevention advisor, the contact details", prevention, intake + "/api/v1/requests/" + requestID, http.StatusOK},
		{"CCI manager, the case", manager, alert + "/api/v1/difficulty-cases/" + caseID, http.StatusForbidden},
		{"CCI manager, the contact details", manager, intake + "/api/v1/requests/" + requestID, http.StatusForbidden},
		{"CMA prevention cell, the case", otherCell, alert + "/api/v1/difficulty-cases/" + caseID, http.StatusForbidden},
		{"CMA prevention cell, the contact details", otherCell, intake + "/api/v1/requests/" + requestID, http.StatusForbidden},
		{"no token, the case", "", alert + "/api/v1/difficulty-cases/" + caseID, http.StatusUnauthorized},
		{"no token, the contact details", "", intake + "/api/v1/requests/" + requestID, http.StatusUnauthorized},
	} {
		if code, body := call(t, http.MethodGet, x.url, x.token, ""); code != x.want {
			t.Errorf("%s: %d %v, want %d", x.who, code, body, x.want)
		}
	}
	// The status link says received, and nothing of who handles it.
	if _, v := call(t, http.MethodGet, intake+"/api/v1/difficulty-reports/"+requestID, "", ""); v["status"] != "received" || v["chamber"] != nil {
		t.Errorf("status of the report: %v", v)
	}
	// The manager sees the prevention advisor's reads in both logs.
	for _, url := range []string{alert + "/api/v1/audit-log?resource_id=" + caseID, intake + "/api/v1/audit-log?resource_id=" + requestID} {
		code, page := call(t, http.MethodGet, url, manager, "")
		entries, _ := page["entries"].([]any)
		if code != http.StatusOK || len(entries) != 1 || entries[0].(map[string]any)["advisor_id"] != "cci-91-002" {
			t.Errorf("%s: %d %v, want the prevention advisor's one read", url, code, page)
		}
	}
}
