package httpapi_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"
	"github.com/pb33f/libopenapi-validator/config"
	valerrors "github.com/pb33f/libopenapi-validator/errors"

	"github.com/ccicma/platform/pkg/auth"
	"github.com/ccicma/platform/pkg/httpserver"

	"github.com/ccicma/platform/services/intake/internal/app"
	"github.com/ccicma/platform/services/intake/internal/domain/request"
	"github.com/ccicma/platform/services/intake/internal/ports/httpapi"
)

// webHelperOperations are the document's operations served by the web
// port (ports/web) rather than this one; the service's tests check them
// against the web port.
var webHelperOperations = []string{"GET /api/v1/communes", "GET /api/v1/naf"}

// openAPI parses the document as OpenAPI 3.1 and returns a validator of
// requests and responses against it, with format assertions (uuid,
// date, date-time) on.
func openAPI(t *testing.T) (libopenapi.Document, validator.Validator) {
	t.Helper()
	doc, err := libopenapi.NewDocument(httpapi.OpenAPI())
	if err != nil {
		t.Fatalf("parse openapi.json: %v", err)
	}
	if v := doc.GetSpecInfo().Version; v != "3.1.0" {
		t.Fatalf("openapi.json is OpenAPI %q, want 3.1.0", v)
	}
	v, errs := validator.NewValidator(doc, config.WithFormatAssertions())
	if len(errs) > 0 {
		t.Fatalf("build the validator: %v", errs)
	}
	return doc, v
}

func TestOpenAPIDocumentIsValid(t *testing.T) {
	t.Parallel()
	doc, v := openAPI(t)
	model, err := doc.BuildV3Model()
	if err != nil {
		t.Fatalf("build the 3.1 model (references, schemas): %v", err)
	}
	if ok, errs := v.ValidateDocument(); !ok {
		t.Fatalf("openapi.json breaks the OpenAPI 3.1 schema:\n%s", describe(errs))
	}
	if model.Model.Info == nil || model.Model.Info.Title == "" || model.Model.Components == nil {
		t.Error("the document has no title or no components")
	}
	// The served document is the embedded one.
	mux := httpapi.Routes{}.Handler()
	w := httptest.NewRecorder()
	mux.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/openapi.json", nil))
	if w.Code != 200 || w.Header().Get("Content-Type") != "application/json" || !bytes.Equal(w.Body.Bytes(), httpapi.OpenAPI()) {
		t.Errorf("GET /openapi.json = %d %s, want the document as application/json", w.Code, w.Header().Get("Content-Type"))
	}
}

// operations lists the document's operations as ServeMux patterns.
func operations(t *testing.T, doc libopenapi.Document) []string {
	t.Helper()
	model, err := doc.BuildV3Model()
	if err != nil {
		t.Fatal(err)
	}
	var ops []string
	for path, item := range model.Model.Paths.PathItems.FromOldest() {
		for method := range item.GetOperations().KeysFromOldest() {
			ops = append(ops, strings.ToUpper(method)+" "+path)
		}
	}
	slices.Sort(ops)
	return ops
}

// TestOpenAPIPathsAreTheRoutes: an endpoint cannot be added, removed or
// renamed without the document following.
func TestOpenAPIPathsAreTheRoutes(t *testing.T) {
	t.Parallel()
	doc, _ := openAPI(t)
	documented := operations(t, doc)
	verifier, err := auth.NewStaticVerifier(auth.Config{Issuer: "test"}, []byte(`{"keys":[]}`), nil)
	if err != nil {
		t.Fatal(err)
	}
	full := httpapi.Routes{Creation: app.SubmitCreation{}, TakeoverOffer: app.SubmitTakeoverOffer{}, BuyerSearch: app.SubmitBuyerSearch{},
		Difficulty: app.SubmitDifficultyReport{}, Auth: verifier, Requests: app.ReadRequest{}, AuditLog: app.ReadAuditLog{}}
	served := append(full.Patterns(), webHelperOperations...)
	slices.Sort(served)
	if !slices.Equal(documented, served) {
		t.Errorf("documented operations and routes differ:\n documented %q\n served     %q", documented, served)
	}
	// Each pattern is what the mux really dispatches on.
	mux, ok := full.Handler().(*http.ServeMux)
	if !ok {
		t.Fatalf("Handler is a %T, want a *http.ServeMux", full.Handler())
	}
	for _, p := range full.Patterns() {
		method, path, _ := strings.Cut(p, " ")
		r := httptest.NewRequest(method, strings.ReplaceAll(path, "{id}", "01920000-0000-7000-8000-000000000001"), nil)
		if _, got := mux.Handler(r); got != p {
			t.Errorf("%s %s is served by pattern %q, want %q", method, r.URL.Path, got, p)
		}
	}
}

