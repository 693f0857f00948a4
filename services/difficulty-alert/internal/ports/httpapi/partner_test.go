package httpapi_test

import (
	"context"
	"encoding/base64"
	"encoding/hex"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ccicma/platform/pkg/testkit"
	"github.com/ccicma/platform/pkg/testkit/openapicheck"

	"github.com/ccicma/platform/services/difficulty-alert/internal/adapters/postgres"
	"github.com/ccicma/platform/services/difficulty-alert/internal/app"
	"github.com/ccicma/platform/services/difficulty-alert/internal/domain/partner"
	"github.com/ccicma/platform/services/difficulty-alert/internal/ports/httpapi"
)

// The partner clients of the tests and their secrets.
const (
	urssafSecret   = "u6Yf2v9QpXk1Lr0TzB8sW3nJc5Hd7Ga4Me6Ri1Oy0Kq="
	bankSecret     = "b1Qw8Ez3Rt5Yu7Io9Pa2Sd4Fg6Hj8Kl0Zx1Cv3Bn5M="
	registrySecret = "r9Mn7Bv5Cx3Zl1Kj9Hg7Fd5Sa3Po1Iu9Yt7Re5Wq3E="
	retiredSecret  = "x2Wc4Ev6Rb8Tn0Ym2Ui4Op6As8Df0Gh2Jk4Lz6Xc8V="
)

func sha(s string) string {
	h := partner.Hash(s)
	return hex.EncodeToString(h[:])
}

// clientsFile is what an operator writes in PARTNER_CLIENTS_FILE.
var clientsFile = `{"clients": [
	{"client_id": "urssaf-idf", "name": "URSSAF Île-de-France", "secret_sha256": "` + sha(urssafSecret) + `", "scopes": ["signals:social_tax_debts"]},
	{"client_id": "banque-91", "name": "Banque du 91", "secret_sha256": "` + sha(bankSecret) + `", "scopes": ["signals:payments", "signals:accounts"]},
	{"client_id": "greffe-91", "name": "Greffe du tribunal", "secret_sha256": "` + sha(registrySecret) + `", "scopes": ["signals:accounts"]},
	{"client_id": "ancien-partenaire", "name": "Ancien partenaire", "secret_sha256": "` + sha(retiredSecret) + `", "scopes": ["signals:payments"], "active": false}
]}`

// partnerState is what the partners' tests watch: the businesses the
// pushes asked to rescore.
type partnerState struct {
	mu       sync.Mutex
	rescored [][]string
}

func (s *partnerState) Rescore(_ context.Context, sirens []string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rescored = append(s.rescored, slices.Clone(sirens))
	return nil
}

func (s *partnerState) calls() [][]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.rescored)
}

// partners provisions the clients file and wires the partners' API, a
// rate of 6 pushes a minute with bursts of 10 a client, on the test's
// clock (which the tests do not move while they push, so no push comes
// back).
func (a *api) partners(t *testing.T, store *postgres.Store, clock app.Clock) httpapi.Partners {
	t.Helper()
	clients, err := partner.ParseClients([]byte(clientsFile))
	if err != nil {
		t.Fatal(err)
	}
	if err := (app.SyncPartnerClients{Clients: store, Now: clock}).Sync(testkit.Context(t), clients); err != nil {
		t.Fatal(err)
	}
	a.partner = &partnerState{}
	limit, err := httpapi.NewPartnerLimit(6, 10, clock)
	if err != nil {
		t.Fatal(err)
	}
	return httpapi.Partners{
		Tokens: app.IssuePartnerToken{Clients: store, Now: clock, TTL: 15 * time.Minute},
		Auth:   app.AuthenticatePartner{Clients: store, Now: clock},
		Pushes: app.PushPartnerSignals{Signals: store, Calls: store, Rescorer: a.partner, Now: clock},
		Calls:  app.RecordPartnerCall{Calls: store},
		Limit:  limit,
		Now:    clock,
	}
}

// exchange is an answer with the headers the partners' tests read.
type exchange struct {
	answer
	header http.Header
}

func (a *api) send(t *testing.T, req *http.Request) exchange {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return exchange{answer: answer{status: resp.StatusCode, challenge: resp.Header.Get("WWW-Authenticate"),
		cache: resp.Header.Get("Cache-Control"), body: string(b)}, header: resp.Header}
}

// tokenRequest asks for a token: with basic set, the credentials go in
// an HTTP Basic header; the form is sent as it is.
func (a *api) tokenRequest(t *testing.T, basic [2]string, form url.Values) exchange {
	t.Helper()
	req, err := http.NewRequestWithContext(testkit.Context(t), http.MethodPost, a.url+"/oauth/token", strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if basic[0] != "" {
		req.SetBasicAuth(url.QueryEscape(basic[0]), url.QueryEscape(basic[1]))
	}
	return a.send(t, req)
}

type tokenAnswer struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	ExpiresIn   int    `json:"expires_in"`
	Scope       string `json:"scope"`
	Error       string `json:"error"`
}

