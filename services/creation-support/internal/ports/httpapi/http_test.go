package httpapi_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/google/uuid"

	"github.com/ccicma/platform/pkg/auth"
	"github.com/ccicma/platform/pkg/directory/projection"
	"github.com/ccicma/platform/pkg/events"
	"github.com/ccicma/platform/pkg/inbox"
	"github.com/ccicma/platform/pkg/outbox"
	"github.com/ccicma/platform/pkg/testkit"

	"github.com/ccicma/platform/services/creation-support/internal/adapters/postgres"
	"github.com/ccicma/platform/services/creation-support/internal/app"
	"github.com/ccicma/platform/services/creation-support/internal/domain/creation"
	"github.com/ccicma/platform/services/creation-support/internal/ports/httpapi"
	"github.com/ccicma/platform/services/creation-support/migrations"
)

const issuerName = "test-desk"

type noWake struct{}

func (noWake) Wake() {}

// api serves the routes over real Postgres, verifying tokens of a
// development issuer as the service would.
type api struct {
	t      *testing.T
	ctx    context.Context
	pool   *pgxpool.Pool
	store  *postgres.Store
	issuer *auth.Issuer
	key    ed25519.PrivateKey
	url    string
	now    time.Time
	seq    int
}

func newAPI(t *testing.T) *api {
	t.Helper()
	ctx := testkit.Context(t)
	pool := testkit.NewSchemas(t, "creation_support").Pool(t, outbox.Migrations(), inbox.Migrations(), projection.Migrations(), migrations.Set())
	_, key, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	iss, err := auth.NewIssuer(auth.IssuerOptions{Issuer: issuerName, Audience: "ccicma", Key: key})
	if err != nil {
		t.Fatal(err)
	}
	verifier, err := auth.NewStaticVerifier(auth.Config{Issuer: issuerName}, iss.JWKS(), nil)
	if err != nil {
		t.Fatal(err)
	}
	a := &api{t: t, ctx: ctx, pool: pool, store: postgres.New(pool, noWake{}), issuer: iss, key: key, now: time.Now().UTC()}
	clock := func() time.Time { return a.now }
	newID := func() (string, error) { return uuid.Must(uuid.NewV7()).String(), nil }
	routes := httpapi.Routes{Cases: app.ReadCases{Cases: a.store}, Auth: verifier, Log: slog.New(slog.DiscardHandler), Do: httpapi.UseCases{
		Take:     app.TakeInCharge{Cases: a.store, Now: clock},
		Back:     app.HandBack{Cases: a.store, Now: clock},
		Reassign: app.Reassign{Cases: a.store, Now: clock},
	}, Journey: httpapi.JourneyUseCases{
		Move:       app.MoveStage{Cases: a.store, Now: clock},
		Facts:      app.RecordFacts{Cases: a.store, Now: clock},
		Register:   app.RegisterBusiness{Cases: a.store, Now: clock},
		Close:      app.CloseCase{Cases: a.store, Now: clock},
		Next:       app.PlanNextAction{Cases: a.store, Now: clock},
		Checkpoint: app.RecordCheckpoint{Cases: a.store, Now: clock},
		Concern:    app.RaiseConcern{Cases: a.store, Now: clock, NewID: newID},
		WriteNote:  app.WriteNote{Cases: a.store, Notes: a.store, Now: clock},
		ReadNotes:  app.ReadNotes{Cases: a.store, Notes: a.store},
		Plan:       app.PlanSession{Sessions: a.store, Now: clock, NewID: newID},
		Sessions:   app.ListSessions{Sessions: a.store, Now: clock},
		Enrol:      app.EnrolCase{Sessions: a.store, Now: clock},
	}}
	srv := httptest.NewServer(routes.Handler())
	t.Cleanup(srv.Close)
	a.url = srv.URL
	return a
}

