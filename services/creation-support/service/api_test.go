package service_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/ccicma/platform/pkg/auth"
	"github.com/ccicma/platform/pkg/events"
	"github.com/ccicma/platform/pkg/testkit"

	"github.com/ccicma/platform/services/creation-support/service"
)

func (h *harness) post(path, token, body string) (int, string) {
	h.t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, h.url+path, strings.NewReader(body))
	if err != nil {
		h.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

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
	away := h.event("advisor-desk", "cci-91-0away", events.AdvisorUpdated{AdvisorID: "cci-91-0away", Revision: 1, Chamber: "CCI",
		Departements: []string{"91"}, Specialities: []string{"creation"}, Capacity: 10, Active: true, AbsentUntil: &until, UpdatedAt: time.Now()})
	if err := h.desk.Publish(context.Background(), away); err != nil {
		t.Fatal(err)
	}
	testkit.Eventually(t, 10*time.Second, "directory projected", func() (bool, error) {
		return h.count(`SELECT count(*) FROM creation_support.advisors`) == 2, nil
	})
	reqID := "01900000-0000-7000-8000-0000000000e1"
	if err := h.intake.Publish(context.Background(), h.event("intake", reqID, submitted(reqID, "CCI"))); err != nil {
		t.Fatal(err)
	}
	if got := h.caseAdvisor(reqID); got != "cci-91-a" {
		t.Fatalf("case went to %q; the absent advisor must get no new case", got)
	}
	h.advisor("cci-91-b", "CCI", 1, true)
	testkit.Eventually(t, 10*time.Second, "cci-91-b projected", func() (bool, error) {
		return h.count(`SELECT count(*) FROM creation_support.advisors WHERE advisor_id = 'cci-91-b'`) == 1, nil
	})
	caseID := h.text(`SELECT case_id::text FROM creation_support.creation_cases WHERE request_id = $1`, reqID)
	tok, err := iss.Issue(auth.Principal{Subject: "cci-91-a", Chamber: "CCI", Roles: []auth.Role{auth.RoleAdvisor}})
	if err != nil {
		t.Fatal(err)
	}
	if status, _ := h.post("/api/v1/creation-cases/"+caseID+"/hand-back", "", `{"reason":"other"}`); status != 401 {
		t.Fatalf("no token: %d, want 401", status)
	}
	status, body := h.post("/api/v1/creation-cases/"+caseID+"/hand-back", tok.AccessToken, `{"reason":"no_capacity","comment":"Agenda complet."}`)
	if status != 200 {
		t.Fatalf("hand back: %d %s", status, body)
	}
	stream, err := h.js.Stream(context.Background(), events.StreamCreation.Name)
	if err != nil {
		t.Fatal(err)
	}
	var msg *jetstream.RawStreamMsg
	testkit.Eventually(t, 10*time.Second, "creation.case.reassigned published", func() (bool, error) {
		msg, err = stream.GetLastMsgForSubject(context.Background(), "creation.case.reassigned.91")
		return err == nil, nil
	})
	info, err := stream.Info(context.Background(), jetstream.WithSubjectFilter("creation.case.reassigned.>"))
	if err != nil {
		t.Fatal(err)
	}
	if n := info.State.Subjects["creation.case.reassigned.91"]; n != 1 {
		t.Fatalf("%d creation.case.reassigned published, want 1", n)
	}
	var p events.CreationCaseReassigned
	if err := json.Unmarshal(msg.Data, &p); err != nil {
		t.Fatal(err)
	}
	if p.CaseID != caseID || p.PreviousAdvisorID != "cci-91-a" || p.AdvisorID != "cci-91-b" || p.Reason != events.ReassignNoCapacity {
		t.Fatalf("published %+v; want cci-91-b, the available other advisor (not the absent one)", p)
	}
	if strings.Contains(string(msg.Data), "Agenda complet") {
		t.Fatal("the advisor's comment was published")
	}
}

func (h *harness) text(query string, args ...any) string {
	h.t.Helper()
	conn, err := pgx.Connect(context.Background(), h.admin)
	if err != nil {
		h.t.Fatal(err)
	}
	defer conn.Close(context.Background())
	var s string
	if err := conn.QueryRow(context.Background(), query, args...).Scan(&s); err != nil {
		h.t.Fatalf("%s: %v", query, err)
	}
	return s
}

// TestAPIWithoutVerifierServesNothing: with no AUTH_JWKS_URL the service
// still consumes events, and its API refuses everything (503), never
// serving cases unauthenticated.
func TestAPIWithoutVerifierServesNothing(t *testing.T) {
	h := start(t)
	status, body := h.post("/api/v1/creation-cases/01900000-0000-7000-8000-0000000000e1/take-in-charge", "", "")
	if status != http.StatusServiceUnavailable || !strings.Contains(body, `"status":503`) {
		t.Fatalf("%d %s, want a 503 problem", status, body)
	}
}