// partnerToken gets a token for a client with its secret (all its scopes).
func (a *api) partnerToken(t *testing.T, client, secret string) string {
	t.Helper()
	got := a.tokenRequest(t, [2]string{client, secret}, url.Values{"grant_type": {"client_credentials"}})
	if got.status != 200 {
		t.Fatalf("token of %s: %d %s", client, got.status, got.body)
	}
	return decode[tokenAnswer](t, got.answer).AccessToken
}

// push sends a push with a bearer token and an Idempotency-Key (none
// when empty).
func (a *api) push(t *testing.T, token, key, body string) exchange {
	t.Helper()
	req, err := http.NewRequestWithContext(testkit.Context(t), http.MethodPost, a.url+"/api/v1/partner-signals", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	return a.send(t, req)
}

func (a *api) count(t *testing.T, sql string, args ...any) int {
	t.Helper()
	var n int
	if err := a.pool.QueryRow(testkit.Context(t), sql, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return n
}

type pushAnswer struct {
	Created    int `json:"created"`
	Duplicates int `json:"duplicates"`
	Signals    []struct {
		Reference string `json:"reference"`
		SignalID  string `json:"signal_id"`
		Outcome   string `json:"outcome"`
	} `json:"signals"`
}

type fieldProblem struct {
	Status int    `json:"status"`
	Detail string `json:"detail"`
	Errors []struct {
		Field string `json:"field"`
		Code  string `json:"code"`
	} `json:"errors"`
}

func (p fieldProblem) fields() []string {
	var out []string
	for _, e := range p.Errors {
		out = append(out, e.Field+":"+e.Code)
	}
	slices.Sort(out)
	return out
}

// TestPartnerAPI runs the partners' API tests in parallel in one
// database, each with its own schema and server.
func TestPartnerAPI(t *testing.T) {
	t.Parallel()
	db := testkit.NewSchemas(t, "difficulty_alert")
	for _, tc := range []struct {
		name string
		run  func(*testing.T, *api)
	}{
		{"TokenGrantRightAndWrong", testPartnerTokenGrant},
		{"BadMissingOrExpiredTokensGet401", testPartnerAuthentication},
		{"KindsOutsideScopesGet403", testPartnerScopes},
		{"BadFieldsGet422AndNothingIsStored", testPartnerValidation},
		{"SignalsStoredIdempotently", testPartnerIdempotency},
		{"RateLimitGets429", testPartnerRateLimit},
		{"EveryCallAudited", testPartnerAudit},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.run(t, start(t, db))
		})
	}
}

// testPartnerTokenGrant: the client credentials grant gives a bearer
// token with the client's scopes (or those asked) to the right secret,
// in HTTP Basic or in the body; the wrong secret, an unknown or inactive
// client get 401 invalid_client with a challenge; scopes beyond the
// client's 400 invalid_scope; another grant, both authentication methods
// at once, a JSON body 400; and the token is stored only as its hash.
func testPartnerTokenGrant(t *testing.T, a *api) {
	grant := url.Values{"grant_type": {"client_credentials"}}
	got := a.tokenRequest(t, [2]string{"urssaf-idf", urssafSecret}, grant)
	tok := decode[tokenAnswer](t, got.answer)
	if got.status != 200 || got.cache != "no-store" || got.header.Get("Pragma") != "no-cache" || tok.TokenType != "Bearer" ||
		tok.ExpiresIn != 900 || tok.Scope != "signals:social_tax_debts" || !strings.HasPrefix(tok.AccessToken, partner.TokenPrefix) {
		t.Fatalf("Basic grant: %d %v %s", got.status, got.header, got.body)
	}
	if n := a.count(t, `SELECT count(*) FROM partner_tokens WHERE token_sha256 = $1`, hashOf(tok.AccessToken)); n != 1 {
		t.Errorf("the token's hash is stored %d times", n)
	}
	if n := a.count(t, `SELECT count(*) FROM partner_tokens t WHERE t::text LIKE '%' || $1 || '%'`, tok.AccessToken[len(partner.TokenPrefix):]); n != 0 {
		t.Errorf("the token itself is stored")
	}
	inBody := url.Values{"grant_type": {"client_credentials"}, "client_id": {"banque-91"}, "client_secret": {bankSecret}, "scope": {"signals:accounts"}}
	got = a.tokenRequest(t, [2]string{}, inBody)
	if tok := decode[tokenAnswer](t, got.answer); got.status != 200 || tok.Scope != "signals:accounts" {
		t.Errorf("grant with credentials in the body and a scope: %d %s", got.status, got.body)
	}

	for name, tc := range map[string]struct {
		basic  [2]string
		form   url.Values
		status int
		error  string
	}{
		"wrong secret":         {[2]string{"urssaf-idf", bankSecret}, grant, 401, "invalid_client"},
		"short secret":         {[2]string{"urssaf-idf", "court"}, grant, 401, "invalid_client"},
		"unknown client":       {[2]string{"inconnu", urssafSecret}, grant, 401, "invalid_client"},
		"inactive client":      {[2]string{"ancien-partenaire", retiredSecret}, grant, 401, "invalid_client"},
		"no credentials":       {[2]string{}, grant, 401, "invalid_client"},
		"scope beyond":         {[2]string{"urssaf-idf", urssafSecret}, url.Values{"grant_type": {"client_credentials"}, "scope": {"signals:social_tax_debts signals:payments"}}, 400, "invalid_scope"},
		"unknown scope":        {[2]string{"urssaf-idf", urssafSecret}, url.Values{"grant_type": {"client_credentials"}, "scope": {"admin"}}, 400, "invalid_scope"},
		"password grant":       {[2]string{"urssaf-idf", urssafSecret}, url.Values{"grant_type": {"password"}}, 400, "unsupported_grant_type"},
		"no grant type":        {[2]string{"urssaf-idf", urssafSecret}, url.Values{}, 400, "invalid_request"},
		"both methods":         {[2]string{"urssaf-idf", urssafSecret}, url.Values{"grant_type": {"client_credentials"}, "client_id": {"urssaf-idf"}}, 400, "invalid_request"},
		"a repeated parameter": {[2]string{"urssaf-idf", urssafSecret}, url.Values{"grant_type": {"client_credentials", "client_credentials"}}, 400, "invalid_request"},
	} {
		got := a.tokenRequest(t, tc.basic, tc.form)
		ans := decode[tokenAnswer](t, got.answer)
		if got.status != tc.status || ans.Error != tc.error || ans.AccessToken != "" || got.cache != "no-store" {
			t.Errorf("%s: %d %s, want %d %s", name, got.status, got.body, tc.status, tc.error)
		}
		if wantChallenge := tc.status == 401; wantChallenge != strings.HasPrefix(got.challenge, `Basic realm="ccicma-partners"`) {
			t.Errorf("%s: challenge %q", name, got.challenge)
		}
	}
	req, err := http.NewRequestWithContext(testkit.Context(t), http.MethodPost, a.url+"/oauth/token",
		strings.NewReader(`{"grant_type":"client_credentials"}`))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.SetBasicAuth("urssaf-idf", urssafSecret)
	if got := a.send(t, req); got.status != 400 || decode[tokenAnswer](t, got.answer).Error != "invalid_request" {
		t.Errorf("a JSON token request: %d %s", got.status, got.body)
	}
}