// advisor projects a directory entry (available unless absentFor > 0).
func (a *api) advisor(id, chamber string, absentFor time.Duration) {
	a.t.Helper()
	p := events.AdvisorUpdated{AdvisorID: id, Revision: 1, Chamber: chamber, Departements: []string{"91"},
		Specialities: []string{events.SpecialityCreation}, Capacity: 10, Active: true, UpdatedAt: a.now}
	if absentFor > 0 {
		until := a.now.Add(absentFor)
		p.AbsentUntil = &until
	}
	ev, err := events.New("advisor-desk", id, "91", p, a.now)
	if err != nil {
		a.t.Fatal(err)
	}
	if err := (projection.ProjectAdvisor{Advisors: a.store}).Handle(a.ctx, ev, p); err != nil {
		a.t.Fatal(err)
	}
}

// open opens a case and gives it to advisorID (directly in the table: the
// assignment rule is tested elsewhere).
func (a *api) open(chamber, secondary, advisorID string) string {
	a.t.Helper()
	return a.openSubmitted(events.CreationSubmitted{CommuneCode: "91228", Departement: "91",
		Routing: events.Routing{LeadChamber: chamber, SecondaryChamber: secondary, RuleID: "test"}}, advisorID)
}

// openSubmitted is open for a submission of the test's own (its request
// id is set here).
func (a *api) openSubmitted(p events.CreationSubmitted, advisorID string) string {
	a.t.Helper()
	a.seq++
	id := fmt.Sprintf("01900000-0000-7000-8000-%012d", a.seq)
	p.RequestID = id
	ev, err := events.New("intake", id, "91", p, a.now)
	if err != nil {
		a.t.Fatal(err)
	}
	if err := (app.OpenCase{Cases: a.store, Now: func() time.Time { return a.now }}).Handle(a.ctx, ev, p); err != nil {
		a.t.Fatal(err)
	}
	c, _, err := a.store.CaseByRequest(a.ctx, id)
	if err != nil {
		a.t.Fatal(err)
	}
	if _, err := a.pool.Exec(a.ctx, `UPDATE creation_cases SET advisor_id = $2 WHERE case_id = $1`, c.ID, advisorID); err != nil {
		a.t.Fatal(err)
	}
	if _, err := a.pool.Exec(a.ctx, `UPDATE advisors SET open_cases = (SELECT count(*) FROM creation_cases c WHERE c.advisor_id = advisors.advisor_id)`); err != nil {
		a.t.Fatal(err)
	}
	return c.ID
}

func (a *api) token(id, chamber string, roles ...auth.Role) string {
	a.t.Helper()
	tok, err := a.issuer.Issue(auth.Principal{Subject: id, Chamber: chamber, Roles: roles})
	if err != nil {
		a.t.Fatal(err)
	}
	return tok.AccessToken
}

type reply struct {
	status int
	ctype  string
	body   string
}

func (r reply) decode(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(r.body), v); err != nil {
		t.Fatalf("decode %s: %v", r.body, err)
	}
}

// fields lists the field names of a problem's errors.
func (r reply) fields(t *testing.T) string {
	t.Helper()
	var p struct {
		Errors []struct{ Field string } `json:"errors"`
	}
	r.decode(t, &p)
	var names []string
	for _, e := range p.Errors {
		names = append(names, e.Field)
	}
	return strings.Join(names, ",")
}

