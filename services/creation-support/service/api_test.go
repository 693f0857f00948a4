package service_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ccicma/platform/pkg/auth"
	"github.com/ccicma/platform/pkg/events"
	"github.com/ccicma/platform/pkg/testkit"

	"github.com/ccicma/platform/services/creation-support/service"
)

// TestHandBackEndToEnd: wired as deployed, the service verifies tokens
// against the issuer's JWKS URL, and a hand-back over HTTP publishes one
// creation.case.reassigned on NATS naming a different, available advisor.
func TestHandBackEndToEnd(t *testing.T) {
	iss, jwks := testkit.IDP(t, "advisor-desk-dev")
	h := startWith(t, func(c *service.Config) {
		c.JWKSURL, c.Issuer = jwks, "advisor-desk-dev"
	})
	h.advisor("cci-91-a", "CCI", 1, true)
	until := time.Now().Add(72 * time.Hour)
	h.Publish(t, h.Event(t, "advisor-desk", "cci-91-0away", events.AdvisorUpdated{AdvisorID: "cci-91-0away", Revision: 1, Chamber: "CCI",
		Departements: []string{"91"}, Specialities: []string{"creation"}, Capacity: 10, Active: true, AbsentUntil: &until, UpdatedAt: time.Now()}))
	h.DB.WaitCount(t, "directory projected", 2, `SELECT count(*) FROM creation_support.advisors`)
	reqID := "01900000-0000-7000-8000-0000000000e1"
	h.Publish(t, h.Event(t, "intake", reqID, submitted(reqID, "CCI")))
	if got := h.caseAdvisor(reqID); got != "cci-91-a" {
		t.Fatalf("case went to %q; the absent advisor must get no new case", got)
	}
	h.advisor("cci-91-b", "CCI", 1, true)
	h.DB.WaitCount(t, "cci-91-b projected", 1, `SELECT count(*) FROM creation_support.advisors WHERE advisor_id = 'cci-91-b'`)
	caseID := h.DB.Text(t, `SELECT case_id::text FROM creation_support.creation_cases WHERE request_id = $1`, reqID)
	tok, err := iss.Issue(auth.Principal{Subject: "cci-91-a", Chamber: "CCI", Roles: []auth.Role{auth.RoleAdvisor}})
	if err != nil {
		t.Fatal(err)
	}
	if a := h.Call(t, http.MethodPost, "/api/v1/creation-cases/"+caseID+"/hand-back", "", `{"reason":"other"}`); a.Status != 401 {
		t.Fatalf("no token: %d, want 401", a.Status)
	}
	a := h.Call(t, http.MethodPost, "/api/v1/creation-cases/"+caseID+"/hand-back", tok.AccessToken, `{"reason":"no_capacity","comment":"Agenda complet."}`)
	if a.Status != 200 {
		t.Fatalf("hand back: %d %s", a.Status, a.Body)
	}
	var p events.CreationCaseReassigned
	msg := h.LastEvent(t, events.StreamCreation, "creation.case.reassigned.91", &p)
	if n := h.Published(t, events.StreamCreation)["creation.case.reassigned.91"]; n != 1 {
		t.Fatalf("%d creation.case.reassigned published, want 1", n)
	}
	if p.CaseID != caseID || p.PreviousAdvisorID != "cci-91-a" || p.AdvisorID != "cci-91-b" || p.Reason != events.ReassignNoCapacity {
		t.Fatalf("published %+v; want cci-91-b, the available other advisor (not the absent one)", p)
	}
	if strings.Contains(string(msg.Data), "Agenda complet") {
		t.Fatal("the advisor's comment was published")
	}
}

// TestAPIWithoutVerifierServesNothing: with no AUTH_JWKS_URL the service
// still consumes events, and its API refuses everything (503), never
// serving cases unauthenticated.
func TestAPIWithoutVerifierServesNothing(t *testing.T) {
	h := start(t)
	a := h.Call(t, http.MethodPost, "/api/v1/creation-cases/01900000-0000-7000-8000-0000000000e1/take-in-charge", "", "")
	if a.Status != http.StatusServiceUnavailable || !strings.Contains(a.Body, `"status":503`) {
		t.Fatalf("%d %s, want a 503 problem", a.Status, a.Body)
	}
}

// TestDifficultySeenIdentifiesTheBusinessOnPreventionOnly: on real NATS, a
// checkpoint where the advisor saw difficulties publishes
// creation.case.difficulty_seen on CREATION, which every consumer of
// CREATION reads, without the business's SIREN, and the SIREN on the
// confidential PREVENTION stream alone, which difficulty-alert alone
// reads.
func TestDifficultySeenIdentifiesTheBusinessOnPreventionOnly(t *testing.T) {
	iss, jwks := testkit.IDP(t, "advisor-desk-dev")
	h := startWith(t, func(c *service.Config) {
		c.JWKSURL, c.Issuer = jwks, "advisor-desk-dev"
	})
	h.advisor("cma-91-a", "CMA", 1, true)
	h.DB.WaitCount(t, "directory projected", 1, `SELECT count(*) FROM creation_support.advisors`)
	reqID := "01900000-0000-7000-8000-0000000000f1"
	h.Publish(t, h.Event(t, "intake", reqID, submitted(reqID, "CMA")))
	h.caseAdvisor(reqID)
	caseID := h.DB.Text(t, `SELECT case_id::text FROM creation_support.creation_cases WHERE request_id = $1`, reqID)
	tok, err := iss.Issue(auth.Principal{Subject: "cma-91-a", Chamber: "CMA", Roles: []auth.Role{auth.RoleAdvisor}})
	if err != nil {
		t.Fatal(err)
	}
	registered := time.Now().AddDate(0, -7, 0).Format(time.DateOnly)
	for _, step := range []struct{ path, body string }{
		{"take-in-charge", ""},
		{"stage", `{"to":"formalities","reason":"done_elsewhere"}`},
		{"registration", `{"siren":"732829320","registered_on":"` + registered + `","legal_form":"SARL"}`},
		{"checkpoints/1", `{"still_active":true,"headcount":3,"difficulties":true}`},
	} {
		if a := h.Call(t, http.MethodPost, "/api/v1/creation-cases/"+caseID+"/"+step.path, tok.AccessToken, step.body); a.Status != 200 {
			t.Fatalf("POST %s: %d %s", step.path, a.Status, a.Body)
		}
	}
	var p events.PreventionObservationIdentified
	msg := h.LastEvent(t, events.StreamPrevention, "prevention.observation.identified.91", &p)
	if p.CaseID != caseID || p.RequestID != reqID || p.SIREN != "732829320" || p.CheckpointIndex != 0 ||
		msg.Header.Get(events.HeaderSource) != "/creation-support" || msg.Header.Get(events.HeaderSubject) != caseID {
		t.Fatalf("identity %+v, headers %v", p, msg.Header)
	}
	var seen events.CreationCaseDifficultySeen
	h.LastEvent(t, events.StreamCreation, "creation.case.difficulty_seen.91", &seen)
	if seen.CaseID != caseID {
		t.Fatalf("difficulty_seen %+v", seen)
	}
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
		if strings.Contains(string(m.Data), "732829320") {
			t.Errorf("CREATION message %d (%s) carries the SIREN: %s", seq, m.Subject, m.Data)
		}
	}
	if subjects := h.Published(t, events.StreamPrevention); len(subjects) != 1 || subjects["prevention.observation.identified.91"] != 1 {
		t.Errorf("PREVENTION holds %v, want the one identity", subjects)
	}
}
