package service_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"
	"github.com/pb33f/libopenapi-validator/config"

	"github.com/ccicma/platform/pkg/events"
	"github.com/ccicma/platform/pkg/testkit"

	"github.com/ccicma/platform/services/intake/internal/ports/httpapi"
	"github.com/ccicma/platform/services/intake/service"
)

// start runs intake as cmd/intake and devstack do, on real Postgres and
// NATS, behind a loopback "proxy": the test's clients are told apart by
// X-Forwarded-For. The rate is one submission a minute after a burst of
// 10, so that no machine is slow enough for a client to earn a token back
// during a test.
func start(t *testing.T) *testkit.Harness {
	t.Helper()
	h := testkit.NewHarness(t, service.Name, service.Schema)
	cfg := testkit.Load(h, service.LoadConfig)
	cfg.RateLimitPerMinute, cfg.RateLimitBurst = 1, 10
	cfg.TrustedProxies = []string{"127.0.0.1/32"}
	cfg.AnonymiseEvery = 50 * time.Millisecond
	h.Serve(service.New(h.Ctx, cfg, testkit.Quiet()))
	return h
}

const bakery = `{
  "applicant": {"first_name": "Inès", "last_name": "Moreau", "email": "ines.moreau@example.fr"},
  "project": {"description": "Ouverture d'une boulangerie-pâtisserie artisanale", "naf_code": "1071C",
              "postcode": "91000", "planned_headcount": 3}
}`

type answer struct {
	status      int
	contentType string
	retryAfter  string
	body        []byte
	req         *http.Request // as sent, body readable again
	res         *http.Response
}

// send sends a request from client (X-Forwarded-For; empty: the proxy
// itself).
func send(t *testing.T, method, url, client, body string) answer {
	t.Helper()
	newReq := func() *http.Request {
		var rd io.Reader
		if body != "" {
			rd = strings.NewReader(body)
		}
		req, err := http.NewRequest(method, url, rd)
		if err != nil {
			t.Fatal(err)
		}
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		if client != "" {
			req.Header.Set("X-Forwarded-For", client)
		}
		return req
	}
	res, err := http.DefaultClient.Do(newReq())
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	res.Body = io.NopCloser(bytes.NewReader(raw))
	return answer{status: res.StatusCode, contentType: res.Header.Get("Content-Type"), retryAfter: res.Header.Get("Retry-After"),
		body: raw, req: newReq(), res: res}
}

// TestSubmissionsAreRateLimitedPerClient: the 11th rapid POST of one
// client is refused with Retry-After, on the API and the forms alike,
// while another client still gets its answer and reads stay open.
func TestSubmissionsAreRateLimitedPerClient(t *testing.T) {
	t.Parallel()
	base := start(t).URL
	api := base + httpapi.CreationPath
	const a, b = "203.0.113.7", "198.51.100.9"

	var accepted string
	for i := range 10 {
		body, want := bakery, http.StatusAccepted
		if i%2 == 1 {
			body, want = `{}`, http.StatusUnprocessableEntity // a refused submission costs a token too
		}
		r := send(t, http.MethodPost, api, a, body)
		if r.status != want {
			t.Fatalf("POST %d from %s: %d %s, want %d", i+1, a, r.status, r.body, want)
		}
		if want == http.StatusAccepted {
			accepted = r.res.Header.Get("Location")
		}
	}
	for _, c := range []struct{ method, path, body string }{
		{http.MethodPost, httpapi.CreationPath, bakery},
		{http.MethodPost, httpapi.DifficultyPath, `{}`},
		{http.MethodPost, "/creation", "prenom=Ines"}, // the forms share the bucket
	} {
		r := send(t, c.method, base+c.path, a, c.body)
		secs, err := strconv.Atoi(r.retryAfter)
		if r.status != http.StatusTooManyRequests || r.contentType != "application/problem+json" || err != nil || secs < 1 || secs > 60 ||
			!bytes.Contains(r.body, []byte("Trop de requêtes")) {
			t.Errorf("11th %s %s from %s: %d %s, Retry-After %q; want a 429 problem with 1 to 60 seconds to wait",
				c.method, c.path, a, r.status, r.body, r.retryAfter)
		}
	}
	if r := send(t, http.MethodGet, base+accepted, a, ""); r.status != http.StatusOK {
		t.Errorf("GET %s from the limited client: %d, want 200 (reads are not limited)", accepted, r.status)
	}
	// Other clients, and the proxy itself, have their own buckets.
	for _, c := range []struct {
		client, body string
		want         int
	}{
		{b, bakery, http.StatusAccepted}, {b, `{}`, http.StatusUnprocessableEntity}, {"", bakery, http.StatusAccepted},
	} {
		if r := send(t, http.MethodPost, api, c.client, c.body); r.status != c.want {
			t.Errorf("POST from %q: %d %s, want %d", c.client, r.status, r.body, c.want)
		}
	}
}