func (a *api) do(method, path, token, body string) reply {
	a.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(a.ctx, method, a.url+path, rd)
	if err != nil {
		a.t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		a.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return reply{status: resp.StatusCode, ctype: resp.Header.Get("Content-Type"), body: string(b)}
}

// reassigned returns the creation.case.reassigned payloads in the outbox
// for a case.
func (a *api) reassigned(caseID string) []events.CreationCaseReassigned {
	a.t.Helper()
	rows, err := a.pool.Query(a.ctx, `SELECT payload FROM outbox WHERE topic = 'creation.case.reassigned.91' ORDER BY id`)
	if err != nil {
		a.t.Fatal(err)
	}
	defer rows.Close()
	var out []events.CreationCaseReassigned
	for rows.Next() {
		var raw []byte
		if err := rows.Scan(&raw); err != nil {
			a.t.Fatal(err)
		}
		var p events.CreationCaseReassigned
		if err := json.Unmarshal(raw, &p); err != nil {
			a.t.Fatal(err)
		}
		if bytes.Contains(raw, []byte("comment")) {
			a.t.Errorf("the advisor's comment left the service: %s", raw)
		}
		if p.CaseID == caseID {
			out = append(out, p)
		}
	}
	return out
}

func (a *api) outboxRows() int {
	a.t.Helper()
	var n int
	if err := a.pool.QueryRow(a.ctx, `SELECT count(*) FROM outbox`).Scan(&n); err != nil {
		a.t.Fatal(err)
	}
	return n
}

type caseJSON struct {
	ID               string `json:"id"`
	Chamber          string `json:"chamber"`
	SecondaryChamber string `json:"secondary_chamber"`
	AdvisorID        string `json:"advisor_id"`
	Status           string `json:"status"`
	HandBacks        []struct {
		AdvisorID string `json:"advisor_id"`
		Reason    string `json:"reason"`
		Comment   string `json:"comment"`
	} `json:"hand_backs"`
}

// forge signs a token with the issuer's key but options changed by change.
func (a *api) forge(change func(*auth.IssuerOptions)) string {
	a.t.Helper()
	return testkit.Forge(a.t, auth.IssuerOptions{Issuer: issuerName, Audience: "ccicma", Key: a.key},
		auth.Principal{Subject: "cci-a", Chamber: "CCI", Roles: []auth.Role{auth.RoleAdvisor}}, change)
}

// TestAccessRules proves each rule both ways on every route: 200 when
// allowed, 403 for a valid token the rules refuse, 401 without a valid
// token, 404 for an unknown case. Refusals change nothing.
func TestAccessRules(t *testing.T) {
	a := newAPI(t)
	for _, adv := range [][2]string{{"cci-a", "CCI"}, {"cci-b", "CCI"}, {"cci-c", "CCI"}, {"cma-a", "CMA"}, {"cma-b", "CMA"}} {
		a.advisor(adv[0], adv[1], 0)
	}
	cciCase := a.open("CCI", "", "cci-a")
	shared := a.open("CCI", "CMA", "cci-a")
	cmaCase := a.open("CMA", "", "cma-a")
	unknown := "01900000-0000-7000-8000-00000000ffff"
	tok := map[string]string{
		"none":           "",
		"garbage":        "not.a.token",
		"expired":        a.forge(func(o *auth.IssuerOptions) { o.Now = func() time.Time { return time.Now().Add(-2 * time.Hour) } }),
		"wrong audience": a.forge(func(o *auth.IssuerOptions) { o.Audience = "elsewhere" }),
		"another key":    a.forge(func(o *auth.IssuerOptions) { o.Key, o.KeyID = nil, a.issuer.KeyID() }),
		"cci-a":          a.token("cci-a", "CCI", auth.RoleAdvisor),
		"cci-b":          a.token("cci-b", "CCI", auth.RoleAdvisor),
		"cci-m":          a.token("cci-m", "CCI", auth.RoleManager),
		"cma-a":          a.token("cma-a", "CMA", auth.RoleAdvisor),
		"cma-m":          a.token("cma-m", "CMA", auth.RoleManager),
		"cma-am":         a.token("cma-am", "CMA", auth.RoleAdvisor, auth.RoleManager),
		"admin":          a.token("cci-admin", "CCI", auth.RoleAdmin),
	}
	get := func(id string) string { return "/api/v1/creation-cases/" + id }
	take := func(id string) string { return get(id) + "/take-in-charge" }
	back := func(id string) string { return get(id) + "/hand-back" }
	move := func(id string) string { return get(id) + "/reassign" }
	const handBack = `{"reason":"wrong_speciality"}`
	reassignTo := func(id string) string { return `{"advisor_id":"` + id + `"}` }
	tests := []struct {
		name, as, method, path, body string
		status                       int
	}{
		// Reading: allowed.
		{"the assigned advisor reads", "cci-a", "GET", get(cciCase), "", 200},
		{"a colleague of the chamber reads", "cci-b", "GET", get(cciCase), "", 200},
		{"the chamber's manager reads", "cci-m", "GET", get(cciCase), "", 200},
		{"an advisor of the secondary chamber reads the shared case", "cma-a", "GET", get(shared), "", 200},
		// Reading: refused.
		{"an advisor of the other chamber", "cma-a", "GET", get(cciCase), "", 403},
		{"a manager of the other chamber", "cma-m", "GET", get(cciCase), "", 403},
		{"a manager reads only their chamber's cases", "cma-m", "GET", get(shared), "", 403},
		{"the CCI manager and a CMA case", "cci-m", "GET", get(cmaCase), "", 403},
		{"an admin without advisor role", "admin", "GET", get(cciCase), "", 403},
		{"unknown case", "cci-a", "GET", get(unknown), "", 404},
		{"not an id", "cci-a", "GET", get("nope"), "", 404},
		// Taking in charge: only the assigned advisor (allowed: TestTakeInCharge).
		{"a colleague takes in charge", "cci-b", "POST", take(cciCase), "", 403},
		{"the manager takes in charge", "cci-m", "POST", take(cciCase), "", 403},
		{"the secondary chamber takes in charge", "cma-a", "POST", take(shared), "", 403},
		{"the other chamber takes in charge", "cma-a", "POST", take(cciCase), "", 403},
		{"take an unknown case", "cci-a", "POST", take(unknown), "", 404},
		// Handing back: only the assigned advisor (allowed: TestHandBack).
		{"a colleague hands back", "cci-b", "POST", back(cciCase), handBack, 403},
		{"the manager hands back", "cci-m", "POST", back(cciCase), handBack, 403},
		{"the secondary chamber hands back", "cma-a", "POST", back(shared), handBack, 403},
		{"hand back an unknown case", "cci-a", "POST", back(unknown), handBack, 404},
		// Reassigning: only a manager of the lead chamber (allowed: TestReassign).
		{"the assigned advisor reassigns", "cci-a", "POST", move(cciCase), reassignTo("cci-b"), 403},
		{"a manager of the other chamber reassigns", "cma-m", "POST", move(cciCase), reassignTo("cci-b"), 403},
		{"a manager of the secondary chamber reassigns", "cma-am", "POST", move(shared), reassignTo("cma-b"), 403},
		{"reassign an unknown case", "cci-m", "POST", move(unknown), reassignTo("cci-b"), 404},
		// Listing.
		{"an admin lists", "admin", "GET", "/api/v1/creation-cases", "", 403},
		{"an advisor lists", "cma-a", "GET", "/api/v1/creation-cases", "", 200},
	}
	for _, name := range []string{"none", "garbage", "expired", "wrong audience", "another key"} {
		tests = append(tests,
			struct {
				name, as, method, path, body string
				status                       int
			}{name + ": read", name, "GET", get(cciCase), "", 401},
			struct {
				name, as, method, path, body string
				status                       int
			}{name + ": list", name, "GET", "/api/v1/creation-cases", "", 401},
			struct {
				name, as, method, path, body string
				status                       int
			}{name + ": hand back", name, "POST", back(cciCase), handBack, 401})
	}
	before := a.outboxRows()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := a.do(tt.method, tt.path, tok[tt.as], tt.body)
			if r.status != tt.status {
				t.Fatalf("status %d, want %d: %s", r.status, tt.status, r.body)
			}
			if tt.status >= 400 && (r.ctype != "application/problem+json" || !strings.Contains(r.body, fmt.Sprintf(`"status":%d`, tt.status))) {
				t.Fatalf("%s %s, want a problem", r.ctype, r.body)
			}
		})
	}
	if n := a.outboxRows(); n != before {
		t.Fatalf("refusals emitted %d events", n-before)
	}
	var c caseJSON
	a.do("GET", get(cciCase), tok["cci-a"], "").decode(t, &c)
	if c.AdvisorID != "cci-a" || c.Status != "opened" {
		t.Fatalf("refusals changed the case: %+v", c)
	}
}

