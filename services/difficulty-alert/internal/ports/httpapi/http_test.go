package httpapi_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ccicma/platform/pkg/audit"
	"github.com/ccicma/platform/pkg/auth"
	"github.com/ccicma/platform/pkg/directory/projection"
	"github.com/ccicma/platform/pkg/events"
	"github.com/ccicma/platform/pkg/inbox"
	"github.com/ccicma/platform/pkg/outbox"
	"github.com/ccicma/platform/pkg/pgdb"
	"github.com/ccicma/platform/pkg/testkit"

	"github.com/ccicma/platform/services/difficulty-alert/internal/adapters/postgres"
	"github.com/ccicma/platform/services/difficulty-alert/internal/app"
	"github.com/ccicma/platform/services/difficulty-alert/internal/domain/scoring"
	"github.com/ccicma/platform/services/difficulty-alert/internal/ports/httpapi"
	"github.com/ccicma/platform/services/difficulty-alert/migrations"
)

const issuerName = "https://idp.test/realms/ccicma"

// api is the HTTP port over a real store, with tokens from a real issuer.
type api struct {
	url    string
	issuer *auth.Issuer
	key    ed25519.PrivateKey // the issuer's, for forged tokens
	admin  string
	schema string
	now    time.Time
	// cases by name: A routed to the CMA, B to the CMA and the CCI, C to
	// the CCI.
	cases   map[string]string
	store   *postgres.Store
	pool    *pgxpool.Pool
	rescore app.Rescore
	// partner is the partners' API's state (partner_test.go).
	partner *partnerState
}

// The advisors of the tests, as their tokens say.
var (
	cmaCell    = auth.Principal{Subject: "cma-91-002", Chamber: "CMA", Roles: []auth.Role{auth.RoleAdvisor, auth.RolePreventionCell}}
	cmaSpec    = auth.Principal{Subject: "cma-91-010", Chamber: "CMA", Roles: []auth.Role{auth.RoleAdvisor}}
	cciCell    = auth.Principal{Subject: "cci-91-002", Chamber: "CCI", Roles: []auth.Role{auth.RoleAdvisor, auth.RolePreventionCell}}
	cmaAdvisor = auth.Principal{Subject: "cma-91-003", Chamber: "CMA", Roles: []auth.Role{auth.RoleAdvisor}}
	cmaManager = auth.Principal{Subject: "cma-91-001", Chamber: "CMA", Roles: []auth.Role{auth.RoleAdvisor, auth.RoleManager}}
	cciManager = auth.Principal{Subject: "cci-91-001", Chamber: "CCI", Roles: []auth.Role{auth.RoleAdvisor, auth.RoleManager}}
	cmaAdmin   = auth.Principal{Subject: "cma-91-009", Chamber: "CMA", Roles: []auth.Role{auth.RoleAdvisor, auth.RoleAdmin}}
)

func start(t *testing.T, db *testkit.Schemas) *api {
	t.Helper()
	ctx := testkit.Context(t)
	a := &api{admin: db.Admin, schema: db.New(t), now: time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC), cases: map[string]string{}}
	pool, err := pgdb.Open(ctx, db.Config, a.schema)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	if err := pgdb.Migrate(ctx, pool, outbox.Migrations(), inbox.Migrations(), audit.Migrations(), projection.Migrations(), migrations.Set()); err != nil {
		t.Fatal(err)
	}
	store := postgres.New(pool, nopWaker{})
	a.store, a.pool = store, pool
	clock := func() time.Time { return a.now }
	a.seed(t, ctx, pool, store, clock)

	if _, a.key, err = ed25519.GenerateKey(rand.Reader); err != nil {
		t.Fatal(err)
	}
	if a.issuer, err = auth.NewIssuer(auth.IssuerOptions{Issuer: issuerName, Audience: "ccicma", Key: a.key}); err != nil {
		t.Fatal(err)
	}
	verifier, err := auth.NewStaticVerifier(auth.Config{Issuer: issuerName}, a.issuer.JWKS(), nil)
	if err != nil {
		t.Fatal(err)
	}
	log := postgres.NewAudit(pool)
	rules, err := scoring.EmbeddedRules()
	if err != nil {
		t.Fatal(err)
	}
	a.rescore = app.Rescore{Scores: store, Rules: rules, Now: clock}
	routes := httpapi.Routes{
		Cases:    app.ReadCases{Cases: store, Audit: log, Now: clock, Businesses: store},
		Audit:    app.QueryAudit{Audit: log},
		Imports:  app.ImportBodacc{Signals: store, Rescore: a.rescore},
		Signals:  app.ReadSignals{Signals: store, Audit: log, Now: clock},
		Scores:   app.ReadScores{Scores: store, Audit: log, Now: clock, Views: store},
		Partners: a.partners(t, store, clock),
		Act: httpapi.Lifecycle{Take: app.TakeInCharge{Cases: store, Now: clock}, Record: app.RecordAction{Cases: store, Now: clock},
			Close: app.CloseCase{Cases: store, Now: clock}, HandBack: app.HandBack{Cases: store, Loads: store, Now: clock}},
		// Small enough for a test to exceed it.
		ImportLimit: 1 << 16,
		Auth:        verifier,
		Log:         slog.New(slog.NewTextHandler(t.Output(), nil)),
	}
	srv := httptest.NewServer(routes.Handler())
	t.Cleanup(srv.Close)
	a.url = srv.URL
	return a
}