func hashOf(token string) []byte {
	h := partner.Hash(token)
	return h[:]
}

const oneDebt = `{"reference": "URSSAF-2026-0001", "kind": "social_debt", "siren": "732829320", "siret": "73282932000074",
	"occurred_on": "2026-10-31", "amount": 12500.5}`

// testPartnerAuthentication: the signals' route wants a partner's bearer
// token: none, a garbage one, an expired one, an advisor's token, a
// token whose client was made inactive since: 401 with a Bearer challenge
// of the partners' realm, and nothing stored.
func testPartnerAuthentication(t *testing.T, a *api) {
	fresh := a.partnerToken(t, "urssaf-idf", urssafSecret)
	expired := a.partnerToken(t, "urssaf-idf", urssafSecret)
	bank := a.partnerToken(t, "banque-91", bankSecret)
	// The tokens issued now expire in 15 minutes: move a's clock past it
	// for expired, by inserting it as issued earlier.
	a.adminExec(t, `UPDATE `+a.schema+`.partner_tokens SET issued_at = issued_at - interval '1 hour', expires_at = expires_at - interval '1 hour'
		WHERE token_sha256 = '\x`+hex.EncodeToString(hashOf(expired))+`'`)
	// The bank is taken out of the clients file: its live token is void.
	clients, err := partner.ParseClients([]byte(clientsFile))
	if err != nil {
		t.Fatal(err)
	}
	clients = slices.DeleteFunc(clients, func(c partner.Client) bool { return c.ID == "banque-91" })
	if err := (app.SyncPartnerClients{Clients: a.store, Now: func() time.Time { return a.now }}).Sync(testkit.Context(t), clients); err != nil {
		t.Fatal(err)
	}
	for name, tc := range map[string]struct{ token, error string }{
		"no token":        {"", ""},
		"garbage":         {"dap_not-a-token", `error="invalid_token"`},
		"expired":         {expired, `error="invalid_token", error_description="The access token expired"`},
		"advisor's token": {a.token(t, cmaCell), `error="invalid_token"`},
		"inactive client": {bank, `error="invalid_token"`},
		"the secret":      {urssafSecret, `error="invalid_token"`},
	} {
		got := a.push(t, tc.token, "key-"+strings.ReplaceAll(name, " ", "-")+"-0001", oneDebt)
		if got.status != 401 || !strings.HasPrefix(got.challenge, `Bearer realm="ccicma-partners"`) || !strings.Contains(got.challenge, tc.error) ||
			got.header.Get("Content-Type") != "application/problem+json" {
			t.Errorf("%s: %d %q %s", name, got.status, got.challenge, got.body)
		}
	}
	if n := a.count(t, `SELECT count(*) FROM signals`); n != 0 {
		t.Fatalf("refused pushes stored %d signals", n)
	}
	if got := a.push(t, fresh, "key-fresh-0001", oneDebt); got.status != 200 {
		t.Errorf("a fresh token: %d %s", got.status, got.body)
	}
}