// TestList: an advisor lists their chamber's cases and those shared with
// it, filtered and paged; bad parameters are named.
func TestList(t *testing.T) {
	a := newAPI(t)
	a.advisor("cci-a", "CCI", 0)
	a.advisor("cma-a", "CMA", 0)
	cci := a.open("CCI", "", "cci-a")
	shared := a.open("CCI", "CMA", "cci-a")
	cma := a.open("CMA", "", "cma-a")
	tok := a.token("cma-a", "CMA", auth.RoleAdvisor)
	var page struct {
		Cases     []caseJSON `json:"cases"`
		NextAfter string     `json:"next_after"`
	}
	list := func(query string) []string {
		t.Helper()
		page.Cases, page.NextAfter = nil, ""
		r := a.do("GET", "/api/v1/creation-cases"+query, tok, "")
		if r.status != 200 {
			t.Fatalf("%s: %d %s", query, r.status, r.body)
		}
		r.decode(t, &page)
		var ids []string
		for _, c := range page.Cases {
			ids = append(ids, c.ID)
		}
		return ids
	}
	if got := list(""); fmt.Sprint(got) != fmt.Sprint([]string{shared, cma}) {
		t.Fatalf("CMA advisor lists %v, want the shared and the CMA case (not %s)", got, cci)
	}
	if got := list("?limit=1"); len(got) != 1 || got[0] != shared || page.NextAfter != shared {
		t.Fatalf("first page %v, next %q", got, page.NextAfter)
	}
	if got := list("?limit=1&after=" + shared); len(got) != 1 || got[0] != cma {
		t.Fatalf("second page %v", got)
	}
	if got := list("?advisor=cma-a&status=opened"); fmt.Sprint(got) != fmt.Sprint([]string{cma}) {
		t.Fatalf("filtered %v", got)
	}
	if got := list("?status=in_progress"); len(got) != 0 {
		t.Fatalf("in progress %v", got)
	}
	r := a.do("GET", "/api/v1/creation-cases?status=lost&limit=500&after=x&colour=red", tok, "")
	if r.status != 400 {
		t.Fatalf("bad parameters: %d %s", r.status, r.body)
	}
	for _, f := range []string{"status", "limit", "after", "colour"} {
		if !strings.Contains(","+r.fields(t)+",", ","+f+",") {
			t.Errorf("bad parameter %s not named: %s", f, r.body)
		}
	}
}

