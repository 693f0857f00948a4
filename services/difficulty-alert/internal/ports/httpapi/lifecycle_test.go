package httpapi_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ccicma/platform/pkg/events"
	"github.com/ccicma/platform/pkg/testkit"

	"github.com/ccicma/platform/services/difficulty-alert/internal/app"
	"github.com/ccicma/platform/services/difficulty-alert/internal/domain/prevention"
)

// act posts a JSON body (or none) to path.
func (a *api) act(t *testing.T, token, path, body string) answer {
	t.Helper()
	return a.post(t, token, path, "application/json", body)
}

// caseView is the part of a case the lifecycle tests look at.
type caseView struct {
	CaseID      string   `json:"case_id"`
	RequestID   string   `json:"request_id"`
	Status      string   `json:"status"`
	StatusLabel string   `json:"status_label"`
	AdvisorIDs  []string `json:"advisor_ids"`
	TakenBy     string   `json:"taken_by"`
	ClosedBy    string   `json:"closed_by"`
	CloseReason string   `json:"close_reason"`
	CloseLabel  string   `json:"close_reason_label"`
	Actions     []struct {
		Kind         string `json:"kind"`
		KindLabel    string `json:"kind_label"`
		OccurredOn   string `json:"occurred_on"`
		AdvisorID    string `json:"advisor_id"`
		Outcome      string `json:"outcome"`
		OutcomeLabel string `json:"outcome_label"`
		OutcomeText  string `json:"outcome_text"`
	} `json:"actions"`
}

// outboxOf lists the payloads of type P in the outbox about case id.
func outboxOf[P events.Payload](t *testing.T, a *api, id string) []P {
	t.Helper()
	var zero P
	rows, err := a.pool.Query(testkit.Context(t), `SELECT payload FROM outbox WHERE topic LIKE $1 ORDER BY id`,
		zero.EventName().Subject("%"))
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []P
	for rows.Next() {
		var b []byte
		if err := rows.Scan(&b); err != nil {
			t.Fatal(err)
		}
		var p P
		if err := json.Unmarshal(b, &p); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(b), id) {
			out = append(out, p)
		}
	}
	return out
}