// testPartnerScopes: a kind outside the token's scopes is refused whole,
// 403 naming the kind and its scope, nothing stored; a token asked for
// fewer scopes than the client's is held to them.
func testPartnerScopes(t *testing.T, a *api) {
	urssaf := a.partnerToken(t, "urssaf-idf", urssafSecret)
	body := `{"signals": [` + oneDebt + `, {"reference": "INC-1", "kind": "payment_incident", "siren": "443061841", "occurred_on": "2026-11-02", "amount": 800}]}`
	got := a.push(t, urssaf, "scope-test-0001", body)
	p := decode[fieldProblem](t, got.answer)
	if got.status != 403 || !strings.Contains(p.Detail, "payment_incident") || !strings.Contains(p.Detail, "signals:payments") ||
		strings.Contains(p.Detail, "social_debt") {
		t.Errorf("a kind beyond the scopes: %d %s", got.status, got.body)
	}
	got = a.tokenRequest(t, [2]string{"banque-91", bankSecret}, url.Values{"grant_type": {"client_credentials"}, "scope": {"signals:accounts"}})
	accountsOnly := decode[tokenAnswer](t, got.answer).AccessToken
	incident := `{"reference": "INC-2", "kind": "payment_incident", "siren": "443061841", "occurred_on": "2026-11-02", "amount": 800}`
	if got := a.push(t, accountsOnly, "scope-test-0002", incident); got.status != 403 {
		t.Errorf("a token narrowed to accounts pushes an incident: %d %s", got.status, got.body)
	}
	if n := a.count(t, `SELECT count(*) FROM signals`); n != 0 {
		t.Fatalf("refused pushes stored %d signals", n)
	}
	if got := a.push(t, a.partnerToken(t, "banque-91", bankSecret), "scope-test-0003", incident); got.status != 200 {
		t.Errorf("the bank pushes an incident: %d %s", got.status, got.body)
	}
}

// testPartnerValidation: a batch with bad fields gets 422 naming each of
// them by its path, and nothing of the batch is stored (all or nothing):
// a SIREN failing its key, a SIRET of another SIREN, an unknown kind, an
// unknown member, a date in the future, an amount missing or of the
// wrong type, a fiscal year on a debt, a reference twice; the
// Idempotency-Key is required (400); an unreadable body is a 400, a batch
// too large a 422.
func testPartnerValidation(t *testing.T, a *api) {
	bank := a.partnerToken(t, "banque-91", bankSecret)
	urssaf := a.partnerToken(t, "urssaf-idf", urssafSecret)
	good := `{"reference": "ACC-1", "kind": "late_accounts", "siren": "830249439", "occurred_on": "2026-07-31", "fiscal_year_end": "2025-12-31"}`
	body := `{"signals": [` + good + `,
		{"reference": "INC-1", "kind": "payment_incident", "siren": "732829321", "occurred_on": "2026-11-02", "amount": 800},
		{"reference": "INC-2", "kind": "payment_incident", "siren": "732829320", "siret": "44306184100013", "occurred_on": "2026-11-02", "amount": 800},
		{"reference": "INC-3", "kind": "unpaid_rent", "siren": "732829320", "occurred_on": "2026-11-02"},
		{"reference": "INC-4", "kind": "payment_incident", "siren": "732829320", "occurred_on": "2026-11-02", "amount": 800, "raison_sociale": "X"},
		{"reference": "INC-5", "kind": "payment_incident", "siren": "732829320", "occurred_on": "2027-01-01", "amount": "huit cents"},
		{"reference": "INC-6", "kind": "payment_incident", "siren": "732829320", "occurred_on": "2026-11-02"},
		{"reference": "INC-6", "kind": "late_accounts", "siren": "732829320", "occurred_on": "2026-11-02", "amount": 10, "fiscal_year_end": "2026-12-31"},
		{"reference": "INC-8", "kind": "payment_incident", "siren": "732829320", "occurred_on": "2026-11-02", "amount": 12.345, "expires_on": "2026-10-01"}
	]}`
	got := a.push(t, bank, "validation-0001", body)
	want := []string{
		"signals.1.siren:key", "signals.2.siret:other_siren", "signals.3.kind:unknown", "signals.4.raison_sociale:unknown",
		"signals.5.amount:type", "signals.5.occurred_on:future", "signals.6.amount:required",
		"signals.7.amount:not_allowed", "signals.7.fiscal_year_end:after_fact", "signals.7.reference:duplicate",
		"signals.8.amount:invalid", "signals.8.expires_on:before_fact",
	}
	if p := decode[fieldProblem](t, got.answer); got.status != 422 || !slices.Equal(p.fields(), want) {
		t.Errorf("a bad batch: %d\n got  %q\n want %q", got.status, p.fields(), want)
	}
	single := `{"reference": "D-1", "kind": "tax_debt", "siren": "830249439", "siret": "73282932000074", "occurred_on": "2026-10-01", "amount": 5000, "nom": "x"}`
	got = a.push(t, urssaf, "validation-0002", single)
	if p := decode[fieldProblem](t, got.answer); got.status != 422 || !slices.Equal(p.fields(), []string{"nom:unknown", "siret:other_siren"}) {
		t.Errorf("a bad single signal: %d %s", got.status, got.body)
	}
	if n := a.count(t, `SELECT count(*) FROM signals`); n != 0 {
		t.Fatalf("bad batches stored %d signals", n)
	}
	if got := a.push(t, bank, "", `{"signals": [`+good+`]}`); got.status != 400 || !strings.Contains(got.body, "Idempotency-Key") {
		t.Errorf("no Idempotency-Key: %d %s", got.status, got.body)
	}
	if got := a.push(t, bank, "short", `{"signals": [`+good+`]}`); got.status != 400 {
		t.Errorf("a short Idempotency-Key: %d %s", got.status, got.body)
	}
	if got := a.push(t, bank, "validation-0003", `{"signals": [`); got.status != 400 {
		t.Errorf("not JSON: %d %s", got.status, got.body)
	}
	many := `{"signals": [` + strings.TrimSuffix(strings.Repeat(good+",", app.MaxPartnerBatch+1), ",") + `]}`
	if got := a.push(t, bank, "validation-0004", many); got.status != 422 || !strings.Contains(got.body, `"too_many"`) {
		t.Errorf("a batch too large: %d %s", got.status, got.body)
	}
	if got := a.push(t, bank, "validation-0005", `{"signals": [], "extra": 1}`); got.status != 422 {
		t.Errorf("an empty batch: %d %s", got.status, got.body)
	}
	if n := a.count(t, `SELECT count(*) FROM partner_idempotency_keys`); n != 0 {
		t.Errorf("refused pushes used %d keys", n)
	}
	if got := a.push(t, bank, "validation-0006", `{"signals": [`+good+`]}`); got.status != 200 {
		t.Errorf("the good signal alone: %d %s", got.status, got.body)
	}
}

