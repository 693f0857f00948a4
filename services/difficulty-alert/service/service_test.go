package service_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/ccicma/platform/pkg/auth"
	"github.com/ccicma/platform/pkg/events"
	"github.com/ccicma/platform/pkg/natsbus"
	"github.com/ccicma/platform/pkg/telemetry"
	"github.com/ccicma/platform/pkg/testkit"

	"github.com/ccicma/platform/services/difficulty-alert/service"
)

const issuerName = "https://idp.test/realms/ccicma"

// harness runs difficulty-alert on real Postgres and NATS, publishes as
// intake and advisor-desk would, and issues tokens as an OIDC provider
// whose JWKS the service fetches over HTTP.
type harness struct {
	t      *testing.T
	admin  string
	url    string
	idp    *auth.Issuer
	intake *natsbus.Bus
	desk   *natsbus.Bus
	js     jetstream.JetStream
}

func start(t *testing.T) *harness {
	t.Helper()
	ctx := testkit.Context(t)
	admin := testkit.Database(t)
	nats := testkit.StartNATS(t)
	idp, jwks := testkit.IDP(t, issuerName)

	cfg, err := service.LoadConfig()
	if err != nil {
		t.Fatal(err)
	}
	testkit.Platform(t, &cfg.Config, admin, nats, service.Name, service.Schema)
	cfg.JWKSURL, cfg.Issuer = jwks, issuerName
	svc, err := service.New(ctx, cfg, testkit.Quiet())
	if err != nil {
		t.Fatalf("start difficulty-alert: %v", err)
	}
	testkit.Run(t, ctx, svc.Run)

	h := &harness{t: t, admin: admin, url: "http://" + svc.Addr(), idp: idp}
	h.intake, h.desk = nats.Bus(t, "intake"), nats.Bus(t, "advisor-desk")
	_, h.js = nats.Admin(t)
	return h
}

func (h *harness) event(source, aggregate string, p events.Payload) events.Event {
	h.t.Helper()
	ev, err := events.New(source, aggregate, "91", p, time.Now())
	if err != nil {
		h.t.Fatal(err)
	}
	return ev
}

func (h *harness) query(query string, args []any, dest ...any) {
	h.t.Helper()
	conn, err := pgx.Connect(context.Background(), h.admin)
	if err != nil {
		h.t.Fatal(err)
	}
	defer conn.Close(context.Background())
	if err := conn.QueryRow(context.Background(), query, args...).Scan(dest...); err != nil {
		h.t.Fatalf("%s: %v", query, err)
	}
}

func (h *harness) count(query string, args ...any) int {
	h.t.Helper()
	var n int
	h.query(query, args, &n)
	return n
}

// advisor publishes a directory entry covering département 91.
func (h *harness) advisor(p events.AdvisorUpdated) {
	h.t.Helper()
	p.Departements, p.Capacity, p.Active, p.UpdatedAt = []string{"91"}, 10, true, time.Now()
	if p.Revision == 0 {
		p.Revision = 1
	}
	if err := h.desk.Publish(context.Background(), h.event("advisor-desk", p.AdvisorID, p)); err != nil {
		h.t.Fatal(err)
	}
}

func (h *harness) directory(n int) {
	h.t.Helper()
	testkit.Eventually(h.t, 10*time.Second, "directory projected", func() (bool, error) {
		return h.count(`SELECT count(*) FROM difficulty_alert.advisors`) == n, nil
	})
}

func reported(requestID, lead, secondary string) events.DifficultyReported {
	return events.DifficultyReported{RequestID: requestID, NAFCode: "56.10A", NAFVersion: "NAFRev2", Departement: "91",
		Kinds: []string{"cash_flow", "unpaid_social_debts"}, QuestionnaireVersion: "q1", Score: 72, Level: events.DifficultyCallBack,
		Routing: events.Routing{LeadChamber: lead, SecondaryChamber: secondary, RuleID: "test", Reason: "test"}, ReportedAt: time.Now()}
}

// caseOf waits for the case of a report and returns its id and advisors.
func (h *harness) caseOf(requestID string) (string, []string) {
	h.t.Helper()
	var id string
	var advisors []string
	testkit.Eventually(h.t, 10*time.Second, "case of "+requestID+" opened", func() (bool, error) {
		return h.count(`SELECT count(*) FROM difficulty_alert.difficulty_cases WHERE request_id = $1`, requestID) == 1, nil
	})
	h.query(`SELECT case_id::text, advisor_ids FROM difficulty_alert.difficulty_cases WHERE request_id = $1`, []any{requestID}, &id, &advisors)
	return id, advisors
}

func (h *harness) ackFloor(want uint64) {
	h.t.Helper()
	testkit.Eventually(h.t, 10*time.Second, "events handled", func() (bool, error) {
		cons, err := h.js.Consumer(context.Background(), "INTAKE", "difficulty-alert")
		if err != nil {
			return false, err
		}
		ci, err := cons.Info(context.Background())
		return err == nil && ci.AckFloor.Stream == want, err
	})
}