func (a *api) load(t *testing.T, advisorID string) int {
	t.Helper()
	var n int
	if err := a.pool.QueryRow(testkit.Context(t), `SELECT open_cases FROM advisors WHERE advisor_id = $1`, advisorID).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestCaseLifecycle: a case is taken in charge by its advisor or by a
// cell member of its chambers (who joins it), not by an outsider nor
// twice; every kind of action is recorded on it, with its outcome, in the
// case's timeline and as an event of codes only; it closes with a reason,
// after which it refuses everything.
func TestCaseLifecycle(t *testing.T) {
	t.Parallel()
	a := start(t, testkit.NewSchemas(t, "difficulty_alert"))
	caseB := "/api/v1/difficulty-cases/" + a.cases["B"] // CMA and CCI, assigned cma-91-010 and cci-91-002
	caseC := "/api/v1/difficulty-cases/" + a.cases["C"] // CCI, assigned cci-91-002
	cmaCellTok, cciCellTok, outsider := a.token(t, cmaCell), a.token(t, cciCell), a.token(t, cmaAdvisor)

	action := `{"kind": "call", "occurred_on": "2026-11-26", "outcome": "done"}`
	if got := a.act(t, cciCellTok, caseC+"/actions", action); got.status != 409 {
		t.Fatalf("an action before taking in charge: %d %s", got.status, got.body)
	}
	for name, tok := range map[string]string{"an outsider": outsider, "the other chamber's cell": cmaCellTok,
		"a manager": a.token(t, cmaManager)} {
		if got := a.act(t, tok, caseC+"/take-in-charge", ""); got.status != 403 {
			t.Errorf("%s takes C in charge: %d %s", name, got.status, got.body)
		}
	}
	// The CMA cell member is not assigned to B, but B is routed to the CMA.
	loadBefore := a.load(t, "cma-91-002")
	got := a.act(t, cmaCellTok, caseB+"/take-in-charge", "")
	if got.status != 200 || got.cache != "no-store" {
		t.Fatalf("take B in charge: %d %s", got.status, got.body)
	}
	b := decode[caseView](t, got)
	if b.Status != "taken_in_charge" || b.StatusLabel != "Pris en charge" || b.TakenBy != "cma-91-002" ||
		!slices.Equal(b.AdvisorIDs, []string{"cma-91-010", "cci-91-002", "cma-91-002"}) {
		t.Fatalf("B taken: %+v", b)
	}
	if a.load(t, "cma-91-002") != loadBefore+1 {
		t.Errorf("the cell member joining B is not counted in their load")
	}
	if got := a.act(t, a.token(t, cciCell), caseB+"/take-in-charge", ""); got.status != 409 {
		t.Errorf("B taken twice: %d %s", got.status, got.body)
	}
	taken := outboxOf[events.DifficultyCaseTakenInCharge](t, a, a.cases["B"])
	if len(taken) != 1 || taken[0].AdvisorID != "cma-91-002" || len(taken[0].AdvisorIDs) != 3 {
		t.Fatalf("taken_in_charge events: %+v", taken)
	}

	// Every kind, by either chamber's advisor.
	for i, k := range prevention.ActionKinds() {
		tok := cmaCellTok
		if i%2 == 1 {
			tok = cciCellTok
		}
		body := fmt.Sprintf(`{"kind": %q, "occurred_on": "2026-11-2%d", "outcome": "follow_up", "outcome_text": "Suite %d"}`, k, i%2+6, i)
		if got := a.act(t, tok, caseB+"/actions", body); got.status != 201 {
			t.Fatalf("action %s: %d %s", k, got.status, got.body)
		}
	}
	if got := a.act(t, outsider, caseB+"/actions", action); got.status != 403 {
		t.Errorf("an outsider's action: %d %s", got.status, got.body)
	}
	bad := a.act(t, cmaCellTok, caseB+"/actions", `{"kind": "lunch", "occurred_on": "2030-01-01", "outcome": "great", "outcome_text": "`+
		strings.Repeat("x", prevention.MaxOutcomeText+1)+`"}`)
	if p := decode[problem](t, bad); bad.status != 422 || len(p.Errors) != 4 {
		t.Errorf("an invalid action: %d %s", bad.status, bad.body)
	}
	b = decode[caseView](t, a.get(t, cciCellTok, caseB))
	if len(b.Actions) != len(prevention.ActionKinds()) {
		t.Fatalf("B has %d actions: %+v", len(b.Actions), b.Actions)
	}
	var kinds []string
	for i, act := range b.Actions {
		kinds = append(kinds, act.Kind)
		if act.KindLabel == act.Kind || act.OutcomeLabel != "Réalisé, suite à donner" || act.OutcomeText == "" || act.AdvisorID == "" ||
			(i > 0 && act.OccurredOn < b.Actions[i-1].OccurredOn) {
			t.Errorf("action %d: %+v", i, act)
		}
	}
	slices.Sort(kinds)
	want := []string{}
	for _, k := range prevention.ActionKinds() {
		want = append(want, string(k))
	}
	slices.Sort(want)
	if !slices.Equal(kinds, want) {
		t.Errorf("kinds %v, want %v", kinds, want)
	}
	recorded := outboxOf[events.DifficultyCaseActionRecorded](t, a, a.cases["B"])
	if len(recorded) != len(prevention.ActionKinds()) {
		t.Fatalf("%d action_recorded events", len(recorded))
	}
	var rows int
	if err := a.pool.QueryRow(testkit.Context(t), `SELECT count(*) FROM outbox WHERE convert_from(payload, 'UTF8') LIKE '%Suite%'`).Scan(&rows); err != nil || rows != 0 {
		t.Errorf("an event carries the advisor's account (%d rows, %v)", rows, err)
	}

	// Closing: an outsider cannot, an unknown reason is named, then the case
	// closes and refuses everything.
	if got := a.act(t, outsider, caseB+"/close", `{"reason": "recovered"}`); got.status != 403 {
		t.Errorf("an outsider closes B: %d", got.status)
	}
	if got := a.act(t, cmaCellTok, caseB+"/close", `{"reason": "bankrupt"}`); got.status != 422 || !strings.Contains(got.body, `"reason"`) {
		t.Errorf("an unknown reason: %d %s", got.status, got.body)
	}
	loads := map[string]int{}
	for _, id := range b.AdvisorIDs {
		loads[id] = a.load(t, id)
	}
	got = a.act(t, cciCellTok, caseB+"/close", `{"reason": "procedure_opened"}`)
	if b = decode[caseView](t, got); got.status != 200 || b.Status != "closed" || b.CloseReason != "procedure_opened" ||
		b.CloseLabel != "Procédure collective ouverte" || b.ClosedBy != "cci-91-002" || len(b.Actions) != len(prevention.ActionKinds()) {
		t.Fatalf("close B: %d %s", got.status, got.body)
	}
	for id, n := range loads {
		if a.load(t, id) != n-1 {
			t.Errorf("%s's load %d after closing, was %d", id, a.load(t, id), n)
		}
	}
	for path, body := range map[string]string{"/actions": action, "/take-in-charge": "", "/close": `{"reason": "recovered"}`} {
		if got := a.act(t, cmaCellTok, caseB+path, body); got.status != 409 {
			t.Errorf("%s on a closed case: %d %s", path, got.status, got.body)
		}
	}
	closed := outboxOf[events.DifficultyCaseClosed](t, a, a.cases["B"])
	if len(closed) != 1 || closed[0].Reason != "procedure_opened" || closed[0].From != "taken_in_charge" || closed[0].ClosedBy != "cci-91-002" {
		t.Fatalf("closed events: %+v", closed)
	}
}

// TestCloseEachReason: each reason closes a case, from opened as from
// taken in charge.
func TestCloseEachReason(t *testing.T) {
	t.Parallel()
	a := start(t, testkit.NewSchemas(t, "difficulty_alert"))
	tok := a.token(t, cmaCell)
	for i, r := range prevention.CloseReasons() {
		id := a.report(t, fmt.Sprintf("01900000-0000-7000-8000-0000000001%02d", i))
		path := "/api/v1/difficulty-cases/" + id
		if i%2 == 0 {
			if got := a.act(t, tok, path+"/take-in-charge", ""); got.status != 200 {
				t.Fatalf("take in charge: %d %s", got.status, got.body)
			}
		}
		got := a.act(t, tok, path+"/close", `{"reason": "`+string(r)+`"}`)
		c := decode[caseView](t, got)
		if got.status != 200 || c.CloseReason != string(r) || c.CloseLabel != r.Label() || c.Status != "closed" {
			t.Errorf("%s: %d %s", r, got.status, got.body)
		}
	}
}

// report opens the case of a self report routed to the CMA (assigned to
// the CMA's cell member, the least loaded) and returns its id.
func (a *api) report(t *testing.T, requestID string) string {
	t.Helper()
	ctx := testkit.Context(t)
	p := events.DifficultyReported{RequestID: requestID, Departement: "91", Kinds: []string{"cash_flow"}, QuestionnaireVersion: "q1",
		Score: 70, Level: events.DifficultyCallBack, Routing: events.Routing{LeadChamber: "CMA", RuleID: "test", Reason: "Test"}, ReportedAt: a.now}
	if err := (app.OpenCase{Cases: a.store, Now: a.clock}).Handle(ctx, event(t, requestID, p), p); err != nil {
		t.Fatal(err)
	}
	var id string
	if err := a.pool.QueryRow(ctx, `SELECT case_id::text FROM difficulty_cases WHERE request_id = $1 ORDER BY case_id DESC LIMIT 1`,
		requestID).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

// TestNewReportAfterClosing: a request has one open case: a second report
// while it is open opens nothing, a report after it closed opens a new
// case.
func TestNewReportAfterClosing(t *testing.T) {
	t.Parallel()
	a := start(t, testkit.NewSchemas(t, "difficulty_alert"))
	const req = "01900000-0000-7000-8000-0000000002aa"
	first := a.report(t, req)
	if again := a.report(t, req); again != first {
		t.Fatalf("a second report of an open case opened %s", again)
	}
	if got := a.act(t, a.token(t, cmaCell), "/api/v1/difficulty-cases/"+first+"/close", `{"reason": "declined_by_owner"}`); got.status != 200 {
		t.Fatalf("close: %d %s", got.status, got.body)
	}
	second := a.report(t, req)
	if second == first {
		t.Fatal("a report after closing opened no new case")
	}
	c := decode[caseView](t, a.get(t, a.token(t, cmaCell), "/api/v1/difficulty-cases/"+second))
	if c.Status != "opened" || c.RequestID != req {
		t.Fatalf("the new case: %+v", c)
	}
	var n int
	if err := a.pool.QueryRow(testkit.Context(t), `SELECT count(*) FROM difficulty_cases WHERE request_id = $1`, req).Scan(&n); err != nil || n != 2 {
		t.Fatalf("%d cases for the request (%v)", n, err)
	}
}

// TestLifecycleConfidentiality: an advisor neither assigned nor in the
// cell of the case's chambers gets the same 403 on a case as on an unknown
// one, whatever they try, and changes nothing; every change by those who
// may is in the audit log, with the read.
func TestLifecycleConfidentiality(t *testing.T) {
	t.Parallel()
	a := start(t, testkit.NewSchemas(t, "difficulty_alert"))
	caseC := "/api/v1/difficulty-cases/" + a.cases["C"]
	unknown := "/api/v1/difficulty-cases/01900000-0000-7000-8000-0000000000ff"
	before := a.auditCount(t)
	for _, p := range []string{"/take-in-charge", "/actions", "/close"} {
		body := map[string]string{"/actions": `{"kind": "call", "occurred_on": "2026-11-26", "outcome": "done"}`,
			"/close": `{"reason": "recovered"}`}[p]
		for _, tok := range []string{a.token(t, cmaAdvisor), a.token(t, cmaCell), a.token(t, cmaManager), a.token(t, cmaAdmin)} {
			got, none := a.act(t, tok, caseC+p, body), a.act(t, tok, unknown+p, body)
			if got.status != 403 || none.status != 403 || decode[problem](t, got).Detail != decode[problem](t, none).Detail {
				t.Errorf("%s by an outsider: %d %s / unknown %d %s", p, got.status, got.body, none.status, none.body)
			}
		}
	}
	if a.auditCount(t) != before {
		t.Errorf("refused changes were audited as reads")
	}
	if c := decode[caseView](t, a.get(t, a.token(t, cciCell), caseC)); c.Status != "opened" || len(c.Actions) != 0 {
		t.Fatalf("an outsider changed C: %+v", c)
	}
	tok := a.token(t, cciCell)
	for _, step := range []struct{ path, body string }{{"/take-in-charge", ""},
		{"/actions", `{"kind": "psychological_support", "occurred_on": "2026-11-26", "outcome": "done"}`}, {"/close", `{"reason": "recovered"}`}} {
		if got := a.act(t, tok, caseC+step.path, step.body); got.status/100 != 2 {
			t.Fatalf("%s: %d %s", step.path, got.status, got.body)
		}
	}
	log := decode[auditList](t, a.get(t, a.token(t, cciManager), "/api/v1/audit-log?resource_id="+a.cases["C"]))
	var actions []string
	for _, e := range log.Entries {
		if e.AdvisorID == "cci-91-002" {
			actions = append(actions, e.Action)
		}
	}
	if want := []string{"read", app.ActionTakeInCharge, app.ActionRecordAction, app.ActionClose}; !slices.Equal(actions, want) {
		t.Errorf("the audit log of C: %v, want %v", actions, want)
	}
}

func (a *api) clock() time.Time { return a.now }

// TestHandBack: « pas pour moi »: an assigned advisor hands a case back
// and it goes to the other prevention advisor of their chamber, loads
// moving with it; only an assigned advisor may, only before taking in
// charge; with nobody else available it goes to no one (the cell).
func TestHandBack(t *testing.T) {
	t.Parallel()
	a := start(t, testkit.NewSchemas(t, "difficulty_alert"))
	caseA := "/api/v1/difficulty-cases/" + a.cases["A"] // CMA, assigned cma-91-002
	caseC := "/api/v1/difficulty-cases/" + a.cases["C"] // CCI, assigned cci-91-002
	before002, before010 := a.load(t, "cma-91-002"), a.load(t, "cma-91-010")
	if got := a.act(t, a.token(t, cmaSpec), caseA+"/hand-back", `{"reason": "no_capacity"}`); got.status != 403 {
		t.Errorf("hand back by an advisor not assigned: %d %s", got.status, got.body)
	}
	got := a.act(t, a.token(t, cmaCell), caseA+"/hand-back", `{"reason": "conflict_of_interest"}`)
	if c := decode[caseView](t, got); got.status != 200 || !slices.Equal(c.AdvisorIDs, []string{"cma-91-010"}) || c.Status != "opened" {
		t.Fatalf("hand back A: %d %s", got.status, got.body)
	}
	if a.load(t, "cma-91-002") != before002-1 || a.load(t, "cma-91-010") != before010+1 {
		t.Errorf("loads after the hand-back: %d, %d", a.load(t, "cma-91-002"), a.load(t, "cma-91-010"))
	}
	evs := outboxOf[events.DifficultyCaseHandedBack](t, a, a.cases["A"])
	if len(evs) != 1 || evs[0].PreviousAdvisorID != "cma-91-002" || evs[0].AdvisorID != "cma-91-010" || evs[0].Reason != "conflict_of_interest" {
		t.Fatalf("handed_back events: %+v", evs)
	}
	// The cell member still reads it (the cell), but it is not theirs to
	// hand back any more.
	if got := a.act(t, a.token(t, cmaCell), caseA+"/hand-back", `{"reason": "no_capacity"}`); got.status != 403 {
		t.Errorf("hand back once handed back: %d %s", got.status, got.body)
	}
	if got := a.act(t, a.token(t, cmaSpec), caseA+"/take-in-charge", ""); got.status != 200 {
		t.Fatalf("take in charge: %d %s", got.status, got.body)
	}
	if got := a.act(t, a.token(t, cmaSpec), caseA+"/hand-back", `{"reason": "no_capacity"}`); got.status != 409 {
		t.Errorf("hand back once taken in charge: %d %s", got.status, got.body)
	}
	// Nobody else in the CCI: C goes to the cell.
	got = a.act(t, a.token(t, cciCell), caseC+"/hand-back", `{"reason": "absence"}`)
	if c := decode[caseView](t, got); got.status != 200 || len(c.AdvisorIDs) != 0 {
		t.Fatalf("hand back C: %d %s", got.status, got.body)
	}
}
