package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ccicma/platform/pkg/audit"
	"github.com/ccicma/platform/pkg/auth"
	"github.com/ccicma/platform/pkg/events"
	"github.com/ccicma/platform/pkg/inbox"
	"github.com/ccicma/platform/pkg/mailer"
	"github.com/ccicma/platform/pkg/outbox"
	"github.com/ccicma/platform/pkg/refdata"
	"github.com/ccicma/platform/pkg/testkit"

	"github.com/ccicma/platform/services/intake/internal/adapters/postgres"
	"github.com/ccicma/platform/services/intake/internal/app"
	"github.com/ccicma/platform/services/intake/internal/domain/request"
	"github.com/ccicma/platform/services/intake/internal/domain/routing"
	"github.com/ccicma/platform/services/intake/internal/ports/httpapi"
	"github.com/ccicma/platform/services/intake/migrations"
)

const endpoint = "/api/v1/creation-requests"

// waker counts the relay wake-ups the store asks for.
type waker struct{ n atomic.Int64 }

func (w *waker) Wake() { w.n.Add(1) }

// env is intake's HTTP port, use cases and Postgres store on a fresh
// database, without NATS: the outbox rows are the observable output.
type env struct {
	ctx    context.Context
	pool   *pgxpool.Pool
	waker  *waker
	srv    *httptest.Server
	issuer *auth.Issuer // signs advisors' tokens the routes accept
	store  *postgres.Store
}

var (
	refOnce sync.Once
	ref     *refdata.Data
	refErr  error
)

func setup(t testing.TB) *env {
	t.Helper()
	return setupWith(t, nil)
}

// setupWith is setup with the store adjusted before use (e.g. EnableMail).
func setupWith(t testing.TB, configure func(*postgres.Store)) *env {
	t.Helper()
	refOnce.Do(func() { ref, refErr = refdata.Load() })
	if refErr != nil {
		t.Fatalf("load reference data: %v", refErr)
	}
	e := &env{ctx: testkit.Context(t), waker: &waker{}}
	pool := testkit.NewSchemas(t, "intake").Pool(t, outbox.Migrations(), inbox.Migrations(), audit.Migrations(), mailer.Migrations(),
		migrations.Set())
	e.pool = pool
	store := postgres.New(pool, e.waker)
	if configure != nil {
		configure(store)
	}
	e.store = store
	router := routing.Router{Ref: ref, Departements: []string{"91"}}
	now := func() time.Time { return time.Now().UTC() }
	routes := httpapi.Routes{
		Creation:      app.SubmitCreation{Requests: store, Ref: ref, Router: router, Now: now},
		TakeoverOffer: app.SubmitTakeoverOffer{Requests: store, Ref: ref, Router: router, Now: now},
		BuyerSearch:   app.SubmitBuyerSearch{Requests: store, Ref: ref, Router: router, Now: now},
		Difficulty: app.SubmitDifficultyReport{Requests: store, Ref: ref, Router: router,
			Thresholds: request.DefaultThresholds(), Now: now},
		Status:   app.RequestStatus{Requests: store},
		Requests: app.ReadRequest{Log: store, Now: now},
		AuditLog: app.ReadAuditLog{Log: store},
		Log:      slog.New(slog.DiscardHandler),
	}
	authCfg := auth.Config{Issuer: "intake-test"}
	var err error
	if e.issuer, err = auth.NewIssuer(auth.IssuerOptions{Issuer: authCfg.Issuer, Audience: "ccicma"}); err != nil {
		t.Fatal(err)
	}
	if routes.Auth, err = auth.NewStaticVerifier(authCfg, e.issuer.JWKS(), nil); err != nil {
		t.Fatal(err)
	}
	e.srv = httptest.NewServer(routes.Handler())
	t.Cleanup(e.srv.Close)
	return e
}

// bakery is a valid creation request; its personal data must stay in
// intake's requests table.
const bakery = `{
  "applicant": {"first_name": "Inès", "last_name": "Moreau", "email": "ines.moreau@example.fr", "phone": "06 12 34 56 78"},
  "project": {"description": "Ouverture d'une boulangerie-pâtisserie artisanale", "naf_code": "1071C",
              "legal_form": "SARL", "postcode": "91000", "planned_headcount": 3, "planned_start": "2027-03-01"}
}`

var personalData = []string{"Inès", "Moreau", "ines.moreau@example.fr", "+33612345678", "06 12 34 56 78"}

type response struct {
	status      int
	contentType string
	location    string
	body        map[string]any
}