// TestRedeliveredReportOpensOneCaseAndEmitsOnce: the same report delivered
// twice (two messages with the same ce-id, past JetStream's
// de-duplication) opens one case assigned to one available prevention
// advisor of each routed chamber, and difficulty.case.opened reaches the
// DIFFICULTY stream once.
func TestRedeliveredReportOpensOneCaseAndEmitsOnce(t *testing.T) {
	h := start(t)
	back := time.Now().Add(72 * time.Hour)
	h.advisor(events.AdvisorUpdated{AdvisorID: "cma-91-001", Chamber: "CMA", Roles: []string{"advisor", "manager"}})
	h.advisor(events.AdvisorUpdated{AdvisorID: "cma-91-002", Chamber: "CMA", Roles: []string{"advisor", "prevention_cell"}, AbsentUntil: &back})
	h.advisor(events.AdvisorUpdated{AdvisorID: "cma-91-003", Chamber: "CMA", Roles: []string{"advisor", "prevention_cell"}})
	h.advisor(events.AdvisorUpdated{AdvisorID: "cci-91-002", Chamber: "CCI", Roles: []string{"advisor"}, Specialities: []string{"difficulty"}})
	h.directory(4)

	id := "01900000-0000-7000-8000-0000000000aa"
	ev := h.event("intake", id, reported(id, "CMA", "CCI"))
	for i, msgID := range []string{"first-copy", "second-copy"} {
		if _, err := h.intake.JS.PublishMsg(context.Background(), natsbus.Message(ev, nil), jetstream.WithMsgID(msgID)); err != nil {
			t.Fatalf("publish copy %d: %v", i, err)
		}
	}
	h.ackFloor(2)
	caseID, advisors := h.caseOf(id)
	if want := []string{"cma-91-003", "cci-91-002"}; !slices.Equal(advisors, want) {
		t.Fatalf("advisors %v, want %v (the manager has no prevention role, cma-91-002 is absent)", advisors, want)
	}
	if n := h.count(`SELECT count(*) FROM difficulty_alert.outbox`); n != 1 {
		t.Fatalf("%d events in the outbox, want 1", n)
	}
	testkit.Eventually(t, 10*time.Second, "difficulty.case.opened published", func() (bool, error) {
		return h.count(`SELECT count(*) FROM difficulty_alert.outbox WHERE sent_at IS NOT NULL`) == 1, nil
	})
	stream, err := h.js.Stream(context.Background(), "DIFFICULTY")
	if err != nil {
		t.Fatal(err)
	}
	info, err := stream.Info(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if info.State.Msgs != 1 {
		t.Fatalf("%d messages in DIFFICULTY, want 1", info.State.Msgs)
	}
	msg, err := stream.GetLastMsgForSubject(context.Background(), "difficulty.case.opened.91")
	if err != nil {
		t.Fatal(err)
	}
	var opened events.DifficultyCaseOpened
	if err := json.Unmarshal(msg.Data, &opened); err != nil {
		t.Fatal(err)
	}
	if opened.CaseID != caseID || opened.RequestID != id || opened.Chamber != "CMA" || opened.SecondaryChamber != "CCI" ||
		!slices.Equal(opened.AdvisorIDs, advisors) || opened.Level != events.DifficultyCallBack {
		t.Fatalf("difficulty.case.opened = %+v", opened)
	}
	if n := h.count(`SELECT count(*) FROM difficulty_alert.advisors WHERE open_cases = 1 AND advisor_id IN ('cma-91-003', 'cci-91-002')`); n != 2 {
		t.Fatalf("%d assigned advisors carry the case, want 2", n)
	}
}

// TestPoisonReportIsDeadLetteredAndDoesNotBlock: a report whose payload can
// never be valid lands in DEADLETTER with its reason, and the report behind
// it opens its case.
func TestPoisonReportIsDeadLetteredAndDoesNotBlock(t *testing.T) {
	h := start(t)
	poison := h.event("intake", "not-a-uuid", reported("not-a-uuid", "CCI", ""))
	good := "01900000-0000-7000-8000-0000000000bb"
	for _, ev := range []events.Event{poison, h.event("intake", good, reported(good, "CCI", ""))} {
		if err := h.intake.Publish(context.Background(), ev); err != nil {
			t.Fatal(err)
		}
	}
	h.caseOf(good)
	dl, err := h.js.Stream(context.Background(), "DEADLETTER")
	if err != nil {
		t.Fatal(err)
	}
	var msg *jetstream.RawStreamMsg
	testkit.Eventually(t, 10*time.Second, "poison report in DEADLETTER", func() (bool, error) {
		msg, err = dl.GetLastMsgForSubject(context.Background(), "deadletter.difficulty-alert.intake.difficulty.reported.91")
		return err == nil, err
	})
	if got := msg.Header.Get(events.HeaderID); got != poison.ID {
		t.Fatalf("dead letter ce-id %q, want %q", got, poison.ID)
	}
	if reason := msg.Header.Get(events.HeaderDeadReason); !strings.Contains(reason, "request_id must be a UUID") {
		t.Fatalf("dead letter reason %q does not say why", reason)
	}
	if n := h.count(`SELECT count(*) FROM difficulty_alert.difficulty_cases`); n != 1 {
		t.Fatalf("%d cases, want only the good one", n)
	}
}

// TestReportRoutedNowhereOpensNoCase: a report routed to neither chamber is
// acknowledged without a case (nobody here may see it), and emits nothing.
func TestReportRoutedNowhereOpensNoCase(t *testing.T) {
	h := start(t)
	nowhere, after := "01900000-0000-7000-8000-0000000000cc", "01900000-0000-7000-8000-0000000000cd"
	p := reported(nowhere, "", "")
	p.Routing.RuleID = "liberal-profession"
	for _, ev := range []events.Event{h.event("intake", nowhere, p), h.event("intake", after, reported(after, "CCI", ""))} {
		if err := h.intake.Publish(context.Background(), ev); err != nil {
			t.Fatal(err)
		}
	}
	h.caseOf(after)
	h.ackFloor(2)
	if n := h.count(`SELECT count(*) FROM difficulty_alert.difficulty_cases WHERE request_id = $1`, nowhere); n != 0 {
		t.Fatalf("%d cases for a report routed nowhere", n)
	}
	if n := h.count(`SELECT count(*) FROM difficulty_alert.outbox`); n != 1 {
		t.Fatalf("%d events, want 1 (the routed report's)", n)
	}
}

func (h *harness) get(p *auth.Principal, path string) (int, string) {
	h.t.Helper()
	req, err := http.NewRequestWithContext(testkit.Context(h.t), http.MethodGet, h.url+path, nil)
	if err != nil {
		h.t.Fatal(err)
	}
	if p != nil {
		tok, err := h.idp.Issue(*p)
		if err != nil {
			h.t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		h.t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

// TestReportReadThroughTheAPI: end to end, a report becomes a case that the
// prevention cell reads with a provider's token, the read is audited with
// the request's trace id, and the chamber's manager finds it in the audit
// log but may not read the case itself.
func TestReportReadThroughTheAPI(t *testing.T) {
	h := start(t)
	h.advisor(events.AdvisorUpdated{AdvisorID: "cma-91-002", Chamber: "CMA", Roles: []string{"advisor", "prevention_cell"}})
	h.directory(1)
	id := "01900000-0000-7000-8000-0000000000ee"
	if err := h.intake.Publish(context.Background(), h.event("intake", id, reported(id, "CMA", ""))); err != nil {
		t.Fatal(err)
	}
	caseID, _ := h.caseOf(id)

	cell := auth.Principal{Subject: "cma-91-002", Chamber: "CMA", Roles: []auth.Role{auth.RoleAdvisor, auth.RolePreventionCell}}
	manager := auth.Principal{Subject: "cma-91-001", Chamber: "CMA", Roles: []auth.Role{auth.RoleAdvisor, auth.RoleManager}}
	if status, _ := h.get(nil, "/api/v1/difficulty-cases/"+caseID); status != 401 {
		t.Fatalf("without a token: %d, want 401", status)
	}
	if status, _ := h.get(&manager, "/api/v1/difficulty-cases/"+caseID); status != 403 {
		t.Fatalf("the manager reads the case: %d, want 403", status)
	}
	status, body := h.get(&cell, "/api/v1/difficulty-cases/"+caseID)
	if status != 200 || !strings.Contains(body, `"score":72`) || !strings.Contains(body, `"unpaid_social_debts"`) {
		t.Fatalf("the prevention cell reads the case: %d %s", status, body)
	}
	var trace string
	h.query(`SELECT trace_id FROM difficulty_alert.audit_log WHERE actor_id = 'cma-91-002' AND resource_id = $1 AND action = 'read'`,
		[]any{caseID}, &trace)
	if len(trace) != 32 {
		t.Fatalf("audit trace id %q, want the request's", trace)
	}
	status, body = h.get(&manager, "/api/v1/audit-log?resource_id="+caseID)
	if status != 200 || !strings.Contains(body, `"advisor_id":"cma-91-002"`) || !strings.Contains(body, trace) {
		t.Fatalf("the manager's audit log: %d %s", status, body)
	}
}

// TestNoWayToVerifyTokens: the service refuses to start with settings
// under which tokens cannot be verified safely (without any keys at all it
// starts, and its API answers 503: auth.TestNewGuard).
func TestNoWayToVerifyTokens(t *testing.T) {
	t.Parallel()
	cfg, err := service.LoadConfig()
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name, jwks, issuer, says string
	}{
		{"JWKS not a URL", "jwks.json", issuerName, "JWKS URL"},
		{"no issuer", "https://idp.test/jwks", "", "AUTH_ISSUER"},
	} {
		cfg.JWKSURL, cfg.Issuer, cfg.OIDCIssuer = tt.jwks, tt.issuer, ""
		if _, err := service.New(context.Background(), cfg, telemetry.Options{}); err == nil || !strings.Contains(err.Error(), tt.says) {
			t.Errorf("%s: New = %v, want an error naming %s", tt.name, err, tt.says)
		}
	}
}
