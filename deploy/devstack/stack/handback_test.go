package stack_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ccicma/platform/pkg/testkit"
)

// call sends an advisor's request with their token and decodes the JSON
// answer, if any.
func call(t *testing.T, method, url, token, body string) (int, map[string]any) {
	t.Helper()
	a := testkit.Call(t, method, url, token, body)
	var out map[string]any
	_ = json.Unmarshal([]byte(a.Body), &out)
	return a.Status, out
}

// TestHandBackEndToEnd: the CMA advisor a bakery project went to hands it
// back ("not for me: the CCI's") through creation-support's API;
// creation-support moves the case to an available CCI advisor, that
// advisor is notified in advisor-desk, and the applicant's status page
// names the CCI. Tokens come from advisor-desk and are verified by
// creation-support and intake, which got its keys in process.
func TestHandBackEndToEnd(t *testing.T) {
	r := startStack(t)
	desk, intake, creation := r.st.URL("advisor-desk"), r.st.URL("intake"), r.st.URL("creation-support")
	r.db.WaitCount(t, "advisor directory projected", 4, `SELECT count(*) FROM creation_support.advisors`)

	requestID, caseID, first := openBakery(t, r, "e2e-handback-0001")
	if !strings.HasPrefix(first, "cma-") {
		t.Fatalf("the bakery's case went to %q, want a CMA advisor", first)
	}
	// The intake side: the CMA advisor reads the applicant's contact
	// details; a CCI advisor may not, yet.
	if code, v := call(t, http.MethodGet, intake+"/api/v1/requests/"+requestID, signIn(t, desk, first), ""); code != http.StatusOK ||
		!strings.Contains(v["details"].(map[string]any)["applicant"].(map[string]any)["email"].(string), "ines.moreau") {
		t.Fatalf("assigned advisor reads the request: %d %v", code, v)
	}
	if code, _ := call(t, http.MethodGet, intake+"/api/v1/requests/"+requestID, signIn(t, desk, "cci-91-002"), ""); code != http.StatusForbidden {
		t.Fatalf("CCI advisor reads a CMA request: %d, want 403", code)
	}

	code, out := call(t, http.MethodPost, creation+"/api/v1/creation-cases/"+caseID+"/hand-back", signIn(t, desk, first),
		`{"reason":"wrong_chamber","comment":"Projet de terminal de cuisson : plutôt commerce."}`)
	if code != http.StatusOK {
		t.Fatalf("hand-back answered %d: %v", code, out)
	}
	var next string
	testkit.Eventually(t, 10*time.Second, "case moved to the CCI", func() (bool, error) {
		next = r.db.Text(t, `SELECT coalesce(advisor_id, '') FROM creation_support.creation_cases WHERE case_id = $1 AND chamber = 'CCI'`, caseID)
		return next != "", nil
	})
	testkit.Eventually(t, 10*time.Second, "new advisor notified", func() (bool, error) {
		return r.db.Count(t, `SELECT count(*) FROM advisor_desk.notifications WHERE advisor_id = $1 AND kind = 'creation.case.reassigned'`, next) == 1, nil
	})
	testkit.Eventually(t, 10*time.Second, "status page names the CCI", func() (bool, error) {
		_, v := call(t, http.MethodGet, intake+"/api/v1/creation-requests/"+requestID, "", "")
		return v["chamber"] == "CCI" && v["status"] == "assigned", nil
	})
	// The new advisor takes it in charge; the applicant sees it.
	if code, out := call(t, http.MethodPost, creation+"/api/v1/creation-cases/"+caseID+"/take-in-charge", signIn(t, desk, next), ""); code != http.StatusOK {
		t.Fatalf("take in charge answered %d: %v", code, out)
	}
	testkit.Eventually(t, 10*time.Second, "status in charge", func() (bool, error) {
		_, v := call(t, http.MethodGet, intake+"/api/v1/creation-requests/"+requestID, "", "")
		return v["status"] == "in_charge", nil
	})
	// The CCI advisor now reads the applicant's contact details.
	if code, _ := call(t, http.MethodGet, intake+"/api/v1/requests/"+requestID, signIn(t, desk, next), ""); code != http.StatusOK {
		t.Fatalf("CCI advisor after the hand-back: %d, want 200", code)
	}
}
