package stack_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ccicma/platform/pkg/testkit"
)

// TestRedirectToTakeoverEndToEnd: the CMA advisor of a bakery project
// learns that its holder would rather take over a bakery and redirects the
// case; takeover-matching opens a draft buyer search for the same request,
// its takeover advisor is told to complete it in advisor-desk, the
// applicant's status page says the project goes on as a takeover, and the
// completed search opens.
func TestRedirectToTakeoverEndToEnd(t *testing.T) {
	r := startStack(t)
	desk, intake, creation, takeover := r.st.URL("advisor-desk"), r.st.URL("intake"), r.st.URL("creation-support"), r.st.URL("takeover-matching")
	r.db.WaitCount(t, "advisor directory projected", 4, `SELECT count(*) FROM creation_support.advisors`)

	requestID, caseID, advisor := openBakery(t, r, "e2e-redirect-0001")
	token := signIn(t, desk, advisor)
	if code, out := call(t, http.MethodPost, creation+"/api/v1/creation-cases/"+caseID+"/take-in-charge", token, ""); code != http.StatusOK {
		t.Fatalf("take in charge answered %d: %v", code, out)
	}
	if code, out := call(t, http.MethodPost, creation+"/api/v1/creation-cases/"+caseID+"/redirect-to-takeover", token, ""); code != http.StatusOK {
		t.Fatalf("redirect answered %d: %v", code, out)
	}

	var searchID, owner string
	testkit.Eventually(t, 10*time.Second, "draft buyer search opened", func() (bool, error) {
		searchID = r.db.Text(t, `SELECT search_id::text FROM takeover_matching.buyer_searches
			WHERE request_id = $1 AND status = 'draft' AND creation_case_id = $2`, requestID, caseID)
		owner = r.db.Text(t, `SELECT coalesce(advisor_id, '') FROM takeover_matching.buyer_searches WHERE request_id = $1`, requestID)
		return searchID != "", nil
	})
	if !strings.HasPrefix(owner, "cma-") {
		t.Fatalf("the draft search went to %q, want a CMA takeover advisor", owner)
	}
	testkit.Eventually(t, 10*time.Second, "takeover advisor told to complete it", func() (bool, error) {
		return r.db.Count(t, `SELECT count(*) FROM advisor_desk.notifications WHERE advisor_id = $1
			AND kind = 'takeover.search.registered' AND title = 'Recherche de repreneur à compléter'`, owner) == 1, nil
	})
	testkit.Eventually(t, 10*time.Second, "status page says the project goes on as a takeover", func() (bool, error) {
		_, v := call(t, http.MethodGet, intake+"/api/v1/creation-requests/"+requestID, "", "")
		return v["status"] == "closed" && v["outcome"] == "redirected_to_takeover", nil
	})

	criteria := `{"sectors":["10.71"],"commune_codes":["91228"],"mobility":"local","budget_band":"100k_300k",
		"personal_contribution_band":"50k_100k","headcount_min":0,"headcount_max":5,"deal_types":["fonds"],
		"timeline":"6m_12m","experience":"sector"}`
	code, out := call(t, http.MethodPut, takeover+"/api/v1/buyer-searches/"+searchID+"/criteria", signIn(t, desk, owner), criteria)
	if code != http.StatusOK || out["status"] != "open" {
		t.Fatalf("completing the draft answered %d: %v", code, out)
	}
}
