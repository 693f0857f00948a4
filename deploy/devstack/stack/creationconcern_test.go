package stack_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/ccicma/platform/pkg/testkit"
)

// TestCreationConcernBetweenCheckpointsReachesPrevention: two months
// after a bakery's registration, long before its 6-month checkpoint, its
// CMA creation advisor sees it in difficulty and raises a concern from
// the creation case's page in the desk. difficulty-alert opens one
// call-back case for the CMA's prevention advisor, linked to the creation
// case (no checkpoint) and, through creation-support's confidential
// event, to the business, which it scores. The prevention advisor's page
// says what was seen between two checkpoints, never the SIREN.
func TestCreationConcernBetweenCheckpointsReachesPrevention(t *testing.T) {
	r := startStack(t)
	desk, creation := r.st.URL("advisor-desk"), r.st.URL("creation-support")
	r.db.WaitCount(t, "advisor directory projected", 4, `SELECT count(*) FROM creation_support.advisors`)
	r.db.WaitCount(t, "advisor directory projected", 4, `SELECT count(*) FROM difficulty_alert.advisors`)

	requestID, caseID, advisor := openBakery(t, r, "e2e-creation-concern-0001")
	token := signIn(t, desk, advisor)
	registered := time.Now().AddDate(0, -2, 0).Format(time.DateOnly)
	for _, step := range []struct{ path, body string }{
		{"take-in-charge", ""},
		{"stage", `{"to":"formalities","reason":"done_elsewhere"}`},
		{"registration", `{"siren":"732829320","registered_on":"` + registered + `","legal_form":"SARL"}`},
	} {
		if code, out := call(t, http.MethodPost, creation+"/api/v1/creation-cases/"+caseID+"/"+step.path, token, step.body); code != http.StatusOK {
			t.Fatalf("%s answered %d: %v", step.path, code, out)
		}
	}

	path := "/dossiers/creation/" + caseID
	b := signInDesk(t, desk, advisor)
	p := b.do(http.MethodGet, path, nil)
	if p.status != http.StatusOK || !strings.Contains(p.body, "Difficultés de l'entreprise") || !strings.Contains(p.body, `action="`+path+`/difficulte"`) {
		t.Fatalf("creation page in follow-up: %d\n%s", p.status, p.body)
	}
	done := b.do(http.MethodPost, path+"/difficulte", url.Values{"jeton": {b.formToken(p)}, "preoccupations": {"activity_drop"}})
	if done.status != http.StatusSeeOther || done.header.Get("Location") != path+"?fait=difficulte-signalee#difficultes" {
		t.Fatalf("concern: %d %q\n%s", done.status, done.header.Get("Location"), done.body)
	}
	if after := b.do(http.MethodGet, done.header.Get("Location"), nil); !strings.Contains(after.body, "transmis à la cellule de prévention") ||
		!strings.Contains(after.body, "Baisse d'activité") {
		t.Errorf("creation page after the concern:\n%s", after.body)
	}

	var preventionID string
	testkit.Eventually(t, 10*time.Second, "prevention case opened, linked to the creation case and the business", func() (bool, error) {
		preventionID = r.db.Text(t, `SELECT case_id::text FROM difficulty_alert.difficulty_cases WHERE request_id = $1
			AND source = 'advisor_observation' AND creation_case_id = $2 AND checkpoint IS NULL AND kinds = '{activity_drop}'
			AND advisor_ids = '{cma-91-002}' AND siren = '732829320'`, requestID, caseID)
		return preventionID != "" && r.db.Count(t, `SELECT count(*) FROM difficulty_alert.signals WHERE siren = '732829320'
			AND kind = 'advisor_concern'`) == 1, nil
	})
	page := signInDesk(t, desk, "cma-91-002").do(http.MethodGet, "/dossiers/prevention/"+preventionID, nil)
	if page.status != http.StatusOK || !strings.Contains(page.body, "Difficultés constatées entre deux points de suivi : Baisse d'activité") ||
		!strings.Contains(page.body, `href="`+path+`"`) || !strings.Contains(page.body, "Score et signaux") || strings.Contains(page.body, "732829320") {
		t.Errorf("prevention page: %d\n%s", page.status, page.body)
	}
}