// testPartnerIdempotency: a push is stored whole with source partner,
// the kind's theme, strength and default expiry, and the partner's
// details; the same key and body (written otherwise) replays the answer
// and stores nothing more; the same key with another body is a 422; a
// reference pushed again under a new key is a duplicate (the first
// signal's id). The businesses with new signals are rescored, once.
func testPartnerIdempotency(t *testing.T, a *api) {
	urssaf := a.partnerToken(t, "urssaf-idf", urssafSecret)
	body := `{"signals": [` + oneDebt + `,
		{"reference": "DGFIP-77", "kind": "tax_debt", "siren": "443061841", "occurred_on": "2026-09-15", "amount": 3000, "expires_on": "2028-09-15"}]}`
	first := a.push(t, urssaf, "idem-0001", body)
	ans := decode[pushAnswer](t, first.answer)
	if first.status != 200 || ans.Created != 2 || ans.Duplicates != 0 || len(ans.Signals) != 2 || ans.Signals[0].Reference != "URSSAF-2026-0001" ||
		ans.Signals[0].Outcome != "created" || first.header.Get("Idempotent-Replayed") != "" {
		t.Fatalf("first push: %d %s", first.status, first.body)
	}
	type row struct {
		source, kind, theme, siren, siret, occurred, expires, ref string
		strength                                                  int
		amount                                                    *int64
	}
	var r row
	if err := a.pool.QueryRow(testkit.Context(t), `SELECT s.source, s.kind, s.theme, s.siren, coalesce(s.siret, ''), s.occurred_on::text,
			s.expires_on::text, s.source_ref, s.strength, d.amount_cents
		FROM signals s JOIN partner_signal_details d USING (signal_id) WHERE s.signal_id = $1`, ans.Signals[0].SignalID).
		Scan(&r.source, &r.kind, &r.theme, &r.siren, &r.siret, &r.occurred, &r.expires, &r.ref, &r.strength, &r.amount); err != nil {
		t.Fatal(err)
	}
	if r.source != "partner" || r.kind != "social_debt" || r.theme != "social_tax_debts" || r.siren != "732829320" ||
		r.siret != "73282932000074" || r.occurred != "2026-10-31" || r.expires != "2027-10-31" || r.ref != "urssaf-idf:URSSAF-2026-0001" ||
		r.strength != 50 || r.amount == nil || *r.amount != 1250050 {
		t.Errorf("stored %+v (amount %v)", r, r.amount)
	}
	if n := a.count(t, `SELECT count(*) FROM signals WHERE source_ref = 'urssaf-idf:DGFIP-77' AND expires_on = '2028-09-15'`); n != 1 {
		t.Errorf("the expiry given is not kept")
	}

	// The same body, written otherwise (spacing, member order).
	again := strings.ReplaceAll(body, "\n\t\t", "")
	again = strings.Replace(again, `"reference": "DGFIP-77", "kind": "tax_debt"`, `"kind": "tax_debt", "reference": "DGFIP-77"`, 1)
	replay := a.push(t, urssaf, "idem-0001", again)
	if replay.status != 200 || replay.body != first.body || replay.header.Get("Idempotent-Replayed") != "true" {
		t.Errorf("replay: %d %s", replay.status, replay.body)
	}
	other := strings.Replace(body, "3000", "3001", 1)
	if got := a.push(t, urssaf, "idem-0001", other); got.status != 422 || !strings.Contains(got.body, "Idempotency-Key") {
		t.Errorf("the key with another body: %d %s", got.status, got.body)
	}
	if n := a.count(t, `SELECT count(*) FROM signals`); n != 2 {
		t.Errorf("%d signals after the replay and the conflict, want 2", n)
	}
	dup := a.push(t, urssaf, "idem-0002", `{"signals": [`+oneDebt+`]}`)
	if d := decode[pushAnswer](t, dup.answer); dup.status != 200 || d.Created != 0 || d.Duplicates != 1 || d.Signals[0].SignalID != ans.Signals[0].SignalID {
		t.Errorf("a reference pushed again: %d %s", dup.status, dup.body)
	}
	// The same new push sent five times at once: one is stored, all
	// answer alike; and two keys pushing one new reference at once store
	// it once.
	race := `{"reference": "RACE-1", "kind": "tax_debt", "siren": "830249439", "occurred_on": "2026-11-01", "amount": 10}`
	var wg sync.WaitGroup
	answers := make([]exchange, 5)
	for i := range answers {
		wg.Go(func() {
			key := "idem-race-0001"
			if i >= 3 {
				key = "idem-race-000" + strconv.Itoa(i)
			}
			answers[i] = a.push(t, urssaf, key, race)
		})
	}
	wg.Wait()
	for i, got := range answers {
		if got.status != 200 || (i < 3 && got.body != answers[0].body) {
			t.Errorf("concurrent push %d: %d %s", i, got.status, got.body)
		}
	}
	if n := a.count(t, `SELECT count(*) FROM signals WHERE source_ref = 'urssaf-idf:RACE-1'`); n != 1 {
		t.Errorf("concurrent pushes stored %d signals", n)
	}
	if n := a.count(t, `SELECT count(*) FROM partner_calls WHERE idempotency_key = 'idem-race-0001' AND outcome = 'accepted'`); n != 1 {
		t.Errorf("concurrent pushes of one key accepted %d times", n)
	}
	// Another client's same reference is another signal.
	bank := a.partnerToken(t, "banque-91", bankSecret)
	incident := `{"reference": "URSSAF-2026-0001", "kind": "payment_incident", "siren": "732829320", "occurred_on": "2026-11-02", "amount": 800}`
	if got := a.push(t, bank, "idem-0001", incident); got.status != 200 || decode[pushAnswer](t, got.answer).Created != 1 {
		t.Errorf("another client, the same key and reference: %d %s", got.status, got.body)
	}
	// A week on, the keys and the expired tokens are forgotten; the
	// first push sent again stores nothing new: its references are known.
	prune := app.PrunePartnerState{Store: a.store, Now: func() time.Time { return a.now.Add(8 * 24 * time.Hour) }}
	if err := prune.Run(testkit.Context(t)); err != nil {
		t.Fatal(err)
	}
	if n := a.count(t, `SELECT count(*) FROM partner_idempotency_keys`) + a.count(t, `SELECT count(*) FROM partner_tokens`); n != 0 {
		t.Errorf("%d keys and tokens left after a week", n)
	}
	urssaf = a.partnerToken(t, "urssaf-idf", urssafSecret)
	if got := a.push(t, urssaf, "idem-0001", body); got.status != 200 || decode[pushAnswer](t, got.answer).Duplicates != 2 {
		t.Errorf("the first push a week on: %d %s", got.status, got.body)
	}
	want := [][]string{{"732829320", "443061841"}, {"830249439"}, {"732829320"}}
	if got := a.partner.calls(); !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("rescored %q, want %q", got, want)
	}
}

