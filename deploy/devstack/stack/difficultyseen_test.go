package stack_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ccicma/platform/pkg/testkit"
)

// TestDifficultySeenAtACheckpointReachesPrevention: the CMA advisor of a
// bakery project records its registration, then, at the 6-month
// checkpoint, that the business is in difficulty. difficulty-alert opens a
// call-back prevention case for the CMA, linked to the creation case; the
// CMA's prevention advisor is told it was raised at the post-creation
// follow-up, reads the case (on its own and in the web desk, which links
// the creation case) and the creation case it points to, and the
// applicant's status page shows the creation case's progress only.
func TestDifficultySeenAtACheckpointReachesPrevention(t *testing.T) {
	r := startStack(t)
	desk, intake, creation, alert := r.st.URL("advisor-desk"), r.st.URL("intake"), r.st.URL("creation-support"), r.st.URL("difficulty-alert")
	r.db.WaitCount(t, "advisor directory projected", 4, `SELECT count(*) FROM creation_support.advisors`)
	r.db.WaitCount(t, "advisor directory projected", 4, `SELECT count(*) FROM difficulty_alert.advisors`)

	requestID, caseID, advisor := openBakery(t, r, "e2e-difficulty-seen-0001")
	token := signIn(t, desk, advisor)
	registered := time.Now().AddDate(0, -7, 0).Format(time.DateOnly)
	for _, step := range []struct{ path, body string }{
		{"take-in-charge", ""},
		{"stage", `{"to":"formalities","reason":"done_elsewhere"}`},
		{"registration", `{"siren":"732829320","registered_on":"` + registered + `","legal_form":"SARL"}`},
		{"checkpoints/1", `{"still_active":true,"headcount":3,"difficulties":true}`},
	} {
		if code, out := call(t, http.MethodPost, creation+"/api/v1/creation-cases/"+caseID+"/"+step.path, token, step.body); code != http.StatusOK {
			t.Fatalf("%s answered %d: %v", step.path, code, out)
		}
	}

	var preventionID string
	testkit.Eventually(t, 10*time.Second, "prevention case opened for the CMA's prevention advisor", func() (bool, error) {
		preventionID = r.db.Text(t, `SELECT case_id::text FROM difficulty_alert.difficulty_cases WHERE request_id = $1
			AND source = 'advisor_observation' AND creation_case_id = $2 AND level = 'call_back' AND chamber = 'CMA'
			AND advisor_ids = '{cma-91-002}'`, requestID, caseID)
		return preventionID != "", nil
	})
	var body string
	testkit.Eventually(t, 10*time.Second, "prevention advisor notified", func() (bool, error) {
		body = r.db.Text(t, `SELECT body FROM advisor_desk.notifications WHERE kind = 'difficulty.case.opened' AND advisor_id = 'cma-91-002'`)
		return body != "", nil
	})
	if !strings.Contains(body, "suivi post-création") || strings.Contains(body, "Moreau") || strings.Contains(body, "732829320") {
		t.Errorf("notification %q: want the post-creation follow-up named, never the business", body)
	}

	prevention := signIn(t, desk, "cma-91-002")
	code, got := call(t, http.MethodGet, alert+"/api/v1/difficulty-cases/"+preventionID, prevention, "")
	if code != http.StatusOK || got["source"] != "advisor_observation" || got["creation_case_id"] != caseID || got["checkpoint"] != "6 mois" {
		t.Fatalf("the prevention advisor reads the case: %d %v", code, got)
	}
	if code, got := call(t, http.MethodGet, creation+"/api/v1/creation-cases/"+caseID, prevention, ""); code != http.StatusOK {
		t.Fatalf("the prevention advisor reads the creation case: %d %v", code, got)
	}
	// The desk's page of the case says where it comes from and links the
	// creation case, with no self-diagnosis to show; the contact details
	// are the creation request's, which intake lets the CMA's advisors read.
	page := signInDesk(t, desk, "cma-91-002").do(http.MethodGet, "/dossiers/prevention/"+preventionID, nil)
	if page.status != http.StatusOK {
		t.Fatalf("prevention page: %d\n%s", page.status, page.body)
	}
	for _, want := range []string{"Signalé par le conseiller création lors du suivi post-création", "« 6 mois »",
		`href="/dossiers/creation/` + caseID + `"`, "ines.moreau@example.fr"} {
		if !strings.Contains(page.body, want) {
			t.Errorf("prevention page lacks %q", want)
		}
	}
	if strings.Contains(page.body, "questionnaire") {
		t.Error("the prevention page of an observation shows a self-diagnosis")
	}
	// Nothing of the prevention case reaches the applicant's status page.
	if _, v := call(t, http.MethodGet, intake+"/api/v1/creation-requests/"+requestID, "", ""); v["status"] != "in_charge" {
		t.Errorf("status of the creation request: %v", v)
	}
}