// TestServedOperationsMatchOpenAPI: through the whole service (forms,
// API, rate limiter), every operation of the document is served and
// answers as the document says; and the web port serves no /api/ route
// the document lacks (ports/http holds its own routes to the document).
func TestServedOperationsMatchOpenAPI(t *testing.T) {
	t.Parallel()
	base := start(t).URL
	doc, err := libopenapi.NewDocument(httpapi.OpenAPI())
	if err != nil {
		t.Fatal(err)
	}
	v, errs := validator.NewValidator(doc, config.WithFormatAssertions())
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	model, err := doc.BuildV3Model()
	if err != nil {
		t.Fatal(err)
	}
	var documented []string
	for path, item := range model.Model.Paths.PathItems.FromOldest() {
		for method := range item.GetOperations().KeysFromOldest() {
			documented = append(documented, strings.ToUpper(method)+" "+path)
		}
	}

	// Sample queries of the reference-data helpers, valid and not.
	queries := map[string][]string{
		"/api/v1/communes": {"?postcode=91000", "?postcode=75001", "?postcode=9", ""},
		"/api/v1/naf":      {"?q=boulangerie", "?q=10.7", "?q=", "?q=" + strings.Repeat("a", 101)},
	}
	for i, op := range documented {
		method, path, _ := strings.Cut(op, " ")
		path = strings.ReplaceAll(path, "{id}", "01920000-0000-7000-8000-000000000099")
		body := ""
		if method == http.MethodPost {
			body = `{}`
		}
		qs := queries[path]
		if qs == nil {
			qs = []string{""}
		}
		for _, q := range qs {
			r := send(t, method, base+path+q, fmt.Sprintf("192.0.2.%d", i+1), body)
			if r.status == http.StatusMethodNotAllowed || r.status == http.StatusNotFound && r.contentType != "application/problem+json" {
				t.Errorf("%s%s is documented but not served: %d %s", op, q, r.status, r.body)
				continue
			}
			if ok, errs := v.ValidateHttpResponse(r.req, r.res); !ok {
				var msgs []string
				for _, e := range errs {
					msgs = append(msgs, e.Message+": "+e.Reason)
				}
				t.Errorf("%s%s answered %d %s against the document: %s", op, q, r.status, r.body, strings.Join(msgs, "; "))
			}
		}
	}

	// The web port's JSON endpoints, read from its source: each must be
	// documented.
	files, err := filepath.Glob("../internal/ports/web/*.go")
	if err != nil || len(files) == 0 {
		t.Fatalf("read the web port's source: %v", err)
	}
	route := regexp.MustCompile(`"((?:GET|POST|PUT|PATCH|DELETE) /api/[^"]*)"`)
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range route.FindAllSubmatch(src, -1) {
			if !slices.Contains(documented, string(m[1])) {
				t.Errorf("%s serves %s, which openapi.json does not document", filepath.Base(f), m[1])
			}
		}
	}
}

