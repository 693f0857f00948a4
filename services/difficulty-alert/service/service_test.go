package service_test

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ccicma/platform/pkg/auth"
	"github.com/ccicma/platform/pkg/events"
	"github.com/ccicma/platform/pkg/telemetry"
	"github.com/ccicma/platform/pkg/testkit"

	"github.com/ccicma/platform/services/difficulty-alert/service"
)

const issuerName = "https://idp.test/realms/ccicma"

// harness runs difficulty-alert on real Postgres and NATS, publishes as
// intake and advisor-desk would, and issues tokens as an OIDC provider
// whose JWKS the service fetches over HTTP.
type harness struct {
	*testkit.Harness
	t   *testing.T
	idp *auth.Issuer
}

func start(t *testing.T) *harness {
	t.Helper()
	h := &harness{Harness: testkit.NewHarness(t, service.Name, service.Schema), t: t}
	cfg := testkit.Load(h.Harness, service.LoadConfig)
	h.idp = h.Trust(t, &cfg.AuthConfig, issuerName)
	h.Serve(service.New(h.Ctx, cfg, testkit.Quiet()))
	return h
}

// advisor publishes a directory entry covering département 91.
func (h *harness) advisor(p events.AdvisorUpdated) {
	h.t.Helper()
	p.Departements, p.Capacity, p.Active, p.UpdatedAt = []string{"91"}, 10, true, time.Now()
	if p.Revision == 0 {
		p.Revision = 1
	}
	h.Publish(h.t, h.Event(h.t, "advisor-desk", p.AdvisorID, p))
}

func (h *harness) directory(n int) {
	h.t.Helper()
	h.DB.WaitCount(h.t, "directory projected", n, `SELECT count(*) FROM difficulty_alert.advisors`)
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
	h.DB.WaitCount(h.t, "case of "+requestID+" opened", 1, `SELECT count(*) FROM difficulty_alert.difficulty_cases WHERE request_id = $1`, requestID)
	h.DB.Scan(h.t, `SELECT case_id::text, advisor_ids FROM difficulty_alert.difficulty_cases WHERE request_id = $1`, []any{requestID}, &id, &advisors)
	return id, advisors
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
	ev := h.Event(t, "intake", id, reported(id, "CMA", "CCI"))
	h.PublishCopy(t, ev, "first-copy")
	h.CaughtUp(t, h.PublishCopy(t, ev, "second-copy"))
	caseID, advisors := h.caseOf(id)
	if want := []string{"cma-91-003", "cci-91-002"}; !slices.Equal(advisors, want) {
		t.Fatalf("advisors %v, want %v (the manager has no prevention role, cma-91-002 is absent)", advisors, want)
	}
	if n := h.DB.Count(t, `SELECT count(*) FROM difficulty_alert.outbox`); n != 1 {
		t.Fatalf("%d events in the outbox, want 1", n)
	}
	if subjects := h.Published(t, events.StreamDifficulty); len(subjects) != 1 || subjects["difficulty.case.opened.91"] != 1 {
		t.Fatalf("DIFFICULTY holds %v, want one difficulty.case.opened.91", subjects)
	}
	var opened events.DifficultyCaseOpened
	h.LastEvent(t, events.StreamDifficulty, "difficulty.case.opened.91", &opened)
	if opened.CaseID != caseID || opened.RequestID != id || opened.Chamber != "CMA" || opened.SecondaryChamber != "CCI" ||
		!slices.Equal(opened.AdvisorIDs, advisors) || opened.Level != events.DifficultyCallBack {
		t.Fatalf("difficulty.case.opened = %+v", opened)
	}
	if n := h.DB.Count(t, `SELECT count(*) FROM difficulty_alert.advisors WHERE open_cases = 1 AND advisor_id IN ('cma-91-003', 'cci-91-002')`); n != 2 {
		t.Fatalf("%d assigned advisors carry the case, want 2", n)
	}
}