type nopWaker struct{}

func (nopWaker) Wake() {}

// seed projects the directory and opens cases A, B and C; assignment is
// the service's own (least loaded, ties by id): A to cma-91-002, B to
// cma-91-010 and cci-91-002, C to cci-91-002.
func (a *api) seed(t *testing.T, ctx context.Context, pool *pgxpool.Pool, store *postgres.Store, clock app.Clock) {
	t.Helper()
	project := projection.ProjectAdvisor{Advisors: store}
	for _, p := range []events.AdvisorUpdated{
		{AdvisorID: "cma-91-002", Chamber: "CMA", Roles: []string{"advisor", "prevention_cell"}},
		{AdvisorID: "cma-91-010", Chamber: "CMA", Roles: []string{"advisor"}, Specialities: []string{"difficulty"}},
		{AdvisorID: "cci-91-002", Chamber: "CCI", Roles: []string{"advisor", "prevention_cell"}},
		{AdvisorID: "cma-91-001", Chamber: "CMA", Roles: []string{"advisor", "manager"}},
	} {
		p.Revision, p.Departements, p.Capacity, p.Active = 1, []string{"91"}, 10, true
		if err := project.Handle(ctx, event(t, p.AdvisorID, p), p); err != nil {
			t.Fatal(err)
		}
	}
	open := app.OpenCase{Cases: store, Now: clock}
	for i, r := range []struct{ name, lead, secondary string }{{"A", "CMA", ""}, {"B", "CMA", "CCI"}, {"C", "CCI", ""}} {
		p := events.DifficultyReported{RequestID: fmt.Sprintf("01900000-0000-7000-8000-%012d", i+1), Departement: "91",
			Kinds: []string{"cash_flow"}, QuestionnaireVersion: "q1", Score: 40, Level: events.DifficultyVigilance,
			Routing: events.Routing{LeadChamber: r.lead, SecondaryChamber: r.secondary, RuleID: "test", Reason: "Test"}, ReportedAt: a.now}
		if err := open.Handle(ctx, event(t, p.RequestID, p), p); err != nil {
			t.Fatal(err)
		}
		var id string
		if err := pool.QueryRow(ctx, `SELECT case_id::text FROM difficulty_cases WHERE request_id = $1`, p.RequestID).Scan(&id); err != nil {
			t.Fatalf("case %s: %v", r.name, err)
		}
		a.cases[r.name] = id
		a.now = a.now.Add(time.Minute)
	}
}