// TestTakeInCharge: the assigned advisor takes the case in charge once
// (one event); again, or handing it back afterwards, is a conflict.
func TestTakeInCharge(t *testing.T) {
	a := newAPI(t)
	a.advisor("cci-a", "CCI", 0)
	a.advisor("cci-b", "CCI", 0)
	id := a.open("CCI", "", "cci-a")
	tok := a.token("cci-a", "CCI", auth.RoleAdvisor)
	path := "/api/v1/creation-cases/" + id
	r := a.do("POST", path+"/take-in-charge", tok, "")
	var c caseJSON
	if r.status != 200 {
		t.Fatalf("%d %s", r.status, r.body)
	}
	if r.decode(t, &c); c.Status != string(creation.StageInProgress) || c.AdvisorID != "cci-a" {
		t.Fatalf("case %+v", c)
	}
	var n int
	if err := a.pool.QueryRow(a.ctx, `SELECT count(*) FROM outbox WHERE topic = 'creation.case.taken_in_charge.91'`).Scan(&n); err != nil || n != 1 {
		t.Fatalf("%d taken_in_charge events (%v), want 1", n, err)
	}
	for _, again := range []struct{ path, body string }{{path + "/take-in-charge", ""}, {path + "/hand-back", `{"reason":"other"}`}} {
		if r := a.do("POST", again.path, tok, again.body); r.status != 409 || r.ctype != "application/problem+json" {
			t.Fatalf("%s after taking in charge: %d %s, want 409", again.path, r.status, r.body)
		}
	}
}