// TestDifficultySeenAtACheckpointOpensOneCallBackCase: creation-support's
// creation.case.difficulty_seen, read from CREATION, opens a call-back
// case of source advisor_observation for the creation case's chambers,
// assigned to a prevention advisor of each, and announced once on
// DIFFICULTY with its source; the same event again (past JetStream's
// de-duplication) and a later checkpoint of the same creation case open
// nothing more.
func TestDifficultySeenAtACheckpointOpensOneCallBackCase(t *testing.T) {
	h := start(t)
	h.advisor(events.AdvisorUpdated{AdvisorID: "cma-91-003", Chamber: "CMA", Roles: []string{"advisor", "prevention_cell"}})
	h.advisor(events.AdvisorUpdated{AdvisorID: "cci-91-002", Chamber: "CCI", Roles: []string{"advisor"}, Specialities: []string{"difficulty"}})
	h.advisor(events.AdvisorUpdated{AdvisorID: "cma-91-007", Chamber: "CMA", Roles: []string{"advisor"}, Specialities: []string{"creation"}})
	h.directory(3)

	request, creationCase := "01900000-0000-7000-8000-0000000000d1", "01950000-0000-7000-8000-0000000000d1"
	seen := func(i int, label string) events.CreationCaseDifficultySeen {
		return events.CreationCaseDifficultySeen{CaseID: creationCase, RequestID: request, Chamber: "CMA", SecondaryChamber: "CCI",
			AdvisorID: "cma-91-007", NAFCode: "10.71C", NAFVersion: "NAFRev2", Departement: "91", CheckpointIndex: i,
			CheckpointLabel: label, SeenAt: time.Now()}
	}
	first := h.Event(t, "creation-support", creationCase, seen(0, "6 mois"))
	h.PublishCopy(t, first, "first-copy")
	h.PublishCopy(t, first, "second-copy")
	h.CaughtUp(t, h.Publish(t, h.Event(t, "creation-support", creationCase, seen(1, "1 an"))))
	caseID, advisors := h.caseOf(request)
	if want := []string{"cma-91-003", "cci-91-002"}; !slices.Equal(advisors, want) {
		t.Fatalf("advisors %v, want %v (the creation advisor is no prevention advisor)", advisors, want)
	}
	var source, level, checkpoint, linked string
	h.DB.Scan(t, `SELECT source, level, checkpoint, creation_case_id::text FROM difficulty_alert.difficulty_cases WHERE case_id = $1`,
		[]any{caseID}, &source, &level, &checkpoint, &linked)
	if source != "advisor_observation" || level != events.DifficultyCallBack || checkpoint != "6 mois" || linked != creationCase {
		t.Fatalf("case: source %s, level %s, checkpoint %s, creation case %s", source, level, checkpoint, linked)
	}
	if n := h.DB.Count(t, `SELECT count(*) FROM difficulty_alert.difficulty_cases`); n != 1 {
		t.Fatalf("%d cases, want 1", n)
	}
	if subjects := h.Published(t, events.StreamDifficulty); len(subjects) != 1 || subjects["difficulty.case.opened.91"] != 1 {
		t.Fatalf("DIFFICULTY holds %v, want one difficulty.case.opened.91", subjects)
	}
	var opened events.DifficultyCaseOpened
	h.LastEvent(t, events.StreamDifficulty, "difficulty.case.opened.91", &opened)
	if opened.CaseID != caseID || opened.RequestID != request || opened.Chamber != "CMA" || opened.SecondaryChamber != "CCI" ||
		opened.Level != events.DifficultyCallBack || opened.Source != events.DifficultySourceAdvisorObservation ||
		!slices.Equal(opened.AdvisorIDs, advisors) {
		t.Fatalf("difficulty.case.opened = %+v", opened)
	}
}

