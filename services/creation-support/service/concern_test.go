package service_test

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ccicma/platform/pkg/auth"
	"github.com/ccicma/platform/pkg/events"
	"github.com/ccicma/platform/pkg/testkit"

	"github.com/ccicma/platform/services/creation-support/service"
)

// TestRaiseConcernOverNATS: the advisor following a registered business
// raises a concern between two checkpoints (201):
// creation.case.concern_raised places it by codes on CREATION, with no
// SIREN anywhere, and prevention.creation_concern.identified, of the same
// concern, names it by its SIREN on the confidential PREVENTION stream. A
// second concern the same day gets the first back (200): nothing stored,
// nothing announced. A colleague who does not follow the case may not
// raise one (403), an unknown case is 404, a case not in follow-up 409,
// a bad list 422 naming concerns. A case in follow-up without a recorded
// SIREN announces its concern on CREATION only. The case's view lists
// its concern.
func TestRaiseConcernOverNATS(t *testing.T) {
	iss, jwks := testkit.IDP(t, "advisor-desk-dev")
	h := startWith(t, func(c *service.Config) {
		c.JWKSURL, c.Issuer = jwks, "advisor-desk-dev"
	})
	h.advisor("cma-91-a", "CMA", 1, true)
	h.DB.WaitCount(t, "directory projected", 1, `SELECT count(*) FROM creation_support.advisors`)
	token := func(sub string, role auth.Role) string {
		tok, err := iss.Issue(auth.Principal{Subject: sub, Chamber: "CMA", Roles: []auth.Role{role}})
		if err != nil {
			t.Fatal(err)
		}
		return tok.AccessToken
	}
	advisor, colleague, manager := token("cma-91-a", auth.RoleAdvisor), token("cma-91-b", auth.RoleAdvisor), token("cma-91-m", auth.RoleManager)
	registered := time.Now().AddDate(0, -2, 0).Format(time.DateOnly)
	open := func(n int, steps ...string) (caseID, reqID string) {
		reqID = fmt.Sprintf("01900000-0000-7000-8000-%012d", 100+n)
		p := submitted(reqID, "CMA")
		p.Routing.SecondaryChamber, p.Routing.EPCI = "CCI", "200056232"
		h.Publish(t, h.Event(t, "intake", reqID, p))
		h.caseAdvisor(reqID)
		caseID = h.DB.Text(t, `SELECT case_id::text FROM creation_support.creation_cases WHERE request_id = $1`, reqID)
		bodies := map[string]string{"take-in-charge": "", "stage": `{"to":"formalities","reason":"done_elsewhere"}`,
			"registration": `{"siren":"732829320","registered_on":"` + registered + `","legal_form":"SARL"}`}
		for _, step := range steps {
			if a := h.Call(t, http.MethodPost, "/api/v1/creation-cases/"+caseID+"/"+step, advisor, bodies[step]); a.Status != 200 {
				t.Fatalf("POST %s: %d %s", step, a.Status, a.Body)
			}
		}
		return caseID, reqID
	}
	followed, followedReq := open(1, "take-in-charge", "stage", "registration")
	before, _ := open(2, "take-in-charge")
	// The same-day repeat below runs on the service's own clock.
	testkit.AwayFromMidnight(t, time.Minute)
	path := func(id string) string { return "/api/v1/creation-cases/" + id + "/difficulty-concerns" }
	const body = `{"concerns":["cash_flow","supplier_delays"]}`

	for _, tc := range []struct {
		name, token, path, body string
		status                  int
	}{
		{"no token", "", path(followed), body, http.StatusUnauthorized},
		{"an unknown case", advisor, path(uuid.Must(uuid.NewV7()).String()), body, http.StatusNotFound},
		{"a colleague who does not follow the case", colleague, path(followed), body, http.StatusForbidden},
		{"a case not in follow-up", advisor, path(before), body, http.StatusConflict},
		{"no concern", advisor, path(followed), `{"concerns":[]}`, http.StatusUnprocessableEntity},
		{"no list", advisor, path(followed), `{}`, http.StatusUnprocessableEntity},
		{"a code not listed", advisor, path(followed), `{"concerns":["cash_flow","bankruptcy"]}`, http.StatusUnprocessableEntity},
		{"a code twice", advisor, path(followed), `{"concerns":["cash_flow","cash_flow"]}`, http.StatusUnprocessableEntity},
		{"free text", advisor, path(followed), `{"concerns":["cash_flow"],"comment":"La gérante est épuisée"}`, http.StatusBadRequest},
	} {
		a := h.Call(t, http.MethodPost, tc.path, tc.token, tc.body)
		if a.Status != tc.status {
			t.Fatalf("%s: %d %s, want %d", tc.name, a.Status, a.Body, tc.status)
		}
		if tc.status == http.StatusUnprocessableEntity && !strings.Contains(a.Body, `"field":"concerns"`) {
			t.Fatalf("%s: %s does not name concerns", tc.name, a.Body)
		}
		if tc.status == http.StatusConflict && !strings.Contains(a.Body, "suivi post-création") {
			t.Fatalf("%s: %s does not say why", tc.name, a.Body)
		}
	}
	if n := h.DB.Count(t, `SELECT count(*) FROM creation_support.case_difficulty_concerns`); n != 0 {
		t.Fatalf("%d concerns stored by refused calls", n)
	}

	type concernJSON struct {
		ConcernID string    `json:"concern_id"`
		AdvisorID string    `json:"advisor_id"`
		Concerns  []string  `json:"concerns"`
		RaisedAt  time.Time `json:"raised_at"`
	}
	a := h.Call(t, http.MethodPost, path(followed), advisor, body)
	if a.Status != http.StatusCreated {
		t.Fatalf("raise: %d %s, want 201", a.Status, a.Body)
	}
	var first concernJSON
	a.Decode(t, &first)
	if id, err := uuid.Parse(first.ConcernID); err != nil || id.Version() != 7 || first.AdvisorID != "cma-91-a" ||
		!slices.Equal(first.Concerns, []string{"cash_flow", "supplier_delays"}) || first.RaisedAt.IsZero() {
		t.Fatalf("raised %+v", first)
	}

	var raised events.CreationCaseConcernRaised
	msg := h.LastEvent(t, events.StreamCreation, "creation.case.concern_raised.91", &raised)
	if raised.CaseID != followed || raised.ConcernID != first.ConcernID || raised.RequestID != followedReq || raised.Chamber != "CMA" ||
		raised.SecondaryChamber != "CCI" || raised.AdvisorID != "cma-91-a" || raised.NAFCode != "10.71C" || raised.NAFVersion != "NAFRev2" ||
		raised.Departement != "91" || raised.EPCI != "200056232" || !slices.Equal(raised.Concerns, first.Concerns) ||
		!raised.RaisedAt.Equal(first.RaisedAt) || raised.Validate() != nil {
		t.Fatalf("concern raised = %+v", raised)
	}
	if msg.Header.Get(events.HeaderSubject) != followed || msg.Header.Get(events.HeaderSource) != "/creation-support" {
		t.Fatalf("headers %v", msg.Header)
	}
	var identified events.PreventionCreationConcernIdentified
	msg = h.LastEvent(t, events.StreamPrevention, "prevention.creation_concern.identified.91", &identified)
	if identified.CaseID != followed || identified.ConcernID != first.ConcernID || identified.RequestID != followedReq ||
		identified.SIREN != "732829320" || !identified.ObservedAt.Equal(first.RaisedAt) || identified.Validate() != nil ||
		msg.Header.Get(events.HeaderSubject) != followed {
		t.Fatalf("identity %+v, headers %v", identified, msg.Header)
	}

	// A manager of the chamber, the same day: the day's concern, unchanged.
	a = h.Call(t, http.MethodPost, path(followed), manager, `{"concerns":["owner_wellbeing"]}`)
	if a.Status != http.StatusOK {
		t.Fatalf("raise again: %d %s, want 200", a.Status, a.Body)
	}
	var again concernJSON
	a.Decode(t, &again)
	if again.ConcernID != first.ConcernID || again.AdvisorID != "cma-91-a" || !slices.Equal(again.Concerns, first.Concerns) ||
		!again.RaisedAt.Equal(first.RaisedAt) {
		t.Fatalf("raised again %+v, want the day's %+v", again, first)
	}
	if n := h.DB.Count(t, `SELECT count(*) FROM creation_support.case_difficulty_concerns WHERE case_id = $1`, followed); n != 1 {
		t.Fatalf("%d concerns stored, want 1", n)
	}

	// In follow-up without a recorded SIREN: on CREATION only.
	bare, _ := open(3, "take-in-charge", "stage", "registration")
	if _, err := h.DB.Exec(h.Ctx, `UPDATE creation_support.creation_cases SET facts = facts - 'registration' WHERE case_id = $1`, bare); err != nil {
		t.Fatal(err)
	}
	if a := h.Call(t, http.MethodPost, path(bare), advisor, `{"concerns":["activity_drop"]}`); a.Status != http.StatusCreated {
		t.Fatalf("raise without a SIREN: %d %s, want 201", a.Status, a.Body)
	}
	h.LastEvent(t, events.StreamCreation, "creation.case.concern_raised.91", &raised)
	if raised.CaseID != bare || !slices.Equal(raised.Concerns, []string{"activity_drop"}) {
		t.Fatalf("concern raised = %+v", raised)
	}
	if n := h.Published(t, events.StreamCreation)["creation.case.concern_raised.91"]; n != 2 {
		t.Fatalf("%d concerns announced, want 2 (one a case)", n)
	}
	if subjects := h.Published(t, events.StreamPrevention); len(subjects) != 1 || subjects["prevention.creation_concern.identified.91"] != 1 {
		t.Fatalf("PREVENTION holds %v, want the one identity", subjects)
	}
	assertNoSIRENOnCreation(t, h)

	// The case's view lists its concern.
	var view struct {
		Concerns []concernJSON `json:"difficulty_concerns"`
	}
	if a := h.Call(t, http.MethodGet, "/api/v1/creation-cases/"+followed, manager, ""); a.Status != http.StatusOK {
		t.Fatalf("read the case: %d %s", a.Status, a.Body)
	} else {
		a.Decode(t, &view)
	}
	if len(view.Concerns) != 1 || view.Concerns[0].ConcernID != first.ConcernID || view.Concerns[0].AdvisorID != "cma-91-a" ||
		!slices.Equal(view.Concerns[0].Concerns, first.Concerns) || !view.Concerns[0].RaisedAt.Equal(first.RaisedAt) {
		t.Fatalf("the case lists %+v", view.Concerns)
	}
}

// assertNoSIRENOnCreation reads every message of the CREATION stream:
// none may carry the business's SIREN, which only difficulty-alert reads.
func assertNoSIRENOnCreation(t *testing.T, h *harness) {
	t.Helper()
	st, err := h.JS.Stream(h.Ctx, events.StreamCreation.Name)
	if err != nil {
		t.Fatal(err)
	}
	info, err := st.Info(h.Ctx)
	if err != nil {
		t.Fatal(err)
	}
	for seq := info.State.FirstSeq; seq <= info.State.LastSeq; seq++ {
		m, err := st.GetMsg(h.Ctx, seq)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(m.Data), "732829320") || strings.Contains(string(m.Data), "siren") {
			t.Errorf("CREATION message %d (%s) carries the SIREN: %s", seq, m.Subject, m.Data)
		}
	}
}