// observe opens the case of difficulties a creation advisor saw at the
// 1-year checkpoint of a CMA creation case, and returns its id.
func (a *api) observe(t *testing.T) string {
	t.Helper()
	p := events.CreationCaseDifficultySeen{CaseID: "0195a1b2-4000-7111-8222-333344445555", RequestID: "01900000-0000-7000-8000-0000000000d1",
		Chamber: "CMA", AdvisorID: "cma-91-007", NAFCode: "10.71C", NAFVersion: "NAFRev2", Departement: "91",
		CheckpointIndex: 1, CheckpointLabel: "1 an", SeenAt: a.now}
	ctx := testkit.Context(t)
	if err := (app.OpenObservedCase{Cases: a.store, Now: func() time.Time { return a.now }}).Handle(ctx, event(t, p.CaseID, p), p); err != nil {
		t.Fatal(err)
	}
	var id string
	if err := a.pool.QueryRow(ctx, `SELECT case_id::text FROM difficulty_cases WHERE request_id = $1`, p.RequestID).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

// concernOffer is the takeover offer of concern's case.
const concernOffer = "0195a1d0-1000-7aaa-8bbb-000000000001"

// concern opens the case of the concern a takeover advisor raised about a
// CMA business for sale, shared with the CCI, and returns its id.
func (a *api) concern(t *testing.T) string {
	t.Helper()
	p := events.TakeoverOfferDifficultySeen{OfferID: concernOffer, ConcernID: "0195a1d0-1007-7b01-8c02-0d03e04f0712",
		RequestID: "01900000-0000-7000-8000-0000000000e1", Chamber: "CMA", SecondaryChamber: "CCI", AdvisorID: "cma-91-008",
		NAFCode: "10.71C", Departement: "91", Concerns: []string{events.ConcernCashFlow, events.ConcernSupplierDelays}, SeenAt: a.now}
	ctx := testkit.Context(t)
	if err := (app.OpenConcernCase{Cases: a.store, Now: func() time.Time { return a.now }}).Handle(ctx, event(t, p.OfferID, p), p); err != nil {
		t.Fatal(err)
	}
	var id string
	if err := a.pool.QueryRow(ctx, `SELECT case_id::text FROM difficulty_cases WHERE request_id = $1`, p.RequestID).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

// creationConcernCase is the creation case of creationConcern's case.
const creationConcernCase = "0195a1b2-4000-7111-8222-3333444455f1"

// creationConcern opens the case of the concern a creation advisor
// raised between two checkpoints about a CMA business, shared with the
// CCI, and returns its id.
func (a *api) creationConcern(t *testing.T) string {
	t.Helper()
	p := events.CreationCaseConcernRaised{CaseID: creationConcernCase, ConcernID: "0195a1b2-4003-7c01-8d02-0e0301415274",
		RequestID: "01900000-0000-7000-8000-0000000000f1", Chamber: "CMA", SecondaryChamber: "CCI", AdvisorID: "cma-91-007",
		NAFCode: "10.71C", NAFVersion: "NAFRev2", Departement: "91", Concerns: []string{events.ConcernActivityDrop}, RaisedAt: a.now}
	ctx := testkit.Context(t)
	if err := (app.OpenObservedCase{Cases: a.store, Now: func() time.Time { return a.now }}).HandleConcern(ctx, event(t, p.CaseID, p), p); err != nil {
		t.Fatal(err)
	}
	var id string
	if err := a.pool.QueryRow(ctx, `SELECT case_id::text FROM difficulty_cases WHERE request_id = $1`, p.RequestID).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

// TestObservedCaseReadsAsAnObservation: a case opened from a creation
// advisor's observation says so (source and its French label), names the
// creation case and the checkpoint, and has no score, kinds,
// questionnaire nor routing, which only a self report has.
func TestObservedCaseReadsAsAnObservation(t *testing.T) {
	t.Parallel()
	a := start(t, testkit.NewSchemas(t, "difficulty_alert"))
	id := a.observe(t)
	got := a.get(t, a.token(t, cmaCell), "/api/v1/difficulty-cases/"+id)
	if got.status != 200 {
		t.Fatalf("read: %d %s", got.status, got.body)
	}
	c := decode[map[string]any](t, got)
	want := map[string]any{"source": "advisor_observation", "source_label": "Signalé par le conseiller création lors du suivi post-création",
		"creation_case_id": "0195a1b2-4000-7111-8222-333344445555", "checkpoint": "1 an", "level": "call_back", "chamber": "CMA",
		"naf_code": "10.71C", "naf_version": "NAFRev2", "request_id": "01900000-0000-7000-8000-0000000000d1"}
	for k, v := range want {
		if c[k] != v {
			t.Errorf("%s = %v, want %v", k, c[k], v)
		}
	}
	for _, k := range []string{"score", "kinds", "questionnaire_version", "routing"} {
		if _, ok := c[k]; ok {
			t.Errorf("an observation has %s: %v", k, c[k])
		}
	}
	if _, ok := c["takeover_offer_id"]; ok {
		t.Errorf("a creation observation names an offer: %v", c)
	}
	self := decode[map[string]any](t, a.get(t, a.token(t, cmaCell), "/api/v1/difficulty-cases/"+a.cases["A"]))
	if self["source"] != "self_report" || self["score"] != float64(40) || self["routing"] == nil || self["creation_case_id"] != nil ||
		self["takeover_offer_id"] != nil {
		t.Errorf("a self report reads %v", self)
	}
}

// TestConcernCaseReadsAsATakeoverAdvisors: a case opened from a takeover
// advisor's concern says where it comes from (its source, and a label
// that is not a creation advisor's), names its offer and the concerns'
// codes as its kinds, and has no score, questionnaire, routing, creation
// case nor checkpoint; the CCI's cell reads it too (the offer is shared),
// in the list as in the case.
func TestConcernCaseReadsAsATakeoverAdvisors(t *testing.T) {
	t.Parallel()
	a := start(t, testkit.NewSchemas(t, "difficulty_alert"))
	id := a.concern(t)
	got := a.get(t, a.token(t, cmaCell), "/api/v1/difficulty-cases/"+id)
	if got.status != 200 {
		t.Fatalf("read: %d %s", got.status, got.body)
	}
	c := decode[map[string]any](t, got)
	want := map[string]any{"source": "advisor_observation", "source_label": "Signalé par le conseiller transmission-reprise",
		"takeover_offer_id": concernOffer, "level": "call_back", "chamber": "CMA", "secondary_chamber": "CCI", "naf_code": "10.71C",
		"request_id": "01900000-0000-7000-8000-0000000000e1"}
	for k, v := range want {
		if c[k] != v {
			t.Errorf("%s = %v, want %v", k, c[k], v)
		}
	}
	if kinds, _ := c["kinds"].([]any); len(kinds) != 2 || kinds[0] != "cash_flow" || kinds[1] != "supplier_delays" {
		t.Errorf("kinds = %v, want the concerns", c["kinds"])
	}
	for _, k := range []string{"score", "questionnaire_version", "routing", "creation_case_id", "checkpoint"} {
		if _, ok := c[k]; ok {
			t.Errorf("a concern has %s: %v", k, c[k])
		}
	}
	list := decode[struct {
		Cases []map[string]any `json:"difficulty_cases"`
	}](t, a.get(t, a.token(t, cciCell), "/api/v1/difficulty-cases"))
	i := slices.IndexFunc(list.Cases, func(c map[string]any) bool { return c["case_id"] == id })
	if i < 0 || list.Cases[i]["takeover_offer_id"] != concernOffer || list.Cases[i]["source_label"] != want["source_label"] {
		t.Errorf("the CCI's cell lists %v", list.Cases)
	}
}

func event(t *testing.T, aggregate string, p events.Payload) events.Event {
	t.Helper()
	ev, err := events.New("test", aggregate, "91", p, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return ev
}

func (a *api) token(t *testing.T, p auth.Principal) string {
	t.Helper()
	return a.forge(t, p, nil)
}

// forge issues a token for p with the test issuer's options changed by
// change: it differs from a genuine token only where the test says.
func (a *api) forge(t *testing.T, p auth.Principal, change func(*auth.IssuerOptions)) string {
	t.Helper()
	return testkit.Forge(t, auth.IssuerOptions{Issuer: issuerName, Audience: "ccicma", Key: a.key, KeyID: a.issuer.KeyID()}, p, change)
}

// answer is what the API answered.
type answer struct {
	status    int
	challenge string
	cache     string
	body      string
}

func (a *api) get(t *testing.T, token, path string) answer {
	t.Helper()
	req, err := http.NewRequestWithContext(testkit.Context(t), http.MethodGet, a.url+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return answer{status: resp.StatusCode, challenge: resp.Header.Get("WWW-Authenticate"), cache: resp.Header.Get("Cache-Control"), body: string(b)}
}

func decode[T any](t *testing.T, a answer) T {
	t.Helper()
	var v T
	if err := json.Unmarshal([]byte(a.body), &v); err != nil {
		t.Fatalf("decode %q: %v", a.body, err)
	}
	return v
}

type caseList struct {
	Cases []struct {
		CaseID     string   `json:"case_id"`
		AdvisorIDs []string `json:"advisor_ids"`
		Level      string   `json:"level"`
		Score      int      `json:"score"`
	} `json:"difficulty_cases"`
	NextBefore string `json:"next_before"`
}

type auditList struct {
	Entries []struct {
		ID             int64     `json:"id"`
		At             time.Time `json:"at"`
		AdvisorID      string    `json:"advisor_id"`
		AdvisorChamber string    `json:"advisor_chamber"`
		Action         string    `json:"action"`
		Resource       string    `json:"resource"`
		CaseID         string    `json:"resource_id"`
		Chambers       []string  `json:"chambers"`
	} `json:"entries"`
	NextAfter int64 `json:"next_after"`
}

type problem struct {
	Status int    `json:"status"`
	Detail string `json:"detail"`
	Errors []struct {
		Field string `json:"field"`
	} `json:"errors"`
}

func (a *api) names(ids []string) []string {
	var out []string
	for _, id := range ids {
		for name, cid := range a.cases {
			if cid == id {
				out = append(out, name)
			}
		}
	}
	slices.Sort(out)
	return out
}

func (a *api) auditCount(t *testing.T) int {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), a.admin)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	var n int
	if err := conn.QueryRow(context.Background(), `SELECT count(*) FROM `+a.schema+`.audit_log`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func (a *api) adminExec(t *testing.T, sql string) {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), a.admin)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(context.Background(), sql); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

// TestCreationConcernCaseReadsAsACreationAdvisors: a case opened from a
// creation advisor's concern between two checkpoints says so (its source,
// and a label that is neither a checkpoint's nor a takeover advisor's),
// names its creation case and the concerns' codes as its kinds, and has
// no checkpoint, offer, score, questionnaire nor routing; the CCI's cell
// reads it too, in the list as in the case.
func TestCreationConcernCaseReadsAsACreationAdvisors(t *testing.T) {
	t.Parallel()
	a := start(t, testkit.NewSchemas(t, "difficulty_alert"))
	id := a.creationConcern(t)
	got := a.get(t, a.token(t, cmaCell), "/api/v1/difficulty-cases/"+id)
	if got.status != 200 {
		t.Fatalf("read: %d %s", got.status, got.body)
	}
	c := decode[map[string]any](t, got)
	want := map[string]any{"source": "advisor_observation",
		"source_label":     "Signalé par le conseiller création entre deux points de suivi post-création",
		"creation_case_id": creationConcernCase, "level": "call_back", "chamber": "CMA", "secondary_chamber": "CCI", "naf_code": "10.71C",
		"naf_version": "NAFRev2", "request_id": "01900000-0000-7000-8000-0000000000f1"}
	for k, v := range want {
		if c[k] != v {
			t.Errorf("%s = %v, want %v", k, c[k], v)
		}
	}
	if kinds, _ := c["kinds"].([]any); len(kinds) != 1 || kinds[0] != "activity_drop" {
		t.Errorf("kinds = %v, want the concerns", c["kinds"])
	}
	for _, k := range []string{"score", "questionnaire_version", "routing", "checkpoint", "takeover_offer_id"} {
		if _, ok := c[k]; ok {
			t.Errorf("a creation concern has %s: %v", k, c[k])
		}
	}
	list := decode[struct {
		Cases []map[string]any `json:"difficulty_cases"`
	}](t, a.get(t, a.token(t, cciCell), "/api/v1/difficulty-cases"))
	i := slices.IndexFunc(list.Cases, func(c map[string]any) bool { return c["case_id"] == id })
	if i < 0 || list.Cases[i]["creation_case_id"] != creationConcernCase || list.Cases[i]["source_label"] != want["source_label"] {
		t.Errorf("the CCI's cell lists %v", list.Cases)
	}
	if kinds, _ := list.Cases[max(i, 0)]["kinds"].([]any); len(kinds) != 1 {
		t.Errorf("listed without its kinds: %v", list.Cases)
	}
}