// TestHandBack: "pas pour moi" gives the case to a different, available
// advisor of the chamber and emits exactly one creation.case.reassigned;
// the comment stays here; the former advisor can no longer act on it.
func TestHandBack(t *testing.T) {
	a := newAPI(t)
	a.advisor("cci-a", "CCI", 0)
	a.advisor("cci-away", "CCI", 72*time.Hour) // lightest load, but absent
	a.advisor("cci-busy", "CCI", 0)
	a.advisor("cci-free", "CCI", 0)
	a.advisor("cma-a", "CMA", 0)
	id := a.open("CCI", "", "cci-a")
	a.open("CCI", "", "cci-busy")
	tok := a.token("cci-a", "CCI", auth.RoleAdvisor)
	path := "/api/v1/creation-cases/" + id
	r := a.do("POST", path+"/hand-back", tok, `{"reason":"wrong_speciality","comment":"Restauration : pas ma spécialité."}`)
	if r.status != 200 {
		t.Fatalf("%d %s", r.status, r.body)
	}
	var c caseJSON
	r.decode(t, &c)
	if c.AdvisorID != "cci-free" || c.Chamber != "CCI" || c.Status != "opened" {
		t.Fatalf("handed back to %+v, want the least loaded available other advisor cci-free", c)
	}
	if len(c.HandBacks) != 1 || c.HandBacks[0].Comment != "Restauration : pas ma spécialité." || c.HandBacks[0].AdvisorID != "cci-a" {
		t.Fatalf("hand-backs %+v", c.HandBacks)
	}
	evs := a.reassigned(id)
	if len(evs) != 1 {
		t.Fatalf("%d creation.case.reassigned events, want exactly 1", len(evs))
	}
	ev := evs[0]
	if ev.AdvisorID == ev.PreviousAdvisorID || ev.PreviousAdvisorID != "cci-a" || ev.AdvisorID != "cci-free" || ev.Reason != events.ReassignWrongSpeciality {
		t.Fatalf("event %+v", ev)
	}
	adv, found, err := a.store.Advisor(a.ctx, ev.AdvisorID)
	if err != nil || !found || !adv.AvailableAt(a.now) {
		t.Fatalf("new advisor %+v (found %v, %v) is not available", adv, found, err)
	}
	if r := a.do("POST", path+"/hand-back", tok, `{"reason":"other"}`); r.status != 403 {
		t.Fatalf("the former advisor hands back again: %d, want 403", r.status)
	}
	if r := a.do("POST", path+"/take-in-charge", a.token("cci-free", "CCI", auth.RoleAdvisor), ""); r.status != 200 {
		t.Fatalf("the new advisor takes it in charge: %d %s", r.status, r.body)
	}
}

// TestHandBackToTheOtherChamber: wrong_chamber moves the case to the other
// chamber's advisor; the previous chamber keeps seeing it as secondary.
func TestHandBackToTheOtherChamber(t *testing.T) {
	a := newAPI(t)
	a.advisor("cci-a", "CCI", 0)
	a.advisor("cci-b", "CCI", 0)
	a.advisor("cma-a", "CMA", 0)
	id := a.open("CCI", "", "cci-a")
	path := "/api/v1/creation-cases/" + id
	r := a.do("POST", path+"/hand-back", a.token("cci-a", "CCI", auth.RoleAdvisor), `{"reason":"wrong_chamber"}`)
	if r.status != 200 {
		t.Fatalf("%d %s", r.status, r.body)
	}
	var c caseJSON
	if r.decode(t, &c); c.Chamber != "CMA" || c.SecondaryChamber != "CCI" || c.AdvisorID != "cma-a" {
		t.Fatalf("case %+v, want CMA's with CCI secondary", c)
	}
	evs := a.reassigned(id)
	if len(evs) != 1 || evs[0].Chamber != "CMA" || evs[0].PreviousChamber != "CCI" || evs[0].SecondaryChamber != "CCI" {
		t.Fatalf("events %+v", evs)
	}
	if r := a.do("GET", path, a.token("cci-b", "CCI", auth.RoleAdvisor), ""); r.status != 200 {
		t.Fatalf("CCI advisor reads the moved case: %d", r.status)
	}
	if r := a.do("POST", path+"/reassign", a.token("cci-m", "CCI", auth.RoleManager), `{"advisor_id":"cci-b"}`); r.status != 403 {
		t.Fatalf("the CCI manager reassigns a CMA case: %d", r.status)
	}
	if r := a.do("POST", path+"/reassign", a.token("cma-m", "CMA", auth.RoleManager), `{"advisor_id":"cma-a"}`); r.status != 409 {
		t.Fatalf("reassign to the current advisor: %d, want 409", r.status)
	}
}