// TestPersonalDataErasedOnSchedule: the service runs the retention task on
// its own: a request older than the retention period loses its personal
// data without anyone asking.
func TestPersonalDataErasedOnSchedule(t *testing.T) {
	h := start(t)
	a := send(t, http.MethodPost, h.URL+"/api/v1/creation-requests", "192.0.2.10", bakery)
	if a.status != http.StatusAccepted {
		t.Fatalf("POST answered %d: %s", a.status, a.body)
	}
	var v struct {
		RequestID string `json:"request_id"`
	}
	if err := json.Unmarshal(a.body, &v); err != nil {
		t.Fatal(err)
	}
	if _, err := h.DB.Exec(context.Background(), `UPDATE intake.requests SET submitted_at = now() - interval '4 years' WHERE request_id = $1`, v.RequestID); err != nil {
		t.Fatal(err)
	}
	testkit.Eventually(t, 10*time.Second, "request anonymised by the periodic task", func() (bool, error) {
		var details string
		err := h.DB.QueryRow(context.Background(), `SELECT details::text FROM intake.requests WHERE request_id = $1`, v.RequestID).Scan(&details)
		return err == nil && !strings.Contains(details, "ines.moreau@example.fr"), err
	})
}

// A difficulty report as the API takes it: its business's SIRET is
// 552 100 554 00013; it scores 51, call back.
const struggling = `{
  "applicant": {"first_name": "Marc", "last_name": "Lefèvre", "email": "marc.lefevre@example.fr"},
  "business": {"siret": "552 100 554 00013", "naf_code": "56.10A", "postcode": "91000", "headcount": 6},
  "report": {"situation": "Notre principal client ne paie plus depuis trois mois.", "kinds": ["unpaid_social_debts", "cash_flow"],
             "answers": {"overdue_social_tax": 1, "cash_shortfall": 3, "revenue_drop": 3, "late_suppliers": 0, "legal_notice": 0,
                         "customer_dependency": 3, "manager_exhaustion": 0, "bank_refusal": 0, "pay_delayed": 0, "no_forecast": 0}}
}`

// TestDifficultyReportIdentifiesTheBusinessOnPreventionOnly: on real NATS,
// a difficulty report reaches INTAKE without its business's numbers
// (every consumer of INTAKE could read them), and the confidential
// PREVENTION stream, which difficulty-alert alone reads, gets the SIREN
// and SIRET with the score, under the report's request id.
func TestDifficultyReportIdentifiesTheBusinessOnPreventionOnly(t *testing.T) {
	h := start(t)
	a := send(t, http.MethodPost, h.URL+"/api/v1/difficulty-reports", "192.0.2.20", struggling)
	if a.status != http.StatusAccepted {
		t.Fatalf("POST answered %d: %s", a.status, a.body)
	}
	var v struct {
		RequestID string `json:"request_id"`
	}
	if err := json.Unmarshal(a.body, &v); err != nil {
		t.Fatal(err)
	}
	var p events.PreventionReportIdentified
	msg := h.LastEvent(t, events.StreamPrevention, "prevention.report.identified.91", &p)
	if p.RequestID != v.RequestID || p.SIREN != "552100554" || p.SIRET != "55210055400013" || p.Score != 51 || p.Level != events.DifficultyCallBack ||
		msg.Header.Get(events.HeaderSource) != "/intake" || msg.Header.Get(events.HeaderSubject) != v.RequestID {
		t.Errorf("identity %+v, headers %v", p, msg.Header)
	}
	var reported events.DifficultyReported
	h.LastEvent(t, events.StreamIntake, "intake.difficulty.reported.91", &reported)
	if reported.RequestID != v.RequestID {
		t.Errorf("reported %+v", reported)
	}
	// Nothing of INTAKE names the business.
	st, err := h.JS.Stream(h.Ctx, events.StreamIntake.Name)
	if err != nil {
		t.Fatal(err)
	}
	info, err := st.Info(h.Ctx)
	if err != nil {
		t.Fatal(err)
	}
	if info.State.Msgs == 0 {
		t.Fatal("INTAKE is empty")
	}
	for seq := info.State.FirstSeq; seq <= info.State.LastSeq; seq++ {
		m, err := st.GetMsg(h.Ctx, seq)
		if err != nil {
			t.Fatal(err)
		}
		raw := string(m.Data) + fmt.Sprint(m.Header)
		if strings.Contains(raw, "552100554") || strings.Contains(raw, "55210055400013") {
			t.Errorf("INTAKE message %d (%s) names the business: %s", seq, m.Subject, raw)
		}
	}
	if subjects := h.Published(t, events.StreamPrevention); subjects["prevention.report.identified.91"] != 1 || len(subjects) != 1 {
		t.Errorf("PREVENTION holds %v, want one identity", subjects)
	}
}