// testPartnerRateLimit: past its burst a client gets 429 with
// Retry-After (its rate is 6 a minute: one every 10 s), and the others
// are not slowed.
func testPartnerRateLimit(t *testing.T, a *api) {
	registry := a.partnerToken(t, "greffe-91", registrySecret)
	late := `{"reference": "ACC-%d", "kind": "late_accounts", "siren": "830249439", "occurred_on": "2026-07-31", "fiscal_year_end": "2025-12-31"}`
	for i := range 10 {
		key := "rate-" + strings.Repeat("0", 4) + string(rune('a'+i))
		if got := a.push(t, registry, key, strings.Replace(late, "%d", string(rune('a'+i)), 1)); got.status != 200 {
			t.Fatalf("push %d: %d %s", i, got.status, got.body)
		}
	}
	got := a.push(t, registry, "rate-limited-1", strings.Replace(late, "%d", "z", 1))
	if got.status != 429 || got.header.Get("Retry-After") != "10" || got.header.Get("Content-Type") != "application/problem+json" {
		t.Errorf("past the burst: %d %v %s", got.status, got.header, got.body)
	}
	if n := a.count(t, `SELECT count(*) FROM signals WHERE source_ref = 'greffe-91:ACC-z'`); n != 0 {
		t.Errorf("a limited push was stored")
	}
	if got := a.push(t, a.partnerToken(t, "banque-91", bankSecret), "rate-other-01", strings.Replace(late, "%d", "y", 1)); got.status != 200 {
		t.Errorf("another client: %d %s", got.status, got.body)
	}
}

