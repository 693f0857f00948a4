package httpapi_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ccicma/platform/pkg/auth"
	"github.com/ccicma/platform/pkg/inbox"
	"github.com/ccicma/platform/pkg/mailer"
	"github.com/ccicma/platform/pkg/outbox"
	"github.com/ccicma/platform/pkg/refdata"
	"github.com/ccicma/platform/pkg/testkit"

	"github.com/ccicma/platform/services/advisor-desk/internal/adapters/live"
	"github.com/ccicma/platform/services/advisor-desk/internal/adapters/postgres"
	"github.com/ccicma/platform/services/advisor-desk/internal/app"
	"github.com/ccicma/platform/services/advisor-desk/internal/domain/directory"
	"github.com/ccicma/platform/services/advisor-desk/internal/ports/httpapi"
	"github.com/ccicma/platform/services/advisor-desk/migrations"
)

const issuerName = "https://idp.test/realms/ccicma"

var loadPlaces = sync.OnceValues(refdata.Load)

// api is the advisor API over a real store, guarded by a verifier of an
// issuer's real tokens.
type api struct {
	ctx    context.Context
	url    string
	pool   *pgxpool.Pool
	issuer *auth.Issuer
}

var clock = time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC)

type nopWaker struct{}

func (nopWaker) Wake() {}

func startAPI(t *testing.T) *api {
	t.Helper()
	ctx := testkit.Context(t)
	pool := testkit.NewSchemas(t, "advisor_desk").Pool(t, outbox.Migrations(), inbox.Migrations(), mailer.Migrations(), migrations.Set())
	ref, err := loadPlaces()
	if err != nil {
		t.Fatal(err)
	}
	iss, err := auth.NewIssuer(auth.IssuerOptions{Issuer: issuerName, Audience: "ccicma"})
	if err != nil {
		t.Fatal(err)
	}
	verifier, err := auth.NewStaticVerifier(auth.Config{Issuer: issuerName}, iss.JWKS(), nil)
	if err != nil {
		t.Fatal(err)
	}
	store := postgres.New(pool, nopWaker{})
	now := func() time.Time { return clock }
	log := slog.New(slog.DiscardHandler)
	routes := httpapi.Routes{Notifications: app.ReadNotifications{Directory: store, Notifications: store}, Live: live.NewHub(), Auth: verifier, Log: log, Poll: time.Second, Heartbeat: time.Second,
		Directory: &httpapi.DirectoryRoutes{
			Read:    app.ReadDirectory{Directory: store},
			Put:     app.PutAdvisor{Directory: store, Places: ref, Now: now},
			Absence: app.SetAbsence{Directory: store, Now: now},
			Import:  app.ImportDirectory{Directory: store, Places: ref, Now: now},
			Auth:    verifier, Log: log,
		}}
	srv := httptest.NewServer(routes.Handler())
	t.Cleanup(srv.Close)
	a := &api{ctx: ctx, url: srv.URL, pool: pool, issuer: iss}
	// The directory the tests start from.
	if status, _, body := a.do(t, a.token(t, "admin-1", "CCI", auth.RoleAdmin), "POST", "/api/v1/directory/import", "text/csv", directoryCSV, nil); status != 200 {
		t.Fatalf("initial import answered %d: %s", status, body)
	}
	return a
}

const directoryCSV = directory.CSVHeader + `
cma-91-001,CMA,Léa Dubois,lea.dubois@cma-idf.example,91,,,creation|takeover,40,advisor|manager,true,
cma-91-002,CMA,Thomas Petit,thomas.petit@cma-idf.example,91,,,creation|difficulty,30,advisor|prevention_cell,true,
cma-91-003,CMA,Inès Moreau,ines.moreau@cma-idf.example,91|77,91228|77288,200059228,creation,30,advisor,true,
`

func (a *api) token(t *testing.T, sub, chamber string, roles ...auth.Role) string {
	t.Helper()
	tok, err := a.issuer.Issue(auth.Principal{Subject: sub, Chamber: chamber, Roles: roles})
	if err != nil {
		t.Fatal(err)
	}
	return tok.AccessToken
}