// TestReassign: a manager of the chamber gives the case to an available
// advisor of the chamber; other targets are named as bad input.
func TestReassign(t *testing.T) {
	a := newAPI(t)
	a.advisor("cci-a", "CCI", 0)
	a.advisor("cci-b", "CCI", 0)
	a.advisor("cci-away", "CCI", time.Hour)
	a.advisor("cma-a", "CMA", 0)
	id := a.open("CCI", "", "cci-away") // an absent advisor's open case
	path := "/api/v1/creation-cases/" + id + "/reassign"
	manager := a.token("cci-m", "CCI", auth.RoleManager)
	for _, tt := range []struct{ body, field string }{
		{`{"advisor_id":"cma-a"}`, "advisor_id"},
		{`{"advisor_id":"cci-away"}`, "advisor_id"},
		{`{"advisor_id":"cci-nobody"}`, "advisor_id"},
		{`{"advisor_id":""}`, "advisor_id"},
		{`{"advisor_id":"` + strings.Repeat("x", 101) + `"}`, "advisor_id"},
	} {
		if r := a.do("POST", path, manager, tt.body); r.status != 422 || r.fields(t) != tt.field {
			t.Fatalf("%s: %d %s, want 422 naming %s", tt.body, r.status, r.body, tt.field)
		}
	}
	r := a.do("POST", path, manager, `{"advisor_id":"cci-b"}`)
	if r.status != 200 {
		t.Fatalf("%d %s", r.status, r.body)
	}
	evs := a.reassigned(id)
	if len(evs) != 1 || evs[0].Reason != events.ReassignManager || evs[0].AdvisorID != "cci-b" || evs[0].PreviousAdvisorID != "cci-away" {
		t.Fatalf("events %+v", evs)
	}
	var loads [2]int
	if err := a.pool.QueryRow(a.ctx, `SELECT (SELECT open_cases FROM advisors WHERE advisor_id = 'cci-away'),
		(SELECT open_cases FROM advisors WHERE advisor_id = 'cci-b')`).Scan(&loads[0], &loads[1]); err != nil || loads != [2]int{0, 1} {
		t.Fatalf("loads away=%d b=%d (%v), want 0 1", loads[0], loads[1], err)
	}
}

// TestStrictInput: unknown fields, trailing data, oversized bodies and bad
// values are refused, each bad field named, before anything is written.
func TestStrictInput(t *testing.T) {
	a := newAPI(t)
	a.advisor("cci-a", "CCI", 0)
	a.advisor("cci-b", "CCI", 0)
	id := a.open("CCI", "", "cci-a")
	tok := a.token("cci-a", "CCI", auth.RoleAdvisor)
	path := "/api/v1/creation-cases/" + id
	before := a.outboxRows()
	tests := []struct {
		name, path, body string
		status           int
		fields           string
	}{
		{"unknown field", "/hand-back", `{"reason":"other","urgent":true}`, 400, "urgent"},
		{"wrong type", "/hand-back", `{"reason":5}`, 400, "reason"},
		{"trailing data", "/hand-back", `{"reason":"other"} {}`, 400, ""},
		{"oversized", "/hand-back", `{"reason":"other","comment":"` + strings.Repeat("x", 9000) + `"}`, 413, ""},
		{"every bad value named", "/hand-back", `{"reason":"manager","comment":"` + strings.Repeat("é", 501) + `","to_chamber":"CMA"}`, 422, "reason,comment,to_chamber"},
		{"absence is not a hand-back reason", "/hand-back", `{"reason":"absence"}`, 422, "reason"},
		{"a body on take-in-charge", "/take-in-charge", `{"now":true}`, 400, "now"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := a.do("POST", path+tt.path, tok, tt.body)
			if r.status != tt.status || r.ctype != "application/problem+json" {
				t.Fatalf("%d %s %s, want %d", r.status, r.ctype, r.body, tt.status)
			}
			if got := r.fields(t); got != tt.fields {
				t.Fatalf("fields %q, want %q", got, tt.fields)
			}
		})
	}
	if n := a.outboxRows(); n != before {
		t.Fatalf("refused input emitted %d events", n-before)
	}
}