// testPartnerAudit: every call, accepted or refused, is in partner_calls
// with its client (when it named one), route, outcome, kinds and count,
// and nowhere the secret nor the token; the log is append-only.
func testPartnerAudit(t *testing.T, a *api) {
	grant := url.Values{"grant_type": {"client_credentials"}}
	a.tokenRequest(t, [2]string{"urssaf-idf", "wrong-secret-wrong-secret-wrong-secret"}, grant)
	urssaf := a.partnerToken(t, "urssaf-idf", urssafSecret)
	a.push(t, "", "audit-0001", oneDebt)
	a.push(t, "dap_garbage", "audit-0002", oneDebt)
	a.push(t, urssaf, "audit-0003", `{"reference": "X", "kind": "payment_incident", "siren": "732829320", "occurred_on": "2026-11-02", "amount": 1}`)
	a.push(t, urssaf, "audit-0004", `{"reference": "X", "kind": "social_debt", "siren": "732829321", "occurred_on": "2026-11-02", "amount": 1}`)
	a.push(t, urssaf, "", oneDebt)
	body := `{"signals": [` + oneDebt + `, {"reference": "D-2", "kind": "tax_debt", "siren": "443061841", "occurred_on": "2026-09-15", "amount": 3000}]}`
	a.push(t, urssaf, "audit-0005", body)
	a.push(t, urssaf, "audit-0005", body)
	a.push(t, urssaf, "audit-0005", oneDebt)

	rows, err := a.pool.Query(testkit.Context(t), `SELECT route, coalesce(client_id, '-'), outcome, array_to_string(kinds, ','), signals, coalesce(idempotency_key, '-')
		FROM partner_calls ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for rows.Next() {
		var route, client, outcome, kinds, key string
		var n int
		if err := rows.Scan(&route, &client, &outcome, &kinds, &n, &key); err != nil {
			t.Fatal(err)
		}
		got = append(got, strings.Join([]string{route, client, outcome, kinds, strconv.Itoa(n), key}, " "))
	}
	if rows.Err() != nil {
		t.Fatal(rows.Err())
	}
	want := []string{
		"token urssaf-idf invalid_client  0 -",
		"token urssaf-idf issued signals:social_tax_debts 0 -",
		"signals - unauthenticated  0 -",
		"signals - invalid_token  0 -",
		"signals urssaf-idf forbidden_kind payment_incident 1 audit-0003",
		"signals urssaf-idf invalid social_debt 1 audit-0004",
		"signals urssaf-idf malformed  0 -",
		"signals urssaf-idf accepted social_debt,tax_debt 2 audit-0005",
		"signals urssaf-idf replayed social_debt,tax_debt 2 audit-0005",
		"signals urssaf-idf idempotency_conflict social_debt 1 audit-0005",
	}
	if !slices.Equal(got, want) {
		t.Errorf("partner_calls:\n got  %q\n want %q", got, want)
	}
	for name, secret := range map[string]string{"secret": urssafSecret, "token": urssaf[len(partner.TokenPrefix):],
		"token in base64": base64.StdEncoding.EncodeToString([]byte(urssaf)), "SIREN": "732829320"} {
		if n := a.count(t, `SELECT count(*) FROM partner_calls c WHERE c::text LIKE '%' || $1 || '%'`, secret); n != 0 {
			t.Errorf("the %s is in partner_calls", name)
		}
	}
	if _, err := a.pool.Exec(testkit.Context(t), `DELETE FROM partner_calls`); err == nil {
		t.Errorf("partner_calls rows can be deleted")
	}
}

// partnerOpenAPICalls sends the partners' API every request whose answer
// the document lists, for TestOpenAPIAgainstRealHandlers.
func partnerOpenAPICalls(t *testing.T, a *api, send func(string, openapicheck.Call) openapicheck.Answer) {
	t.Helper()
	form := "application/x-www-form-urlencoded"
	basic := func(id, secret string) http.Header {
		return http.Header{"Authorization": {"Basic " + base64.StdEncoding.EncodeToString([]byte(id+":"+secret))}}
	}
	token := func(name string, header http.Header, body string, status int, doc openapicheck.Doc) openapicheck.Answer {
		t.Helper()
		return send(name, openapicheck.Call{Method: http.MethodPost, Path: "/oauth/token", ContentType: form, Body: body, Header: header, Status: status, Doc: doc})
	}
	token("a token, Basic", basic("urssaf-idf", urssafSecret), "grant_type=client_credentials", 200, openapicheck.Accepts)
	token("a token, credentials in the body", nil, "grant_type=client_credentials&scope=signals%3Apayments&client_id=banque-91&client_secret="+url.QueryEscape(bankSecret),
		200, openapicheck.Accepts)
	token("a token, a scope beyond", basic("urssaf-idf", urssafSecret), "grant_type=client_credentials&scope=signals%3Apayments", 400, openapicheck.Accepts)
	token("a token, another grant", basic("urssaf-idf", urssafSecret), "grant_type=password", 400, openapicheck.Accepts)
	token("a token, a wrong secret", basic("urssaf-idf", bankSecret), "grant_type=client_credentials", 401, openapicheck.Accepts)

	urssaf, registry := a.partnerToken(t, "urssaf-idf", urssafSecret), a.partnerToken(t, "greffe-91", registrySecret)
	push := func(name, tok, key, contentType, body string, status int, doc openapicheck.Doc) openapicheck.Answer {
		t.Helper()
		h := http.Header{}
		if key != "" {
			h.Set("Idempotency-Key", key)
		}
		return send(name, openapicheck.Call{Method: http.MethodPost, Path: "/api/v1/partner-signals", Token: tok, Header: h,
			ContentType: contentType, Body: body, Status: status, Doc: doc})
	}
	batch := `{"signals": [` + oneDebt + `]}`
	push("partner signals, one", urssaf, "openapi-0001", "", oneDebt, 200, openapicheck.Accepts)
	push("partner signals, a batch", urssaf, "openapi-0002", "", strings.Replace(batch, "0001", "0002", 1), 200, openapicheck.Accepts)
	push("partner signals, a replay", urssaf, "openapi-0002", "", strings.Replace(batch, "0001", "0002", 1), 200, openapicheck.Accepts)
	push("partner signals, no key", urssaf, "", "", oneDebt, 400, openapicheck.Rejects)
	push("partner signals, not JSON", urssaf, "openapi-0003", "", `{"signals": [`, 400, openapicheck.Unchecked)
	push("partner signals, no token", "", "openapi-0004", "", oneDebt, 401, openapicheck.Unchecked)
	push("partner signals, an advisor's token", a.token(t, cmaCell), "openapi-0004", "", oneDebt, 401, openapicheck.Unchecked)
	// Each client has a burst of 10: the bank sends some.
	bank := a.partnerToken(t, "banque-91", bankSecret)
	incident := `{"reference": "I-1", "kind": "payment_incident", "siren": "732829320", "occurred_on": "2026-11-02", "amount": 10}`
	push("partner signals, a kind beyond", bank, "openapi-0005", "", oneDebt, 403, openapicheck.Accepts)
	push("partner signals, too large", urssaf, "openapi-0006", "", `{"signals": [`+strings.Repeat(" ", httpapi.MaxPartnerBody)+`]}`, 413, openapicheck.Unchecked)
	push("partner signals, not JSON typed", urssaf, "openapi-0007", "text/plain", oneDebt, 415, openapicheck.Rejects)
	push("partner signals, a SIREN failing its key", bank, "openapi-0008", "", strings.Replace(incident, "732829320", "732829321", 1), 422, openapicheck.Accepts)
	push("partner signals, an unknown member", bank, "openapi-0009", "", strings.Replace(incident, `"kind"`, `"nom": "x", "kind"`, 1), 422, openapicheck.Rejects)
	push("partner signals, the key for another body", urssaf, "openapi-0001", "", strings.Replace(oneDebt, "12500.5", "12", 1), 422, openapicheck.Accepts)
	late := `{"reference": "ACC-%s", "kind": "late_accounts", "siren": "830249439", "occurred_on": "2026-07-31", "fiscal_year_end": "2025-12-31"}`
	for i := range 10 {
		n := strings.Repeat("0", 3) + string(rune('a'+i))
		push("partner signals, within the rate", registry, "openapi-rate-"+n, "", strings.Replace(late, "%s", n, 1), 200, openapicheck.Accepts)
	}
	push("partner signals, beyond the rate", registry, "openapi-rate-x", "", strings.Replace(late, "%s", "x", 1), 429, openapicheck.Accepts)

	// With the clients' table down, neither route answers but 503.
	a.adminExec(t, `ALTER TABLE `+a.schema+`.partner_clients RENAME TO partner_clients_down`)
	token("a token, database down", basic("urssaf-idf", urssafSecret), "grant_type=client_credentials", 503, openapicheck.Accepts)
	push("partner signals, database down", urssaf, "openapi-0010", "", oneDebt, 503, openapicheck.Accepts)
	a.adminExec(t, `ALTER TABLE `+a.schema+`.partner_clients_down RENAME TO partner_clients`)
}