// do sends a request and decodes a JSON answer into out (if not nil).
func (a *api) do(t *testing.T, token, method, path, contentType, body string, header http.Header) (int, http.Header, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(a.ctx, method, a.url+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, string(b)
}

// events counts the advisor.directory.updated rows of the outbox.
func (a *api) events(t *testing.T) int {
	t.Helper()
	var n int
	if err := a.pool.QueryRow(a.ctx, `SELECT count(*) FROM outbox WHERE topic LIKE 'advisor.directory.updated.%'`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

type advisorJSON struct {
	AdvisorID    string     `json:"advisor_id"`
	FullName     string     `json:"full_name"`
	Email        string     `json:"email"`
	Communes     []string   `json:"communes"`
	Capacity     int        `json:"capacity"`
	AbsentUntil  *time.Time `json:"absent_until"`
	Roles        []string   `json:"roles"`
	Revision     int64      `json:"revision"`
	Departements []string   `json:"departements"`
}

type problem struct {
	Status int    `json:"status"`
	Title  string `json:"title"`
	Errors []struct {
		Row   int    `json:"row"`
		Field string `json:"field"`
		Code  string `json:"code"`
	} `json:"errors"`
}

func decode[T any](t *testing.T, body string) T {
	t.Helper()
	var v T
	if err := json.Unmarshal([]byte(body), &v); err != nil {
		t.Fatalf("decode %q: %v", body, err)
	}
	return v
}

const leaJSON = `{"chamber":"CMA","full_name":"Léa Dubois","email":"lea.dubois@cma-idf.example","departements":["91"],
	"specialities":["creation","takeover"],"capacity":40,"active":true,"roles":["advisor","manager"]}`

// TestDirectoryAccess proves who may use each directory route, both ways:
// an admin may, an advisor, a manager or the prevention cell may not (403),
// nobody without a valid token (401); an advisor sets their own absence.
func TestDirectoryAccess(t *testing.T) {
	t.Parallel()
	a := startAPI(t)
	until := `{"until":"` + clock.Add(72*time.Hour).Format(time.RFC3339) + `"}`
	tok := map[string]string{
		"admin":           a.token(t, "admin-1", "CCI", auth.RoleAdmin),
		"advisor":         a.token(t, "cma-91-003", "CMA", auth.RoleAdvisor),
		"manager":         a.token(t, "cma-91-001", "CMA", auth.RoleAdvisor, auth.RoleManager),
		"prevention cell": a.token(t, "cma-91-004", "CMA", auth.RoleAdvisor, auth.RolePreventionCell),
		"none":            "",
		"garbage":         "not.a.token",
		"another issuer": func() string {
			other, err := auth.NewIssuer(auth.IssuerOptions{Issuer: issuerName, Audience: "ccicma"})
			if err != nil {
				t.Fatal(err)
			}
			tk, err := other.Issue(auth.Principal{Subject: "admin-1", Chamber: "CCI", Roles: []auth.Role{auth.RoleAdmin}})
			if err != nil {
				t.Fatal(err)
			}
			return tk.AccessToken
		}(),
	}
	type route struct{ method, path, contentType, body string }
	adminRoutes := []route{
		{"GET", "/api/v1/directory/advisors", "", ""},
		{"GET", "/api/v1/directory/advisors/cma-91-001", "", ""},
		{"PUT", "/api/v1/directory/advisors/cma-91-001", "application/json", leaJSON},
		{"POST", "/api/v1/directory/import", "text/csv", directoryCSV},
		// Another advisor's absence.
		{"POST", "/api/v1/directory/advisors/cma-91-002/absence", "application/json", until},
		{"DELETE", "/api/v1/directory/advisors/cma-91-002/absence", "", ""},
	}
	for _, r := range adminRoutes {
		for _, as := range []string{"admin", "advisor", "manager", "prevention cell", "none", "garbage", "another issuer"} {
			want := map[string]int{"admin": 200, "none": 401, "garbage": 401, "another issuer": 401}[as]
			if want == 0 {
				want = 403
			}
			t.Run(r.method+" "+r.path+" as "+as, func(t *testing.T) {
				status, h, body := a.do(t, tok[as], r.method, r.path, r.contentType, r.body, nil)
				if status != want {
					t.Fatalf("answered %d, want %d: %s", status, want, body)
				}
				if want != 200 && (h.Get("Content-Type") != "application/problem+json" || decode[problem](t, body).Status != want) {
					t.Errorf("not a %d problem: %s %s", want, h.Get("Content-Type"), body)
				}
				if want == 401 && !strings.HasPrefix(h.Get("WWW-Authenticate"), "Bearer") {
					t.Errorf("401 without a Bearer challenge")
				}
				if want == 403 && strings.Contains(body, "@") {
					t.Errorf("a refusal shows directory data: %s", body)
				}
			})
		}
	}

	t.Run("an advisor sets and clears their own absence", func(t *testing.T) {
		status, _, body := a.do(t, tok["advisor"], "POST", "/api/v1/directory/advisors/cma-91-003/absence", "application/json", until, nil)
		got := decode[advisorJSON](t, body)
		if status != 200 || got.AbsentUntil == nil || !got.AbsentUntil.Equal(clock.Add(72*time.Hour)) {
			t.Fatalf("own absence answered %d %s", status, body)
		}
		if status, _, body := a.do(t, tok["advisor"], "DELETE", "/api/v1/directory/advisors/cma-91-003/absence", "", "", nil); status != 200 ||
			decode[advisorJSON](t, body).AbsentUntil != nil {
			t.Fatalf("own return answered %d %s", status, body)
		}
	})
	t.Run("an advisor cannot probe ids through the absence route", func(t *testing.T) {
		if status, _, _ := a.do(t, tok["advisor"], "POST", "/api/v1/directory/advisors/cma-91-nobody/absence", "application/json", until, nil); status != 403 {
			t.Errorf("absence of an unknown other id answered %d, want 403 (not 404)", status)
		}
	})
}

func TestDirectoryPutAndRevisions(t *testing.T) {
	t.Parallel()
	a := startAPI(t)
	admin := a.token(t, "admin-1", "CCI", auth.RoleAdmin)
	before := a.events(t)
	path := "/api/v1/directory/advisors/cci-91-010"
	body := `{"chamber":"CCI","full_name":"Hugo Lambert","email":"hugo.lambert@cci-essonne.example","departements":["91"],
		"communes":["91228"],"specialities":["takeover"],"capacity":25,"active":true,"roles":["advisor"]}`

	status, h, resp := a.do(t, admin, "PUT", path, "application/json", body, nil)
	got := decode[advisorJSON](t, resp)
	if status != 201 || h.Get("Location") != path || h.Get("ETag") != `"1"` || got.Revision != 1 || got.FullName != "Hugo Lambert" ||
		!slices.Equal(got.Communes, []string{"91228"}) {
		t.Fatalf("create answered %d %v %s", status, h, resp)
	}
	status, h, resp = a.do(t, admin, "GET", path, "", "", nil)
	if status != 200 || h.Get("ETag") != `"1"` || decode[advisorJSON](t, resp).Email != "hugo.lambert@cci-essonne.example" {
		t.Fatalf("read answered %d %v %s", status, h, resp)
	}
	// The same entry again: 200, no new revision, no event.
	if status, h, _ := a.do(t, admin, "PUT", path, "application/json", body, nil); status != 200 || h.Get("ETag") != `"1"` {
		t.Fatalf("unchanged put answered %d %v", status, h)
	}
	if n := a.events(t) - before; n != 1 {
		t.Fatalf("%d events after a create and an unchanged put, want 1", n)
	}

	changed := strings.Replace(body, `"capacity":25`, `"capacity":35`, 1)
	match := func(v string) http.Header { return http.Header{"If-Match": {v}} }
	if status, h, _ := a.do(t, admin, "PUT", path, "application/json", changed, match(`"1"`)); status != 200 || h.Get("ETag") != `"2"` {
		t.Fatalf("put against the current revision answered %d %v", status, h)
	}
	// A writer who read revision 1 loses: 412, nothing changes.
	for _, v := range []string{`"1"`, `"9"`, `1`, `W/"2"`, `"x"`} {
		status, _, resp := a.do(t, admin, "PUT", path, "application/json", strings.Replace(body, "25", "5", 1), match(v))
		if status != 412 || decode[problem](t, resp).Status != 412 {
			t.Errorf("put with If-Match %s answered %d, want 412", v, status)
		}
	}
	if status, _, _ := a.do(t, admin, "PUT", "/api/v1/directory/advisors/cci-91-011", "application/json", body, match(`"1"`)); status != 412 {
		t.Errorf("If-Match on a new entry answered %d, want 412", status)
	}
	if status, h, _ := a.do(t, admin, "PUT", path, "application/json", body, match(`*`)); status != 200 || h.Get("ETag") != `"3"` {
		t.Errorf("If-Match * on an existing entry answered %d %v", status, h)
	}
	if n := a.events(t) - before; n != 3 {
		t.Errorf("%d events, want one per real change (3)", n)
	}
	if status, _, _ := a.do(t, admin, "GET", "/api/v1/directory/advisors/cci-91-999", "", "", nil); status != 404 {
		t.Errorf("unknown advisor answered %d", status)
	}

	t.Run("invalid entries", func(t *testing.T) {
		tests := []struct {
			name, path, body string
			status           int
			fields           []string
		}{
			{"several bad fields", path, `{"chamber":"CCIMA","full_name":"","email":"hugo","departements":["99"],"specialities":["export"],
				"capacity":-1,"active":true,"roles":["boss"]}`, 422,
				[]string{"chamber", "full_name", "email", "departements", "specialities", "capacity", "roles"}},
			{"active left out", path, strings.Replace(body, `"active":true,`, "", 1), 422, []string{"active"}},
			{"id in the body differs", path, strings.Replace(body, `{`, `{"advisor_id":"cci-91-012",`, 1), 422, []string{"advisor_id"}},
			{"bad id in the path", "/api/v1/directory/advisors/X", body, 422, []string{"advisor_id"}},
			{"unknown member", path, strings.Replace(body, `{`, `{"revision":7,`, 1), 400, []string{"revision"}},
		}
		for _, tt := range tests {
			status, h, resp := a.do(t, admin, "PUT", tt.path, "application/json", tt.body, nil)
			p := decode[problem](t, resp)
			var fields []string
			for _, e := range p.Errors {
				fields = append(fields, e.Field)
			}
			if status != tt.status || h.Get("Content-Type") != "application/problem+json" || !slices.Equal(fields, tt.fields) {
				t.Errorf("%s: %d %s, want %d naming %v", tt.name, status, resp, tt.status, tt.fields)
			}
		}
		if n := a.events(t) - before; n != 3 {
			t.Errorf("refused puts emitted events: %d", n)
		}
	})

	t.Run("absence", func(t *testing.T) {
		abs := "/api/v1/directory/advisors/cci-91-010/absence"
		for _, tt := range []struct {
			body   string
			status int
		}{
			{`{"until":"` + clock.Add(-time.Hour).Format(time.RFC3339) + `"}`, 422},
			{`{"until":"` + clock.Add(3*365*24*time.Hour).Format(time.RFC3339) + `"}`, 422},
			{`{}`, 422},
			{`{"until":"demain"}`, 400},
		} {
			if status, _, resp := a.do(t, admin, "POST", abs, "application/json", tt.body, nil); status != tt.status {
				t.Errorf("absence %s answered %d, want %d: %s", tt.body, status, tt.status, resp)
			}
		}
		ok := `{"until":"` + clock.Add(48*time.Hour).Format(time.RFC3339) + `"}`
		if status, _, _ := a.do(t, admin, "POST", abs, "application/json", ok, match(`"1"`)); status != 412 {
			t.Errorf("absence against a stale revision answered %d", status)
		}
		if status, h, _ := a.do(t, admin, "POST", abs, "application/json", ok, match(`"3"`)); status != 200 || h.Get("ETag") != `"4"` {
			t.Errorf("absence answered %d %v", status, h)
		}
		if status, _, _ := a.do(t, admin, "POST", "/api/v1/directory/advisors/cci-91-999/absence", "application/json", ok, nil); status != 404 {
			t.Errorf("absence of an unknown advisor answered %d", status)
		}
		if n := a.events(t) - before; n != 4 {
			t.Errorf("%d events, want 4", n)
		}
	})
}

func TestDirectoryImport(t *testing.T) {
	t.Parallel()
	a := startAPI(t)
	admin := a.token(t, "admin-1", "CCI", auth.RoleAdmin)
	before := a.events(t)

	// The same file again: nothing new.
	status, _, resp := a.do(t, admin, "POST", "/api/v1/directory/import", "text/csv; charset=utf-8", directoryCSV, nil)
	if status != 200 || decode[app.ImportResult](t, resp) != (app.ImportResult{Unchanged: 3}) {
		t.Fatalf("re-import answered %d %s", status, resp)
	}
	if n := a.events(t) - before; n != 0 {
		t.Errorf("re-importing the same file emitted %d events", n)
	}

	// A change and a new advisor.
	file := strings.Replace(directoryCSV, "creation,30,advisor,true,", "creation,20,advisor,true,", 1) +
		"cci-91-001,CCI,Camille Martin,camille.martin@cci-essonne.example,91,,,creation,40,advisor,true,\n"
	status, _, resp = a.do(t, admin, "POST", "/api/v1/directory/import", "text/csv", file, nil)
	if status != 200 || decode[app.ImportResult](t, resp) != (app.ImportResult{Created: 1, Updated: 1, Unchanged: 2}) {
		t.Fatalf("import answered %d %s", status, resp)
	}
	if n := a.events(t) - before; n != 2 {
		t.Errorf("%d events, want 2", n)
	}

	// Bad rows: 422 naming each, nothing written.
	bad := file + "cci-91-002,CCI,Karim Benali,karim@cci-essonne.example,91,,,creation,quarante,advisor,true,\n" +
		"cci-91-003,CXI,Zoé Blanc,zoe@cci-essonne.example,91,,,creation,4,advisor,true,\n"
	bad = strings.Replace(bad, "creation,20,advisor", "creation,21,advisor", 1)
	status, h, resp := a.do(t, admin, "POST", "/api/v1/directory/import", "text/csv", bad, nil)
	p := decode[problem](t, resp)
	var got []string
	for _, e := range p.Errors {
		got = append(got, e.Field+"@"+strconv.Itoa(e.Row))
	}
	if status != 422 || h.Get("Content-Type") != "application/problem+json" || !slices.Equal(got, []string{"capacity@6", "chamber@7"}) {
		t.Fatalf("bad import answered %d %s %s; want 422 naming capacity row 6 and chamber row 7", status, h.Get("Content-Type"), resp)
	}
	if n := a.events(t) - before; n != 2 {
		t.Errorf("a refused import emitted events: %d", n)
	}
	status, _, resp = a.do(t, admin, "GET", "/api/v1/directory/advisors/cma-91-003", "", "", nil)
	if status != 200 || decode[advisorJSON](t, resp).Capacity != 20 {
		t.Errorf("a refused import changed cma-91-003: %s", resp)
	}

	if status, _, _ := a.do(t, admin, "POST", "/api/v1/directory/import", "application/json", `[]`, nil); status != 415 {
		t.Errorf("JSON body answered %d, want 415", status)
	}
	huge := directory.CSVHeader + "\n" + strings.Repeat("x", httpapi.MaxImportBody)
	if status, _, _ := a.do(t, admin, "POST", "/api/v1/directory/import", "text/csv", huge, nil); status != 413 {
		t.Errorf("oversized file answered %d, want 413", status)
	}

	status, _, resp = a.do(t, admin, "GET", "/api/v1/directory/advisors", "", "", nil)
	list := decode[struct{ Advisors []advisorJSON }](t, resp)
	var ids []string
	for _, x := range list.Advisors {
		ids = append(ids, x.AdvisorID)
	}
	if status != 200 || !slices.Equal(ids, []string{"cci-91-001", "cma-91-001", "cma-91-002", "cma-91-003"}) {
		t.Errorf("list answered %d with %v", status, ids)
	}
}