// exchange is one request sent through the real handlers and checked
// against the document.
type exchange struct {
	name        string
	method      string
	path        string // "{id}" is replaced by the id of the last 202
	contentType string // default application/json when there is a body
	key         string // Idempotency-Key
	client      string // X-Forwarded-For; default a fresh client per exchange
	token       string // an advisor's bearer token
	body        string
	status      int
	// valid: the request must validate against the document. Otherwise the
	// document must reject it too when docRejects is set (what JSON Schema
	// cannot say, such as a SIRET's check digit, only the server catches).
	valid      bool
	docRejects bool
	fields     []string // the problem's errors[].field, in order, when set
}

// TestOpenAPIAgainstRealHandlers sends valid and invalid requests of every
// endpoint through the real handlers, on Postgres, behind the rate
// limiter intake runs with (30 a minute, bursts of 10), and validates each
// request and answer against the document.
func TestOpenAPIAgainstRealHandlers(t *testing.T) {
	t.Parallel()
	e := setup(t)
	_, v := openAPI(t)
	// The clients are told apart by X-Forwarded-For from the test's
	// loopback "proxy", as behind intake's ingress. The limiter's clock
	// stands still, so that "rapid" does not depend on the machine's speed.
	now := time.Now()
	limiter, err := httpserver.NewRateLimiter(httpserver.RateLimit{RateLimitPerMinute: 30, RateLimitBurst: 10, TrustedProxies: []string{"127.0.0.1/32", "::1"}},
		httpserver.LimitOptions{Prefixes: []string{"/"}, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(limiter.Limit(e.srv.Config.Handler))
	t.Cleanup(srv.Close)

	huge := strings.Replace(bakery, `"Ouverture`, `"`+strings.Repeat("a", httpapi.MaxBody)+`Ouverture`, 1)
	var exchanges []exchange
	post := func(path string, xs ...exchange) {
		for _, x := range xs {
			x.method, x.path = http.MethodPost, path
			exchanges = append(exchanges, x)
		}
	}
	get := func(path string, xs ...exchange) {
		for _, x := range xs {
			x.method = http.MethodGet
			if x.path == "" {
				x.path = path
			}
			exchanges = append(exchanges, x)
		}
	}
	post(httpapi.CreationPath,
		exchange{name: "valid", body: bakery, status: 202, valid: true},
		exchange{name: "valid with a key", body: bakery, key: "openapi-creation-01", status: 202, valid: true},
		exchange{name: "replayed key", body: bakery, key: "openapi-creation-01", status: 202, valid: true},
		exchange{name: "key reused for another body", body: strings.Replace(bakery, `"planned_headcount": 3`, `"planned_headcount": 4`, 1),
			key: "openapi-creation-01", status: 422, valid: true},
		exchange{name: "optional fields empty", status: 202, valid: true, body: `{"applicant": {"first_name": "Inès", "last_name": "Moreau", "email": "ines@example.fr", "phone": ""},
			"project": {"description": "Un atelier de réparation de vélos", "naf_code": "", "legal_form": "", "postcode": "91000", "commune_code": "",
			            "planned_start": "", "siret": ""}}`},
		exchange{name: "invalid fields", status: 422, docRejects: true,
			body: `{"applicant": {"first_name": "", "last_name": "Moreau", "email": "ines@", "phone": "12"},
			        "project": {"description": "court", "naf_code": "99.99Z", "postcode": "91100", "planned_headcount": -1, "siret": "73282932000075"}}`,
			fields: []string{"applicant.first_name", "applicant.email", "applicant.phone", "project.description", "project.naf_code",
				"project.commune_code", "project.planned_headcount", "project.siret"}},
		exchange{name: "bad check digit only", status: 422, body: strings.Replace(bakery, `"planned_start"`, `"siret": "73282932000075", "planned_start"`, 1),
			fields: []string{"project.siret"}},
		exchange{name: "unknown legal form", status: 422, docRejects: true, body: strings.Replace(bakery, `"SARL"`, `"GIE"`, 1),
			fields: []string{"project.legal_form"}},
		exchange{name: "empty object", status: 422, docRejects: true, body: `{}`},
		exchange{name: "unknown field", status: 400, docRejects: true, body: strings.Replace(bakery, `"phone"`, `"password": "x", "phone"`, 1),
			fields: []string{"password"}},
		exchange{name: "wrong type", status: 400, docRejects: true, body: strings.Replace(bakery, `"planned_headcount": 3`, `"planned_headcount": "3"`, 1),
			fields: []string{"project.planned_headcount"}},
		exchange{name: "malformed", status: 400, body: `{"applicant": {`},
		exchange{name: "too large", status: 413, body: huge},
		exchange{name: "not JSON", status: 415, contentType: "text/plain", body: bakery},
		exchange{name: "bad Idempotency-Key", status: 400, docRejects: true, key: "short", body: bakery, fields: []string{"Idempotency-Key"}},
	)
	get(httpapi.CreationPath+"/{id}",
		exchange{name: "status", status: 200, valid: true},
		exchange{name: "unknown id", path: httpapi.CreationPath + "/01920000-0000-7000-8000-000000000099", status: 404, valid: true},
		exchange{name: "not a uuid", path: httpapi.CreationPath + "/not-a-uuid", status: 404, docRejects: true},
	)
	for _, kc := range kindCases() {
		post(kc.path,
			exchange{name: "valid", body: kc.body, status: 202, valid: true},
			exchange{name: "valid with a key", body: kc.body, key: "openapi-" + kc.kind + "-1", status: 202, valid: true},
			exchange{name: "key reused for another body", body: kc.other(kc.body), key: "openapi-" + kc.kind + "-1", status: 422, valid: true},
			exchange{name: "invalid fields", body: kc.bad, status: 422, fields: stripCodes(kc.badFields)},
			exchange{name: "empty object", body: `{}`, status: 422, docRejects: true},
			exchange{name: "unknown field", body: strings.Replace(kc.body, `"phone"`, `"password": "x", "phone"`, 1), status: 400, docRejects: true,
				fields: []string{"password"}},
			exchange{name: "malformed", body: kc.body[:len(kc.body)/2], status: 400},
			exchange{name: "not JSON", contentType: "text/plain", body: kc.body, status: 415},
		)
		get(kc.path+"/{id}",
			exchange{name: "status", status: 200, valid: true},
			exchange{name: "id of another kind", path: kc.path + "/{creation}", status: 404, valid: true},
		)
	}
	// What the schema alone rejects in the other kinds.
	post(httpapi.TakeoverOfferPath,
		exchange{name: "band out of the list", status: 422, docRejects: true, body: strings.Replace(offerJSON, `"300k_1m"`, `"huge"`, 1),
			fields: []string{"business.revenue_band"}},
		exchange{name: "other reason without details", status: 422, docRejects: true,
			body: strings.Replace(offerJSON, `"reason_details": "Je rejoins ma fille à Lyon", `, ``, 1), fields: []string{"offer.reason_details"}},
	)
	post(httpapi.BuyerSearchPath,
		exchange{name: "no area, not national", status: 422, docRejects: true,
			body:   strings.Replace(searchJSON, `{"communes": ["91228"], "epcis": ["200059228"], "departements": ["77"]}`, `{}`, 1),
			fields: []string{"search.areas"}},
		exchange{name: "national without area", status: 202, valid: true,
			body: strings.NewReplacer(`"areas": {"communes": ["91228"], "epcis": ["200059228"], "departements": ["77"]},`, ``,
				`"mobility": "local"`, `"mobility": "national"`).Replace(searchJSON)},
	)
	post(httpapi.DifficultyPath,
		exchange{name: "answer out of range", status: 422, docRejects: true,
			body: strings.Replace(difficultyJSON, `"late_suppliers": 0`, `"late_suppliers": 2`, 1), fields: []string{"report.answers.late_suppliers"}},
		exchange{name: "answer of the wrong type", status: 400, docRejects: true,
			body: strings.Replace(difficultyJSON, `"late_suppliers": 0`, `"late_suppliers": "non"`, 1), fields: []string{"report.answers"}},
	)
	get(httpapi.DifficultyPath+"/questionnaire", exchange{name: "questionnaire", status: 200, valid: true})
	get("/openapi.json", exchange{name: "document", status: 200, valid: true})
	// The advisor routes, on the last creation request (routed to both
	// chambers).
	cmaAdvisor := e.token(t, "cma-91-005", "CMA", auth.RoleAdvisor)
	cmaManager := e.token(t, "cma-91-001", "CMA", auth.RoleManager)
	get(httpapi.RequestPath+"/{creation}",
		exchange{name: "advisor of the chamber", token: cmaAdvisor, status: 200, valid: true},
		exchange{name: "admin, who reads no request", token: e.token(t, "cma-91-009", "CMA", auth.RoleAdmin), status: 403, valid: true},
		exchange{name: "no token", status: 401, docRejects: true},
		exchange{name: "unknown id", path: httpapi.RequestPath + "/01920000-0000-7000-8000-000000000099", token: cmaAdvisor, status: 404, valid: true},
	)
	get(httpapi.AuditLogPath,
		exchange{name: "manager", path: httpapi.AuditLogPath + "?limit=1", token: cmaManager, status: 200, valid: true},
		exchange{name: "advisor", token: cmaAdvisor, status: 403, valid: true},
		exchange{name: "bad parameters", path: httpapi.AuditLogPath + "?limit=0", token: cmaManager, status: 400, docRejects: true},
	)

	// The 11th rapid submission of one client is refused with Retry-After;
	// another client still gets its answer.
	for i := range 10 {
		post(httpapi.CreationPath, exchange{name: fmt.Sprintf("burst %d", i+1), client: "203.0.113.50", body: bakery, status: 202, valid: true})
	}
	post(httpapi.CreationPath,
		exchange{name: "11th at once", client: "203.0.113.50", body: bakery, status: 429, valid: true},
		exchange{name: "11th at once, invalid", client: "203.0.113.50", body: `{}`, status: 429, docRejects: true},
		exchange{name: "another client", client: "203.0.113.51", body: bakery, status: 202, valid: true},
		exchange{name: "another client, invalid", client: "203.0.113.51", body: `{}`, status: 422, docRejects: true},
	)
	get(httpapi.CreationPath+"/{id}", exchange{name: "reads are not limited", client: "203.0.113.50", status: 200, valid: true})

	var lastID, creationID string
	covered := map[string]map[int]bool{}
	for i, x := range exchanges {
		path := strings.ReplaceAll(strings.ReplaceAll(x.path, "{id}", lastID), "{creation}", creationID)
		t.Run(fmt.Sprintf("%03d %s %s %s", i, x.method, x.path, x.name), func(t *testing.T) {
			req, res, body := roundTrip(t, srv, x, path, i)
			if res.StatusCode != x.status {
				t.Fatalf("answered %d %s, want %d", res.StatusCode, body, x.status)
			}
			switch ok, errs := v.ValidateHttpRequest(req); {
			case x.valid && !ok:
				t.Errorf("the document rejects this valid request:\n%s", describe(errs))
			case !x.valid && x.docRejects && ok:
				t.Errorf("the document accepts this invalid request")
			}
			if ok, errs := v.ValidateHttpResponse(req, res); !ok {
				t.Errorf("the answer %d %s breaks the document:\n%s", res.StatusCode, body, describe(errs))
			}
			var out map[string]any
			_ = json.Unmarshal(body, &out)
			if x.fields != nil {
				var got []string
				for _, f := range fieldErrors(out) {
					name, _, _ := strings.Cut(f, " (")
					got = append(got, name)
				}
				if !slices.Equal(got, x.fields) {
					t.Errorf("errors name %q, want %q", got, x.fields)
				}
			}
			if x.status == http.StatusTooManyRequests && res.Header.Get("Retry-After") != "2" {
				t.Errorf("429 with Retry-After %q, want 2 (seconds until the next token at 30 a minute)", res.Header.Get("Retry-After"))
			}
			if res.StatusCode == http.StatusAccepted {
				lastID = str(out["request_id"])
				if x.path == httpapi.CreationPath {
					creationID = lastID
				}
			}
		})
		if covered[x.method+" "+x.path] == nil {
			covered[x.method+" "+x.path] = map[int]bool{}
		}
		covered[x.method+" "+x.path][x.status] = true
	}

	// Every submission endpoint was seen answering each documented status
	// it can give here (503 needs a broken database).
	for _, p := range []string{httpapi.CreationPath, httpapi.TakeoverOfferPath, httpapi.BuyerSearchPath, httpapi.DifficultyPath} {
		got := slices.Sorted(maps.Keys(covered["POST "+p]))
		want := []int{202, 400, 415, 422}
		if p == httpapi.CreationPath {
			want = []int{202, 400, 413, 415, 422, 429}
		}
		if !slices.Equal(got, want) {
			t.Errorf("POST %s answered %v in this test, want %v", p, got, want)
		}
	}
}

// roundTrip sends x and returns the request as the validator should see
// it (its body readable again) and the answer with its body. The answer's
// network body is read and closed here, and replaced by an in-memory copy,
// so callers have nothing to close: the directive tells bodyclose so.
//
//bodyclose:handled
func roundTrip(t *testing.T, srv *httptest.Server, x exchange, path string, i int) (*http.Request, *http.Response, []byte) {
	t.Helper()
	newReq := func() *http.Request {
		var body io.Reader
		if x.body != "" {
			body = strings.NewReader(x.body)
		}
		req, err := http.NewRequest(x.method, srv.URL+path, body)
		if err != nil {
			t.Fatal(err)
		}
		if x.body != "" {
			ct := x.contentType
			if ct == "" {
				ct = "application/json"
			}
			req.Header.Set("Content-Type", ct)
		}
		if x.key != "" {
			req.Header.Set("Idempotency-Key", x.key)
		}
		if x.token != "" {
			req.Header.Set("Authorization", "Bearer "+x.token)
		}
		client := x.client
		if client == "" {
			client = fmt.Sprintf("198.51.100.%d", i%250+1)
		}
		req.Header.Set("X-Forwarded-For", client)
		return req
	}
	res, err := srv.Client().Do(newReq())
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	res.Body = io.NopCloser(bytes.NewReader(body))
	return newReq(), res, body
}

func stripCodes(fields []string) []string {
	out := make([]string, len(fields))
	for i, f := range fields {
		out[i], _, _ = strings.Cut(f, " (")
	}
	return out
}

// describe lists validation errors with the schema failures under them.
func describe(errs []*valerrors.ValidationError) string {
	var b strings.Builder
	for _, e := range errs {
		fmt.Fprintf(&b, "  - %s: %s\n", e.Message, e.Reason)
		for _, f := range e.SchemaValidationErrors {
			fmt.Fprintf(&b, "      %s at %s (%s)\n", f.Reason, f.FieldPath, f.KeywordLocation)
		}
	}
	return b.String()
}

// TestOpenAPIMatchesTheDomain: the enumerations and limits the document
// states are the domain's, so neither can change alone.
func TestOpenAPIMatchesTheDomain(t *testing.T) {
	t.Parallel()
	var doc map[string]any
	if err := json.Unmarshal(httpapi.OpenAPI(), &doc); err != nil {
		t.Fatal(err)
	}
	schema := func(path ...string) map[string]any {
		t.Helper()
		var cur any = doc
		for _, p := range path {
			m, ok := cur.(map[string]any)
			if !ok {
				t.Fatalf("openapi.json has no %s", strings.Join(path, "/"))
			}
			cur = m[p]
		}
		m, ok := cur.(map[string]any)
		if !ok {
			t.Fatalf("openapi.json has no object at %s", strings.Join(path, "/"))
		}
		return m
	}
	s := func(name string, props ...string) map[string]any {
		path := []string{"components", "schemas", name}
		for _, p := range props {
			path = append(path, "properties", p)
		}
		return schema(path...)
	}
	strs := func(v any) []string {
		var out []string
		for _, x := range v.([]any) {
			out = append(out, x.(string))
		}
		return out
	}
	num := func(m map[string]any, k string) int {
		t.Helper()
		f, ok := m[k].(float64)
		if !ok {
			t.Fatalf("no %s in %v", k, m)
		}
		return int(f)
	}

	legal := slices.Sorted(maps.Keys(request.LegalForms))
	enums := []struct {
		name string
		got  any
		want []string
	}{
		{"legal_form", s("CreationRequest", "project", "legal_form")["enum"], append([]string{""}, legal...)},
		{"revenue_band", s("TakeoverOfferRequest", "business", "revenue_band")["enum"], request.RevenueBands.Codes()},
		{"gross_operating_profit_band", s("TakeoverOfferRequest", "business", "gross_operating_profit_band")["enum"], request.ProfitBands.Codes()},
		{"business legal_form", s("TakeoverOfferRequest", "business", "legal_form")["enum"], request.BusinessLegalForms.Codes()},
		{"crafts_registered", s("TakeoverOfferRequest", "business", "crafts_registered")["enum"], request.CraftsRegistrations.Codes()},
		{"reason", s("TakeoverOfferRequest", "offer", "reason")["enum"], request.SaleReasons.Codes()},
		{"deal_types", schema("components", "schemas", "DealTypes", "items")["enum"], request.DealTypes.Codes()},
		{"timeline", s("Timeline")["enum"], request.Timelines.Codes()},
		{"mobility", s("BuyerSearchRequest", "search", "mobility")["enum"], request.Mobilities.Codes()},
		{"experience", s("BuyerSearchRequest", "search", "experience")["enum"], request.Experiences.Codes()},
		{"kinds", schema("components", "schemas", "DifficultyReportRequest", "properties", "report", "properties", "kinds", "items")["enum"], request.DifficultyKinds.Codes()},
		{"questionnaire kinds", schema("components", "schemas", "Questionnaire", "properties", "kinds", "items", "properties", "code")["enum"], request.DifficultyKinds.Codes()},
		{"status kind", s("RequestStatus", "kind")["enum"], []string{request.KindCreation, request.KindTakeoverOffer, request.KindBuyerSearch, request.KindDifficulty}},
		{"status", s("RequestStatus", "status")["enum"], statusCodes(request.Statuses())},
		{"accepted status", s("Accepted", "status")["enum"], []string{string(request.StatusReceived)}},
	}
	for _, en := range enums {
		got := strs(en.got)
		if en.name == "legal_form" {
			slices.Sort(got)
		}
		if !slices.Equal(got, en.want) {
			t.Errorf("%s: the document lists %q, the domain %q", en.name, got, en.want)
		}
	}

	// The questionnaire: every question, its answers 0 to Max, all required.
	answers := s("QuestionnaireAnswers")
	var ids []string
	for _, q := range request.Questionnaire() {
		ids = append(ids, q.ID)
		p, ok := answers["properties"].(map[string]any)[q.ID].(map[string]any)
		if !ok || num(p, "minimum") != 0 || num(p, "maximum") != q.Max() {
			t.Errorf("answer %s: %v, want 0 to %d", q.ID, p, q.Max())
		}
	}
	if got := strs(answers["required"]); !slices.Equal(got, ids) {
		t.Errorf("required answers %q, want %q", got, ids)
	}
	if got := strs(schema("components", "schemas", "Questionnaire", "properties", "questions", "items", "properties", "id")["enum"]); !slices.Equal(got, ids) {
		t.Errorf("question ids %q, want %q", got, ids)
	}
	if len(answers["properties"].(map[string]any)) != len(ids) {
		t.Errorf("the document has answers to %d questions, the questionnaire %d", len(answers["properties"].(map[string]any)), len(ids))
	}

	limits := []struct {
		name string
		got  int
		want int
	}{
		{"first_name", num(s("Applicant", "first_name"), "maxLength"), request.MaxNameLen},
		{"last_name", num(s("Applicant", "last_name"), "maxLength"), request.MaxNameLen},
		{"description", num(s("CreationRequest", "project", "description"), "maxLength"), request.MaxDescriptionLen},
		{"headcount", num(s("Headcount"), "maximum"), request.MaxHeadcount},
		{"planned_headcount", num(s("CreationRequest", "project", "planned_headcount"), "maximum"), request.MaxHeadcount},
		{"headcount_min", num(s("BuyerSearchRequest", "search", "headcount_min"), "maximum"), request.MaxHeadcount},
		{"headcount_max", num(s("BuyerSearchRequest", "search", "headcount_max"), "maximum"), request.MaxHeadcount},
		{"asking_price min", num(s("TakeoverOfferRequest", "offer", "asking_price"), "minimum"), request.MinAskingPrice},
		{"asking_price max", num(s("TakeoverOfferRequest", "offer", "asking_price"), "maximum"), request.MaxAmount},
		{"budget", num(s("BuyerSearchRequest", "search", "budget"), "maximum"), request.MaxAmount},
		{"personal_contribution", num(s("BuyerSearchRequest", "search", "personal_contribution"), "maximum"), request.MaxAmount},
		{"reason_details", num(s("TakeoverOfferRequest", "offer", "reason_details"), "maxLength"), request.MaxReasonDetailsLen},
		{"sectors", num(s("BuyerSearchRequest", "search", "sectors"), "maxItems"), request.MaxSectors},
		{"communes", num(s("BuyerSearchRequest", "search", "areas", "communes"), "maxItems"), request.MaxAreas},
		{"epcis", num(s("BuyerSearchRequest", "search", "areas", "epcis"), "maxItems"), request.MaxAreas},
		{"departements", num(s("BuyerSearchRequest", "search", "areas", "departements"), "maxItems"), request.MaxAreas},
		{"experience_details", num(s("BuyerSearchRequest", "search", "experience_details"), "maxLength"), request.MaxExperienceDetailsLen},
		{"situation", num(s("DifficultyReportRequest", "report", "situation"), "maxLength"), request.MaxSituationLen},
		{"deal_types", num(s("DealTypes"), "maxItems"), 2 * len(request.DealTypes)},
		{"kinds", num(s("DifficultyReportRequest", "report", "kinds"), "maxItems"), 2 * len(request.DifficultyKinds)},
	}
	for _, l := range limits {
		if l.got != l.want {
			t.Errorf("%s: the document says %d, the domain %d", l.name, l.got, l.want)
		}
	}
	key := schema("components", "parameters", "IdempotencyKey", "schema")["pattern"]
	if key != httpapi.IdempotencyKeyPattern {
		t.Errorf("Idempotency-Key pattern %v, the handler's %s", key, httpapi.IdempotencyKeyPattern)
	}
}

func statusCodes(st []request.Status) []string {
	codes := make([]string, len(st))
	for i, s := range st {
		codes[i] = string(s)
	}
	return codes
}