// TestPoisonReportIsDeadLetteredAndDoesNotBlock: a report whose payload can
// never be valid lands in DEADLETTER with its reason, and the report behind
// it opens its case.
func TestPoisonReportIsDeadLetteredAndDoesNotBlock(t *testing.T) {
	h := start(t)
	poison := h.Event(t, "intake", "not-a-uuid", reported("not-a-uuid", "CCI", ""))
	good := "01900000-0000-7000-8000-0000000000bb"
	h.Publish(t, poison, h.Event(t, "intake", good, reported(good, "CCI", "")))
	h.caseOf(good)
	if reason := h.DeadLetter(t, poison); !strings.Contains(reason, "request_id must be a UUID") {
		t.Fatalf("dead letter reason %q does not say why", reason)
	}
	if n := h.DB.Count(t, `SELECT count(*) FROM difficulty_alert.difficulty_cases`); n != 1 {
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
	sent := h.Publish(t, h.Event(t, "intake", nowhere, p), h.Event(t, "intake", after, reported(after, "CCI", "")))
	h.caseOf(after)
	h.CaughtUp(t, sent)
	if n := h.DB.Count(t, `SELECT count(*) FROM difficulty_alert.difficulty_cases WHERE request_id = $1`, nowhere); n != 0 {
		t.Fatalf("%d cases for a report routed nowhere", n)
	}
	if n := h.DB.Count(t, `SELECT count(*) FROM difficulty_alert.outbox`); n != 1 {
		t.Fatalf("%d events, want 1 (the routed report's)", n)
	}
}

// get reads path with a token of p (none if p is nil).
func (h *harness) get(p *auth.Principal, path string) (int, string) {
	h.t.Helper()
	token := ""
	if p != nil {
		tok, err := h.idp.Issue(*p)
		if err != nil {
			h.t.Fatal(err)
		}
		token = tok.AccessToken
	}
	a := h.Call(h.t, http.MethodGet, path, token, "")
	return a.Status, a.Body
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
	h.Publish(t, h.Event(t, "intake", id, reported(id, "CMA", "")))
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
	h.DB.Scan(t, `SELECT trace_id FROM difficulty_alert.audit_log WHERE actor_id = 'cma-91-002' AND resource_id = $1 AND action = 'read'`,
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

// identifiedReport is intake's confidential event for a report: the
// business's SIREN (and SIRET) with the self-diagnosis.
func identifiedReport(requestID, sirenNum string) events.PreventionReportIdentified {
	return events.PreventionReportIdentified{RequestID: requestID, SIREN: sirenNum, SIRET: sirenNum + "00074", Score: 72,
		Level: events.DifficultyCallBack, QuestionnaireVersion: "q1", IdentifiedAt: time.Date(2026, 3, 2, 23, 30, 0, 0, time.UTC)}
}

// TestIdentifiedSignalsFromTheConfidentialStreamStoredOnce: intake's and
// creation-support's events on PREVENTION become one signal each, with
// their source, theme, kind, strength and expiry; the same events again
// (a redelivery past de-duplication, and a replay under new event ids)
// store nothing more; an event whose SIREN fails its key is dead-lettered
// with the reason, without the number, and does not block the ones
// behind it.
func TestIdentifiedSignalsFromTheConfidentialStreamStoredOnce(t *testing.T) {
	h := start(t)
	reportID, caseID, requestID := "01900000-0000-7000-8000-0000000000e1", "01900000-0000-7000-8000-0000000000e2", "01900000-0000-7000-8000-0000000000e3"
	report := h.Event(t, "intake", reportID, identifiedReport(reportID, "732829320"))
	observation := events.PreventionObservationIdentified{CaseID: caseID, RequestID: requestID, CheckpointIndex: 1, SIREN: "552100554",
		ObservedAt: time.Date(2026, 6, 3, 14, 0, 0, 0, time.UTC)}
	observed := h.Event(t, "creation-support", caseID, observation)
	bad := "01900000-0000-7000-8000-0000000000e4"
	poison := h.Event(t, "intake", bad, identifiedReport(bad, "732829321")) // Luhn key wrong
	if report.Topic != "prevention.report.identified.91" || observed.Topic != "prevention.observation.identified.91" {
		t.Fatalf("topics %s, %s", report.Topic, observed.Topic)
	}
	h.Publish(t, report, poison, observed)
	h.PublishCopy(t, report, "01900000-0000-7000-8000-0000000000f1") // redelivered: same ce-id
	replay := []events.Event{
		h.Event(t, "intake", reportID, identifiedReport(reportID, "732829320")), // a new ce-id
		h.Event(t, "creation-support", caseID, observation),
	}
	h.CaughtUp(t, h.Publish(t, replay...))

	if reason := h.DeadLetter(t, poison); !strings.Contains(reason, "siren must be 9 digits with a valid key") || strings.Contains(reason, "732829321") {
		t.Errorf("dead letter reason %q: want why, without the number", reason)
	}
	type row struct {
		source, kind, theme, siren, siret, ref string
		on, expires                            string
		strength                               int
	}
	var got []row
	rows, err := h.DB.Query(h.Ctx, `SELECT source, kind, theme, siren, coalesce(siret, ''), source_ref, occurred_on::text, expires_on::text, strength
		FROM difficulty_alert.signals ORDER BY source DESC`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.source, &r.kind, &r.theme, &r.siren, &r.siret, &r.ref, &r.on, &r.expires, &r.strength); err != nil {
			t.Fatal(err)
		}
		got = append(got, r)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	want := []row{
		{"self_report", "self_diagnosis_call_back", "self_assessment", "732829320", "73282932000074", reportID, "2026-03-02", "2027-03-02", 72},
		{"advisor_observation", "checkpoint_difficulties", "finances", "552100554", "", caseID + "/1", "2026-06-03", "2027-06-03", 60},
	}
	if !slices.Equal(got, want) {
		t.Fatalf("signals\n%v\nwant\n%v", got, want)
	}
	// The SIRENs did not leave the service: the events the signals caused
	// (their businesses' level changes) name the businesses by number.
	if n := h.DB.Count(t, `SELECT count(*) FROM difficulty_alert.outbox WHERE convert_from(payload, 'UTF8') ~ '732829320|552100554'`); n != 0 {
		t.Errorf("%d events carry a SIREN", n)
	}
}

// TestScoringRulesFile: rules named by SCORING_RULES_FILE replace the
// embedded ones (their version and thresholds show in the scores and in
// the level_changed events published on NATS), a bad file stops the start
// with an error naming the file and the key, and so does a period of the
// daily rescoring that is not one.
func TestScoringRulesFile(t *testing.T) {
	embedded, err := os.ReadFile("../internal/domain/scoring/rules.json")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	write := func(name string, replace ...string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(strings.NewReplacer(replace...).Replace(string(embedded))), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	cfg, err := service.LoadConfig()
	if err != nil {
		t.Fatal(err)
	}
	bad := write("bad.json", `"cap": 60`, `"cap": 0`)
	cfg.ScoringRulesFile = bad
	if _, err := service.New(testkit.Context(t), cfg, telemetry.Options{}); err == nil || !strings.Contains(err.Error(), bad) ||
		!strings.Contains(err.Error(), "themes.court_events.cap 0") {
		t.Fatalf("bad rules file: err %v", err)
	}
	cfg.ScoringRulesFile, cfg.ScoreDecayEvery = "", -time.Second
	if _, err := service.New(testkit.Context(t), cfg, telemetry.Options{}); err == nil || !strings.Contains(err.Error(), "SCORE_DECAY_EVERY") {
		t.Fatalf("negative period: err %v", err)
	}

	// Under a stricter edition, "risque fort" from 40 points: the
	// redressement of January (44 points) is high.
	strict := write("strict.json", `"version": "2026.2"`, `"version": "essai-40"`, `"high": 50`, `"high": 40`)
	h := &harness{Harness: testkit.NewHarness(t, service.Name, service.Schema), t: t}
	c := testkit.Load(h.Harness, service.LoadConfig)
	c.ScoringRulesFile = strict
	h.idp = h.Trust(t, &c.AuthConfig, issuerName)
	h.Serve(service.New(h.Ctx, c, testkit.Quiet()))

	cell := auth.Principal{Subject: "cma-91-002", Chamber: "CMA", Roles: []auth.Role{auth.RoleAdvisor, auth.RolePreventionCell}}
	tok, err := h.idp.Issue(cell)
	if err != nil {
		t.Fatal(err)
	}
	file, err := os.ReadFile("../testdata/bodacc/procedures-collectives.json")
	if err != nil {
		t.Fatal(err)
	}
	if a := h.Call(t, http.MethodPost, "/api/v1/bodacc-imports", tok.AccessToken, string(file)); a.Status != 200 {
		t.Fatalf("import: %d %s", a.Status, a.Body)
	}
	status, body := h.get(&cell, "/api/v1/businesses/830249439/score")
	if status != 200 || !strings.Contains(body, `"level":"high"`) || !strings.Contains(body, `"rules_version":"essai-40"`) {
		t.Fatalf("score under the strict rules: %d %s", status, body)
	}
	const subject = "difficulty.business.level_changed._"
	if n := h.Published(t, events.StreamDifficulty)[subject]; n != 2 {
		t.Fatalf("%d level changes published, want the 2 businesses above none", n)
	}
	var ev events.DifficultyBusinessLevelChanged
	msg := h.LastEvent(t, events.StreamDifficulty, subject, &ev)
	if ev.RulesVersion != "essai-40" || ev.PreviousLevel != "none" || ev.Level != "high" || strings.Contains(string(msg.Data), "830249439") {
		t.Fatalf("last event %s", msg.Data)
	}
}
