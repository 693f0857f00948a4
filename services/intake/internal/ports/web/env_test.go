package web_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ccicma/platform/pkg/inbox"
	"github.com/ccicma/platform/pkg/outbox"
	"github.com/ccicma/platform/pkg/refdata"
	"github.com/ccicma/platform/pkg/testkit"

	"github.com/ccicma/platform/services/intake/internal/adapters/postgres"
	"github.com/ccicma/platform/services/intake/internal/app"
	"github.com/ccicma/platform/services/intake/internal/domain/request"
	"github.com/ccicma/platform/services/intake/internal/domain/routing"
	"github.com/ccicma/platform/services/intake/internal/ports/httpapi"
	"github.com/ccicma/platform/services/intake/internal/ports/web"
	"github.com/ccicma/platform/services/intake/migrations"
)

// env is the pages, the JSON API behind them, the use cases and the
// Postgres store on a fresh database, without NATS: the requests and
// outbox tables are the observable output.
type env struct {
	ctx  context.Context
	pool *pgxpool.Pool
	srv  *httptest.Server
}

var (
	refOnce sync.Once
	ref     *refdata.Data
	refErr  error
)

type nopWaker struct{}

func (nopWaker) Wake() {}

func setup(t *testing.T) *env {
	t.Helper()
	refOnce.Do(func() { ref, refErr = refdata.Load() })
	if refErr != nil {
		t.Fatalf("load reference data: %v", refErr)
	}
	e := &env{ctx: testkit.Context(t)}
	pool := testkit.NewSchemas(t, "intake").Pool(t, outbox.Migrations(), inbox.Migrations(), migrations.Set())
	e.pool = pool
	store := postgres.New(pool, nopWaker{})
	log := slog.New(slog.DiscardHandler)
	router := routing.Router{Ref: ref, Departements: []string{"91"}}
	now := func() time.Time { return time.Now().UTC() }
	creation := app.SubmitCreation{Requests: store, Ref: ref, Router: router, Now: now}
	offer := app.SubmitTakeoverOffer{Requests: store, Ref: ref, Router: router, Now: now}
	search := app.SubmitBuyerSearch{Requests: store, Ref: ref, Router: router, Now: now}
	difficulty := app.SubmitDifficultyReport{Requests: store, Ref: ref, Router: router, Thresholds: request.DefaultThresholds(), Now: now}
	status := app.RequestStatus{Requests: store}
	api := httpapi.Routes{Creation: creation, TakeoverOffer: offer, BuyerSearch: search, Difficulty: difficulty, Status: status, Log: log}
	pages := web.Routes{Creation: creation, TakeoverOffer: offer, BuyerSearch: search, Difficulty: difficulty, Status: status,
		Ref: ref, Departements: []string{"91"}, API: api.Handler(), Log: log}
	e.srv = httptest.NewServer(pages.Handler())
	t.Cleanup(e.srv.Close)
	return e
}

// count returns the number of rows of a table.
func (e *env) count(t *testing.T, table string) int {
	t.Helper()
	var n int
	if err := e.pool.QueryRow(e.ctx, `SELECT count(*) FROM `+table).Scan(&n); err != nil {
		t.Fatalf("count %s: %v", table, err)
	}
	return n
}

// assertStored checks how many requests and outbox rows of INTAKE's
// events the database holds (a difficulty report also has its business's
// identity on the confidential PREVENTION stream, checked by the API's
// tests).
func (e *env) assertStored(t *testing.T, requests int) {
	t.Helper()
	if got := e.count(t, "requests"); got != requests {
		t.Errorf("requests holds %d rows, want %d", got, requests)
	}
	var got int
	if err := e.pool.QueryRow(e.ctx, `SELECT count(*) FROM outbox WHERE topic LIKE 'intake.%'`).Scan(&got); err != nil {
		t.Fatal(err)
	}
	if got != requests {
		t.Errorf("outbox holds %d rows of INTAKE, want %d (one event per request)", got, requests)
	}
}

// page is an answer of the server, body read.
type page struct {
	status int
	header http.Header
	body   string
}

// noRedirect is a client that shows redirects instead of following them.
func (e *env) client() *http.Client {
	c := *e.srv.Client()
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &c
}

func (e *env) get(t *testing.T, path string, header ...string) page {
	t.Helper()
	req, err := http.NewRequestWithContext(e.ctx, http.MethodGet, e.srv.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return e.do(t, req)
}

func (e *env) postForm(t *testing.T, path string, form url.Values) page {
	t.Helper()
	req, err := http.NewRequestWithContext(e.ctx, http.MethodPost, e.srv.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return e.do(t, req)
}

func (e *env) do(t *testing.T, req *http.Request) page {
	t.Helper()
	resp, err := e.client().Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return page{status: resp.StatusCode, header: resp.Header, body: string(b)}
}

// bakery is a valid creation form, as a browser posts it.
func bakery() url.Values {
	return url.Values{
		"applicant.first_name":      {"Inès"},
		"applicant.last_name":       {"Moreau"},
		"applicant.email":           {"ines.moreau@example.fr"},
		"applicant.phone":           {"06 12 34 56 78"},
		"project.description":       {"Ouverture d'une boulangerie-pâtisserie artisanale"},
		"project.naf_code":          {"1071C"},
		"project.legal_form":        {"SARL"},
		"project.planned_start":     {"2027-03-01"},
		"project.planned_headcount": {"3"},
		"project.siret":             {""},
		"project.postcode":          {"91000"},
		"project.commune_code":      {""},
		"website":                   {""},
		"form_token":                {"AAAAAAAAAAAAAAAAAAAAAA"},
		"action":                    {"send"},
	}
}