func (e *env) do(t *testing.T, method, path, contentType, key string, body []byte) response {
	t.Helper()
	req, err := http.NewRequestWithContext(e.ctx, method, e.srv.URL+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	resp, err := e.srv.Client().Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	r := response{status: resp.StatusCode, contentType: resp.Header.Get("Content-Type"), location: resp.Header.Get("Location")}
	if err := json.Unmarshal(raw, &r.body); err != nil {
		t.Fatalf("%s %s answered %d with a body that is not a JSON object: %q", method, path, resp.StatusCode, raw)
	}
	return r
}

func (e *env) post(t *testing.T, body, key string) response {
	t.Helper()
	return e.do(t, http.MethodPost, endpoint, "application/json", key, []byte(body))
}

func (e *env) count(t *testing.T, table string) int {
	t.Helper()
	var n int
	if err := e.pool.QueryRow(e.ctx, `SELECT count(*) FROM `+table).Scan(&n); err != nil {
		t.Fatalf("count %s: %v", table, err)
	}
	return n
}

// assertStored checks how many requests, outbox rows and idempotency keys
// the database holds.
func (e *env) assertStored(t *testing.T, requests, outboxRows, keys int) {
	t.Helper()
	for table, want := range map[string]int{"requests": requests, "outbox": outboxRows, "idempotency_keys": keys} {
		if got := e.count(t, table); got != want {
			t.Errorf("%s holds %d rows, want %d", table, got, want)
		}
	}
}

// fieldErrors returns "field (code)" of a problem's errors.
func fieldErrors(body map[string]any) []string {
	var out []string
	list, _ := body["errors"].([]any)
	for _, x := range list {
		fe, _ := x.(map[string]any)
		out = append(out, str(fe["field"])+" ("+str(fe["code"])+")")
	}
	return out
}

func str(v any) string { s, _ := v.(string); return s }

func TestSubmitCreationStoresRequestAndEventTogether(t *testing.T) {
	t.Parallel()
	e := setup(t)
	r := e.post(t, bakery, "")
	if r.status != http.StatusAccepted {
		t.Fatalf("POST answered %d %v, want 202", r.status, r.body)
	}
	id := str(r.body["request_id"])
	if id == "" || r.location != endpoint+"/"+id || r.body["status_url"] != r.location || r.body["status"] != "received" {
		t.Fatalf("answer %v with Location %q: want request_id, status received and Location = status_url", r.body, r.location)
	}
	routingOut, _ := r.body["routing"].(map[string]any)
	if routingOut["lead_chamber"] != "CMA" || routingOut["rule_id"] != "artisanal-always-small" || str(routingOut["reason"]) == "" {
		t.Errorf("routing = %v, want CMA by artisanal-always-small with a reason", routingOut)
	}
	e.assertStored(t, 1, 1, 0)
	if n := e.waker.n.Load(); n != 1 {
		t.Errorf("relay woken %d times, want 1", n)
	}

	// The request row keeps the personal data; the outbox row does not.
	var details, headers []byte
	var dept, naf string
	if err := e.pool.QueryRow(e.ctx, `SELECT details, departement, naf_code FROM requests WHERE request_id = $1`, id).
		Scan(&details, &dept, &naf); err != nil {
		t.Fatalf("read request %s: %v", id, err)
	}
	if dept != "91" || naf != "10.71C" || !strings.Contains(string(details), "ines.moreau@example.fr") {
		t.Errorf("stored request: département %q, NAF %q, details %s", dept, naf, details)
	}
	var topic string
	var payload []byte
	if err := e.pool.QueryRow(e.ctx, `SELECT topic, headers, payload FROM outbox`).Scan(&topic, &headers, &payload); err != nil {
		t.Fatal(err)
	}
	if topic != "intake.creation.submitted.91" {
		t.Errorf("outbox topic %q, want intake.creation.submitted.91", topic)
	}
	for _, s := range personalData {
		if bytes.Contains(payload, []byte(s)) || bytes.Contains(headers, []byte(s)) {
			t.Errorf("outbox row carries personal data %q: %s %s", s, headers, payload)
		}
	}
	var h map[string][]string
	if err := json.Unmarshal(headers, &h); err != nil {
		t.Fatal(err)
	}
	ev, err := events.FromMessage(topic, h, payload)
	if err != nil {
		t.Fatalf("outbox row is not a valid event: %v", err)
	}
	sub, err := events.Decode[events.CreationSubmitted](ev)
	if err != nil {
		t.Fatalf("decode payload: %v", err)
	}
	if ev.Subject != id || sub.RequestID != id || sub.NAFCode != "10.71C" || sub.CommuneCode != "91228" || sub.Routing.RuleID != "artisanal-always-small" {
		t.Errorf("event subject %q, payload %+v: want request %s, 10.71C in 91228", ev.Subject, sub, id)
	}

	// The applicant follows the request through its status.
	st := e.do(t, http.MethodGet, r.location, "", "", nil)
	if st.status != http.StatusOK || st.body["request_id"] != id || st.body["kind"] != "creation" || st.body["status"] != "received" {
		t.Fatalf("GET %s = %d %v", r.location, st.status, st.body)
	}
	stRouting, _ := st.body["routing"].(map[string]any)
	if stRouting["lead_chamber"] != "CMA" || stRouting["rule_id"] != "artisanal-always-small" || stRouting["reason"] != routingOut["reason"] {
		t.Errorf("status routing = %v, want the routing of the answer %v", stRouting, routingOut)
	}
	raw, _ := json.Marshal(st.body)
	for _, s := range personalData {
		if strings.Contains(string(raw), s) {
			t.Errorf("status shows personal data %q: %s", s, raw)
		}
	}
}

func TestRejectedSubmissionsStoreNothing(t *testing.T) {
	t.Parallel()
	e := setup(t)
	huge := strings.Replace(bakery, `"Ouverture`, `"`+strings.Repeat("a", httpapi.MaxBody)+`Ouverture`, 1)
	tests := []struct {
		name        string
		contentType string
		key         string
		body        string
		status      int
		fields      []string // exact field errors, in order
		anyFields   bool     // the field errors are not checked
	}{
		{
			name: "invalid fields", status: http.StatusUnprocessableEntity,
			body: `{"applicant": {"first_name": "", "last_name": "Moreau", "email": "ines@", "phone": "12"},
			        "project": {"description": "court", "naf_code": "99.99Z", "postcode": "91100", "planned_headcount": -1, "siret": "73282932000075"}}`,
			fields: []string{"applicant.first_name (required)", "applicant.email (format)", "applicant.phone (format)",
				"project.description (length)", "project.naf_code (unknown)", "project.commune_code (ambiguous)",
				"project.planned_headcount (range)", "project.siret (checksum)"},
		},
		{
			name: "one invalid field", status: http.StatusUnprocessableEntity,
			body:   strings.Replace(bakery, `"postcode": "91000"`, `"postcode": "99999"`, 1),
			fields: []string{"project.postcode (unknown)"},
		},
		{name: "empty object", status: http.StatusUnprocessableEntity, body: `{}`,
			fields: []string{"applicant.first_name (required)", "applicant.last_name (required)", "applicant.email (format)",
				"project.description (length)", "project.postcode (format)"}},
		{name: "malformed JSON", status: http.StatusBadRequest, body: `{"applicant": {"first_name": "Inès",`},
		{name: "not an object", status: http.StatusBadRequest, body: `["Inès"]`, anyFields: true},
		{name: "empty body", status: http.StatusBadRequest, body: ``},
		{name: "trailing data", status: http.StatusBadRequest, body: bakery + `{}`},
		{name: "unknown field", status: http.StatusBadRequest, body: strings.Replace(bakery, `"phone"`, `"password": "x", "phone"`, 1),
			fields: []string{"password (unknown)"}},
		{name: "wrong type", status: http.StatusBadRequest, body: strings.Replace(bakery, `"planned_headcount": 3`, `"planned_headcount": "3"`, 1),
			fields: []string{"project.planned_headcount (type)"}},
		{name: "body over 64 KiB", status: http.StatusRequestEntityTooLarge, body: huge},
		{name: "not JSON", status: http.StatusUnsupportedMediaType, contentType: "text/plain", body: bakery},
		{name: "bad idempotency key", status: http.StatusBadRequest, key: "short", body: bakery,
			fields: []string{"Idempotency-Key (format)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ct := tt.contentType
			if ct == "" {
				ct = "application/json"
			}
			r := e.do(t, http.MethodPost, endpoint, ct, tt.key, []byte(tt.body))
			if r.status != tt.status {
				t.Fatalf("POST answered %d %v, want %d", r.status, r.body, tt.status)
			}
			if r.contentType != "application/problem+json" || r.body["status"] != float64(tt.status) || str(r.body["title"]) == "" {
				t.Errorf("answer %s %v is not a problem+json document of status %d", r.contentType, r.body, tt.status)
			}
			if got := fieldErrors(r.body); !tt.anyFields && strings.Join(got, ", ") != strings.Join(tt.fields, ", ") {
				t.Errorf("field errors:\n got  %v\n want %v", got, tt.fields)
			}
			e.assertStored(t, 0, 0, 0)
		})
	}
	if n := e.waker.n.Load(); n != 0 {
		t.Errorf("relay woken %d times with nothing stored", n)
	}

	// Nothing stored, nothing to show: unknown ids and ids that are not
	// UUIDs are both "not found".
	for _, id := range []string{"01920000-0000-7000-8000-000000000099", "not-a-uuid", "1", "'%20OR%201=1"} {
		r := e.do(t, http.MethodGet, endpoint+"/"+id, "", "", nil)
		if r.status != http.StatusNotFound || r.contentType != "application/problem+json" {
			t.Errorf("GET %s = %d %s %v, want 404 problem", id, r.status, r.contentType, r.body)
		}
	}
}

func TestIdempotencyKey(t *testing.T) {
	t.Parallel()
	e := setup(t)

	first := e.post(t, bakery, "client-retry-0001")
	if first.status != http.StatusAccepted {
		t.Fatalf("first POST answered %d %v", first.status, first.body)
	}
	id := str(first.body["request_id"])

	// The same body, formatted differently, is the same request.
	var compact bytes.Buffer
	if err := json.Compact(&compact, []byte(bakery)); err != nil {
		t.Fatal(err)
	}
	for i, body := range []string{bakery, compact.String()} {
		again := e.post(t, body, "client-retry-0001")
		if again.status != http.StatusAccepted || again.body["request_id"] != id || again.location != first.location {
			t.Fatalf("retry %d answered %d %v (Location %q), want 202 with request %s", i, again.status, again.body, again.location, id)
		}
		if got, want := again.body["routing"], first.body["routing"]; !equalJSON(got, want) {
			t.Errorf("retry %d routing %v, want %v", i, got, want)
		}
	}
	e.assertStored(t, 1, 1, 1)

	// The same key with another body is refused and stores nothing.
	other := strings.Replace(bakery, `"planned_headcount": 3`, `"planned_headcount": 4`, 1)
	conflict := e.post(t, other, "client-retry-0001")
	if conflict.status != http.StatusUnprocessableEntity || conflict.contentType != "application/problem+json" {
		t.Fatalf("same key, other body answered %d %s %v, want 422 problem", conflict.status, conflict.contentType, conflict.body)
	}
	e.assertStored(t, 1, 1, 1)
	if again := e.post(t, bakery, "client-retry-0001"); again.body["request_id"] != id {
		t.Fatalf("after the conflict, the key answers %v, want request %s", again.body, id)
	}

	// Without a key, the same body is a new request; another key too.
	if r := e.post(t, bakery, ""); r.status != http.StatusAccepted || r.body["request_id"] == id {
		t.Fatalf("POST without key answered %d %v, want a new request", r.status, r.body)
	}
	if r := e.post(t, bakery, "client-retry-0002"); r.status != http.StatusAccepted || r.body["request_id"] == id {
		t.Fatalf("POST with another key answered %d %v, want a new request", r.status, r.body)
	}
	e.assertStored(t, 3, 3, 2)
	if n := e.waker.n.Load(); n != 3 {
		t.Errorf("relay woken %d times, want 3 (once per stored request)", n)
	}

	// Concurrent retries with a fresh key (a double click, a retrying
	// proxy) store one request, and every client learns its id.
	const clients = 8
	ids := make([]string, clients)
	codes := make([]int, clients)
	var start, wg sync.WaitGroup
	start.Add(1)
	for i := range clients {
		wg.Go(func() {
			start.Wait()
			req, err := http.NewRequestWithContext(e.ctx, http.MethodPost, e.srv.URL+endpoint, strings.NewReader(bakery))
			if err != nil {
				t.Error(err)
				return
			}
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Idempotency-Key", "double-click-0001")
			resp, err := e.srv.Client().Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			defer resp.Body.Close()
			var out map[string]any
			if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
				t.Error(err)
				return
			}
			codes[i], ids[i] = resp.StatusCode, str(out["request_id"])
		})
	}
	start.Done()
	wg.Wait()
	for i := range clients {
		if codes[i] != http.StatusAccepted || ids[i] == "" || ids[i] != ids[0] || ids[i] == id {
			t.Errorf("client %d: %d with request %q; want 202 with the request of client 0 (%q)", i, codes[i], ids[i], ids[0])
		}
	}
	e.assertStored(t, 4, 4, 3)
	if n := e.waker.n.Load(); n != 4 {
		t.Errorf("relay woken %d times, want 4", n)
	}
}

func equalJSON(a, b any) bool {
	x, err1 := json.Marshal(a)
	y, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && bytes.Equal(x, y)
}
