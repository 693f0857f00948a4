package httpapi_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/ccicma/platform/pkg/audit"
	"github.com/ccicma/platform/pkg/auth"
	"github.com/ccicma/platform/pkg/events"
	"github.com/ccicma/platform/pkg/testkit"
	"github.com/ccicma/platform/pkg/testkit/openapicheck"

	"github.com/ccicma/platform/services/difficulty-alert/internal/app"
	"github.com/ccicma/platform/services/difficulty-alert/internal/domain/prevention"
	"github.com/ccicma/platform/services/difficulty-alert/internal/domain/scoring"
	"github.com/ccicma/platform/services/difficulty-alert/internal/domain/signal"
	"github.com/ccicma/platform/services/difficulty-alert/internal/ports/httpapi"
)

// TestOpenAPIPathsAreTheRoutes: an endpoint cannot be added, removed or
// renamed without the document following, and the document is served.
func TestOpenAPIPathsAreTheRoutes(t *testing.T) {
	t.Parallel()
	guard, err := auth.NewGuard(t.Context(), auth.Config{}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	openapicheck.AssertDocumentsRoutes(t, httpapi.OpenAPI(), ".", httpapi.Routes{Auth: guard}.Handler())
}

// TestOpenAPIAgainstRealHandlers sends valid and invalid requests of
// every operation through the real handlers, on Postgres, validates each
// request and answer against the document, and requires every operation
// to have given every answer the document lists, the 503 of an audit log
// that cannot be written included.
func TestOpenAPIAgainstRealHandlers(t *testing.T) {
	t.Parallel()
	a := start(t, testkit.NewSchemas(t, "difficulty_alert"))
	c := openapicheck.New(t, httpapi.OpenAPI())
	const (
		rejects   = openapicheck.Rejects
		unchecked = openapicheck.Unchecked
	)
	var (
		cell    = a.token(t, cmaCell)
		spec    = a.token(t, cmaSpec)
		advisor = a.token(t, cmaAdvisor)
		manager = a.token(t, cmaManager)
	)
	caseA, caseB := "/api/v1/difficulty-cases/"+a.cases["A"], "/api/v1/difficulty-cases/"+a.cases["B"]
	observed := "/api/v1/difficulty-cases/" + a.observe(t)
	concerned := "/api/v1/difficulty-cases/" + a.concern(t)
	creationConcerned := "/api/v1/difficulty-cases/" + a.creationConcern(t)
	send := func(name string, call openapicheck.Call) openapicheck.Answer {
		t.Helper()
		var answer openapicheck.Answer
		t.Run(name, func(t *testing.T) {
			if call.Method == "" {
				call.Method = http.MethodGet
			}
			answer = c.Send(t, a.url, call)
		})
		return answer
	}
	send("the document", openapicheck.Call{Path: "/openapi.json", Status: 200})

	first := send("cases, one a page", openapicheck.Call{Path: "/api/v1/difficulty-cases?limit=1", Token: cell, Status: 200})
	var page struct {
		NextBefore string `json:"next_before"`
	}
	if err := json.Unmarshal(first.Body, &page); err != nil || page.NextBefore == "" {
		t.Fatalf("a full page without next_before: %s", first.Body)
	}
	send("cases, the next page", openapicheck.Call{Path: "/api/v1/difficulty-cases?limit=1&before=" + page.NextBefore, Token: cell, Status: 200})
	send("cases", openapicheck.Call{Path: "/api/v1/difficulty-cases", Token: spec, Status: 200})
	send("no cases", openapicheck.Call{Path: "/api/v1/difficulty-cases", Token: advisor, Status: 200})
	send("cases, bad parameters", openapicheck.Call{Path: "/api/v1/difficulty-cases?limit=0&before=x", Token: cell, Status: 400, Doc: rejects})
	send("cases without a token", openapicheck.Call{Path: "/api/v1/difficulty-cases", Status: 401, Doc: rejects})
	send("cases with a bad token", openapicheck.Call{Path: "/api/v1/difficulty-cases", Token: "not.a.token", Status: 401, Doc: unchecked})

	send("a case", openapicheck.Call{Path: caseA, Token: cell, Status: 200})
	send("a case observed at a checkpoint", openapicheck.Call{Path: observed, Token: cell, Status: 200})
	send("a case of a takeover advisor's concern", openapicheck.Call{Path: concerned, Token: cell, Status: 200})
	send("a case of a creation advisor's concern", openapicheck.Call{Path: creationConcerned, Token: cell, Status: 200})
	send("a shared case", openapicheck.Call{Path: caseB, Token: a.token(t, cciCell), Status: 200})
	send("a case not assigned", openapicheck.Call{Path: caseA, Token: advisor, Status: 403})
	send("an unknown case", openapicheck.Call{Path: "/api/v1/difficulty-cases/01900000-0000-7000-8000-0000000000ff", Token: cell, Status: 403})
	send("not a case id", openapicheck.Call{Path: "/api/v1/difficulty-cases/not-a-uuid", Token: cell, Status: 404, Doc: rejects})
	send("a case without a token", openapicheck.Call{Path: caseA, Status: 401, Doc: rejects})

	filters := url.Values{"resource_id": {a.cases["A"]}, "advisor_id": {cmaCell.Subject}, "since": {"2020-01-01T00:00:00Z"},
		"until": {"2100-01-01T00:00:00Z"}, "limit": {"1"}}
	send("the audit log", openapicheck.Call{Path: "/api/v1/audit-log", Token: manager, Status: 200})
	send("the audit log, filtered", openapicheck.Call{Path: "/api/v1/audit-log?" + filters.Encode(), Token: manager, Status: 200})
	send("the audit log, next page", openapicheck.Call{Path: "/api/v1/audit-log?after=1&limit=2", Token: manager, Status: 200})
	send("the audit log, bad parameters", openapicheck.Call{Path: "/api/v1/audit-log?limit=0&since=demain", Token: manager, Status: 400, Doc: rejects})
	send("the audit log, an id with a space", openapicheck.Call{Path: "/api/v1/audit-log?advisor_id=a%20b", Token: manager, Status: 400, Doc: rejects})
	send("the audit log, an advisor", openapicheck.Call{Path: "/api/v1/audit-log", Token: advisor, Status: 403})
	send("the audit log without a token", openapicheck.Call{Path: "/api/v1/audit-log", Status: 401, Doc: rejects})

	const imports = "/api/v1/bodacc-imports"
	post := func(name, contentType, body string, token string, status int, doc openapicheck.Doc) {
		t.Helper()
		send(name, openapicheck.Call{Method: http.MethodPost, Path: imports, ContentType: contentType, Body: body, Token: token, Status: status, Doc: doc})
	}
	jsonFile, csvFile := bodacc(t, "procedures-collectives.json"), bodacc(t, "procedures-collectives.csv")
	post("a JSON import", "application/json", jsonFile, cell, 200, openapicheck.Accepts)
	post("a CSV import", "text/csv", csvFile, cell, 200, openapicheck.Accepts)
	post("an import, not an export", "application/json", `{"records": []}`, cell, 400, rejects)
	post("an import too large", "text/csv", strings.Repeat("x", 1<<16+1), cell, 413, openapicheck.Accepts)
	post("an import in XML", "application/xml", "<avis/>", cell, 415, rejects)
	post("an import by an advisor", "application/json", jsonFile, advisor, 403, openapicheck.Accepts)
	post("an import without a token", "application/json", jsonFile, "", 401, rejects)
	signals := "/api/v1/businesses/830249439/signals"
	send("a business's signals", openapicheck.Call{Path: signals, Token: cell, Status: 200})
	send("a business without signals", openapicheck.Call{Path: "/api/v1/businesses/443061841/signals", Token: cell, Status: 200})
	send("signals, not a SIREN", openapicheck.Call{Path: "/api/v1/businesses/8302494/signals", Token: cell, Status: 404, Doc: rejects})
	send("signals, a SIREN failing its key", openapicheck.Call{Path: "/api/v1/businesses/830249437/signals", Token: cell, Status: 404, Doc: unchecked})
	send("signals, a manager", openapicheck.Call{Path: signals, Token: manager, Status: 403})
	send("signals without a token", openapicheck.Call{Path: signals, Status: 401, Doc: rejects})

	const businesses, score = "/api/v1/businesses", "/api/v1/businesses/830249439/score"
	firstBusiness := send("the cell's businesses, one a page", openapicheck.Call{Path: businesses + "?limit=1", Token: cell, Status: 200})
	var businessPage struct {
		NextAfter string `json:"next_after"`
	}
	if err := json.Unmarshal(firstBusiness.Body, &businessPage); err != nil || businessPage.NextAfter == "" {
		t.Fatalf("a full page of businesses without next_after: %s", firstBusiness.Body)
	}
	send("businesses, the next page", openapicheck.Call{Path: businesses + "?limit=1&after=" + url.QueryEscape(businessPage.NextAfter), Token: cell, Status: 200})
	var firstPage struct {
		Businesses []struct {
			BusinessID string `json:"business_id"`
			Score      int    `json:"score"`
		} `json:"businesses"`
	}
	if err := json.Unmarshal(firstBusiness.Body, &firstPage); err != nil || len(firstPage.Businesses) != 1 {
		t.Fatalf("first page: %s", firstBusiness.Body)
	}
	byNumberCursor := fmt.Sprintf("%d:%s", firstPage.Businesses[0].Score, firstPage.Businesses[0].BusinessID)
	next := send("businesses, the next page by number", openapicheck.Call{Path: businesses + "?limit=1&after=" + url.QueryEscape(byNumberCursor),
		Token: cell, Status: 200})
	if bySIREN := send("businesses, the next page again", openapicheck.Call{Path: businesses + "?limit=1&after=" + url.QueryEscape(businessPage.NextAfter),
		Token: cell, Status: 200}); string(bySIREN.Body) != string(next.Body) {
		t.Errorf("the cursor by number gives %s, by SIREN %s", next.Body, bySIREN.Body)
	}
	send("businesses at a level", openapicheck.Call{Path: businesses + "?level=moderate", Token: cell, Status: 200})
	send("businesses, bad parameters", openapicheck.Call{Path: businesses + "?level=orange&limit=0&after=x", Token: cell, Status: 400, Doc: rejects})
	send("businesses, a manager", openapicheck.Call{Path: businesses, Token: manager, Status: 403})
	send("businesses without a token", openapicheck.Call{Path: businesses, Status: 401, Doc: rejects})
	send("a business's score", openapicheck.Call{Path: score, Token: cell, Status: 200})
	send("a business never signalled", openapicheck.Call{Path: "/api/v1/businesses/732829320/score", Token: cell, Status: 200})
	send("score, not a SIREN", openapicheck.Call{Path: "/api/v1/businesses/73282932/score", Token: cell, Status: 404, Doc: rejects})
	send("score, an advisor", openapicheck.Call{Path: score, Token: advisor, Status: 403})
	send("score without a token", openapicheck.Call{Path: score, Status: 401, Doc: rejects})
	// Case A's business is known once its self report's signal is: the
	// case reads with it; the cell reads it by its number.
	a.identify(t, "01900000-0000-7000-8000-000000000001", "830249439")
	send("a case with its business", openapicheck.Call{Path: caseA, Token: cell, Status: 200})
	var number string
	if err := a.pool.QueryRow(testkit.Context(t), `SELECT business_id::text FROM businesses WHERE siren = '830249439'`).Scan(&number); err != nil {
		t.Fatal(err)
	}
	byNumber := "/api/v1/business-views/" + number
	send("a business by number", openapicheck.Call{Path: byNumber, Token: cell, Status: 200})
	send("by number, unknown", openapicheck.Call{Path: "/api/v1/business-views/01900000-0000-7000-8000-0000000000ff", Token: cell, Status: 404})
	send("by number, not a number", openapicheck.Call{Path: "/api/v1/business-views/830249439", Token: cell, Status: 404, Doc: rejects})
	send("by number, an advisor", openapicheck.Call{Path: byNumber, Token: advisor, Status: 403})
	send("by number without a token", openapicheck.Call{Path: byNumber, Status: 401, Doc: rejects})
	// The lifecycle: take in charge, record actions, close.
	postTo := func(name, path, body, token string, status int, doc openapicheck.Doc) {
		t.Helper()
		ct := ""
		if body != "" {
			ct = "application/json"
		}
		send(name, openapicheck.Call{Method: http.MethodPost, Path: path, ContentType: ct, Body: body, Token: token, Status: status, Doc: doc})
	}
	accepts := openapicheck.Accepts
	caseC := "/api/v1/difficulty-cases/" + a.cases["C"]
	postTo("take in charge", caseA+"/take-in-charge", "", cell, 200, accepts)
	postTo("take in charge twice", caseA+"/take-in-charge", "", cell, 409, accepts)
	postTo("take in charge, not assigned", caseB+"/take-in-charge", "", advisor, 403, accepts)
	postTo("take in charge, not a case id", "/api/v1/difficulty-cases/x/take-in-charge", "", cell, 404, rejects)
	postTo("take in charge, a body", caseA+"/take-in-charge", `{"x": 1}`, cell, 400, unchecked)
	postTo("take in charge without a token", caseA+"/take-in-charge", "", "", 401, rejects)
	postTo("take in charge, an observed case", observed+"/take-in-charge", "", cell, 200, accepts)
	action := `{"kind": "referral_ccsf", "occurred_on": "2026-11-26", "outcome": "follow_up", "outcome_text": "Plan d'apurement demandé."}`
	postTo("an action", caseA+"/actions", action, cell, 201, accepts)
	postTo("an action, invalid", caseA+"/actions", `{"kind": "lunch", "occurred_on": "demain", "outcome": "done"}`, cell, 422, rejects)
	postTo("an action, unreadable", caseA+"/actions", `{"kind": 1}`, cell, 400, rejects)
	postTo("an action, not taken in charge", caseC+"/actions", action, a.token(t, cciCell), 409, accepts)
	postTo("an action, not assigned", caseA+"/actions", action, advisor, 403, accepts)
	postTo("an action, not a case id", "/api/v1/difficulty-cases/x/actions", action, cell, 404, rejects)
	postTo("an action without a token", caseA+"/actions", action, "", 401, rejects)
	postTo("close, unknown reason", caseA+"/close", `{"reason": "bankrupt"}`, cell, 422, rejects)
	postTo("close, unreadable", caseA+"/close", `{"reason": "recovered", "x": 1}`, cell, 400, rejects)
	postTo("close, not assigned", caseA+"/close", `{"reason": "recovered"}`, advisor, 403, accepts)
	postTo("close, not a case id", "/api/v1/difficulty-cases/x/close", `{"reason": "recovered"}`, cell, 404, rejects)
	postTo("close without a token", caseA+"/close", `{"reason": "recovered"}`, "", 401, rejects)
	postTo("close", caseA+"/close", `{"reason": "recovered"}`, cell, 200, accepts)
	postTo("close twice", caseA+"/close", `{"reason": "recovered"}`, cell, 409, accepts)
	send("a closed case with its action", openapicheck.Call{Path: caseA, Token: cell, Status: 200})
	// Hand-back: case C is assigned to the CCI's cell member.
	cciTok := a.token(t, cciCell)
	postTo("hand back, unknown reason", caseC+"/hand-back", `{"reason": "bored"}`, cciTok, 422, rejects)
	postTo("hand back, unreadable", caseC+"/hand-back", `{"reason": 1}`, cciTok, 400, rejects)
	postTo("hand back, not assigned", caseC+"/hand-back", `{"reason": "no_capacity"}`, cell, 403, accepts)
	postTo("hand back, not a case id", "/api/v1/difficulty-cases/x/hand-back", `{"reason": "no_capacity"}`, cciTok, 404, rejects)
	postTo("hand back without a token", caseC+"/hand-back", `{"reason": "no_capacity"}`, "", 401, rejects)
	postTo("hand back, closed", caseA+"/hand-back", `{"reason": "no_capacity"}`, cell, 409, accepts)
	postTo("hand back", caseC+"/hand-back", `{"reason": "conflict_of_interest"}`, cciTok, 200, accepts)
	partnerOpenAPICalls(t, a, send)

	// With the signals' table down, an import fails whole: 503.
	a.adminExec(t, `ALTER TABLE `+a.schema+`.bodacc_notices RENAME TO bodacc_notices_down`)
	post("an import, database down", "application/json", jsonFile, cell, 503, openapicheck.Accepts)
	a.adminExec(t, `ALTER TABLE `+a.schema+`.bodacc_notices_down RENAME TO bodacc_notices`)

	// With the audit log down, nothing is read: 503 on every route.
	a.adminExec(t, `ALTER TABLE `+a.schema+`.audit_log RENAME TO audit_log_down`)
	send("cases, audit log down", openapicheck.Call{Path: "/api/v1/difficulty-cases", Token: cell, Status: 503})
	send("a case, audit log down", openapicheck.Call{Path: caseA, Token: cell, Status: 503})
	send("the audit log, down", openapicheck.Call{Path: "/api/v1/audit-log", Token: manager, Status: 503})
	send("signals, audit log down", openapicheck.Call{Path: signals, Token: cell, Status: 503})
	send("businesses, audit log down", openapicheck.Call{Path: businesses, Token: cell, Status: 503})
	send("a score, audit log down", openapicheck.Call{Path: score, Token: cell, Status: 503})
	send("a business by number, audit log down", openapicheck.Call{Path: byNumber, Token: cell, Status: 503})
	postTo("take in charge, audit log down", caseB+"/take-in-charge", "", a.token(t, cciCell), 503, accepts)
	postTo("an action, audit log down", observed+"/actions", action, cell, 503, accepts)
	postTo("close, audit log down", observed+"/close", `{"reason": "recovered"}`, cell, 503, accepts)
	postTo("hand back, audit log down", caseB+"/hand-back", `{"reason": "absence"}`, a.token(t, cciCell), 503, accepts)
	a.adminExec(t, `ALTER TABLE `+a.schema+`.audit_log_down RENAME TO audit_log`)

	c.AssertCovered(t)
}

// TestOpenAPIMatchesTheDomain: the codes the document lists are the
// domain's, so neither can change alone.
func TestOpenAPIMatchesTheDomain(t *testing.T) {
	t.Parallel()
	var doc struct {
		Components struct {
			Schemas map[string]struct {
				Properties map[string]struct {
					Enum []string `json:"enum"`
				} `json:"properties"`
			} `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(httpapi.OpenAPI(), &doc); err != nil {
		t.Fatal(err)
	}
	s := doc.Components.Schemas
	for _, tt := range []struct {
		name      string
		got, want []string
	}{
		{"status", s["Case"].Properties["status"].Enum, []string{string(prevention.StatusOpened), string(prevention.StatusTakenInCharge), string(prevention.StatusClosed)}},
		{"close reason", s["Case"].Properties["close_reason"].Enum, strs(prevention.CloseReasons())},
		{"action kind", s["Action"].Properties["kind"].Enum, strs(prevention.ActionKinds())},
		{"action outcome", s["Action"].Properties["outcome"].Enum, strs(prevention.Outcomes())},
		{"level", s["Case"].Properties["level"].Enum, []string{events.DifficultyNone, events.DifficultyVigilance, events.DifficultyCallBack}},
		{"source", s["Case"].Properties["source"].Enum, []string{string(prevention.SourceSelfReport), string(prevention.SourceAdvisorObservation), string(prevention.SourceScore)}},
		{"action", s["AuditEntry"].Properties["action"].Enum, []string{app.ActionList, app.ActionRead, app.ActionTakeInCharge, app.ActionRecordAction, app.ActionClose, app.ActionHandBack}},
		{"hand-back reason", s["HandBackInput"].Properties["reason"].Enum, prevention.HandBackReasons()},
		{"resource", s["AuditEntry"].Properties["resource"].Enum, []string{app.ResourceCase, app.ResourceBusinessSignals, app.ResourceBusinessScore}},
		{"business level", s["BusinessSummary"].Properties["level"].Enum, strs(scoring.Levels())},
		{"score level", s["BusinessScore"].Properties["level"].Enum, strs(scoring.Levels())},
		{"contribution theme", s["Contribution"].Properties["theme"].Enum, strs(signal.Themes())},
		{"signal source", s["Signal"].Properties["source"].Enum, strs(signal.Sources())},
		{"signal theme", s["Signal"].Properties["theme"].Enum, strs(signal.Themes())},
		{"signal status", s["Signal"].Properties["status"].Enum, []string{string(signal.StatusActive), string(signal.StatusReplaced), string(signal.StatusWithdrawn)}},
		{"procedure", s["Signal"].Properties["procedure"].Enum, strs(signal.Procedures())},
		{"court state", s["CourtState"].Properties["procedure"].Enum, strs(signal.Procedures())},
		{"rejection reason", s["Rejection"].Properties["reason"].Enum, []string{signal.ReasonMalformed, signal.ReasonReference, signal.ReasonType,
			signal.ReasonDate, signal.ReasonSIREN, signal.ReasonJugement, signal.ReasonPrevious, signal.ReasonUnknown}},
	} {
		if !slices.Equal(tt.got, tt.want) {
			t.Errorf("%s: the document lists %q, the domain %q", tt.name, tt.got, tt.want)
		}
	}
	var limits struct {
		Paths map[string]struct {
			Get struct {
				Parameters []struct {
					Name   string `json:"name"`
					Schema struct {
						Maximum int `json:"maximum"`
					} `json:"schema"`
				} `json:"parameters"`
			} `json:"get"`
		} `json:"paths"`
	}
	if err := json.Unmarshal(httpapi.OpenAPI(), &limits); err != nil {
		t.Fatal(err)
	}
	for _, p := range limits.Paths["/api/v1/audit-log"].Get.Parameters {
		if p.Name == "limit" && p.Schema.Maximum != audit.MaxLimit {
			t.Errorf("audit-log limit: the document allows %d, pkg/audit %d", p.Schema.Maximum, audit.MaxLimit)
		}
	}
}

func strs[T ~string](xs []T) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = string(x)
	}
	return out
}
