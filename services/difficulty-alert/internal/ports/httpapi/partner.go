package httpapi

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/ccicma/platform/pkg/audit"
	"github.com/ccicma/platform/pkg/httpserver"

	"github.com/ccicma/platform/services/difficulty-alert/internal/app"
	"github.com/ccicma/platform/services/difficulty-alert/internal/domain/partner"
	"github.com/ccicma/platform/services/difficulty-alert/internal/domain/signal"
)

// The partners' API: partner systems, with client credentials of their
// own (never an advisor's token), trade them for a short-lived bearer
// token (OAuth 2.0 client credentials grant) and push signals with it:
//
//	POST /oauth/token                  client credentials grant (RFC 6749 §4.4)
//	POST /api/v1/partner-signals       one signal or a batch, Idempotency-Key required
//
// Every call, accepted or refused, is recorded in partner_calls (client
// id, route, outcome, kinds, count; never the secret, the token nor a
// SIREN).

// PartnerTokens issues access tokens (app.IssuePartnerToken).
type PartnerTokens interface {
	Issue(ctx context.Context, clientID, secret string, scopes []string) (app.PartnerToken, error)
}

// PartnerAuth finds the client behind a token (app.AuthenticatePartner).
type PartnerAuth interface {
	Authenticate(ctx context.Context, token string) (partner.Caller, error)
}

// PartnerPushes stores partners' signals (app.PushPartnerSignals).
type PartnerPushes interface {
	Push(ctx context.Context, p app.PartnerPush) (app.PushResult, error)
}

// PartnerCallLog records the calls refused before a use case runs
// (app.RecordPartnerCall).
type PartnerCallLog interface {
	Record(ctx context.Context, c app.PartnerCall) error
}

// Partners is the partners' API's use cases and limits.
type Partners struct {
	Tokens PartnerTokens
	Auth   PartnerAuth
	Pushes PartnerPushes
	Calls  PartnerCallLog
	// Limit bounds each client's pushes (none when nil).
	Limit *PartnerLimit
	Now   func() time.Time
}

// Limits of the partners' API.
const (
	// MaxPartnerBody bounds a push's body: a batch of MaxPartnerBatch
	// signals is about 30 KB.
	MaxPartnerBody = 256 << 10
	// maxTokenBody bounds a token request's form.
	maxTokenBody = 4 << 10
	// partnerRealm names the partners' protection space, apart from the
	// advisors'.
	partnerRealm = "ccicma-partners"
)

// idempotencyKey accepts the keys clients commonly send (UUIDs, ULIDs...),
// as intake does.
var idempotencyKey = regexp.MustCompile(`^[A-Za-z0-9_.:-]{8,128}$`)

// PartnerLimit is each partner client's rate: Burst pushes at once, then
// PerMinute a minute (a token bucket a client, golang.org/x/time/rate,
// answered by httpserver.TooManyRequests). Only authenticated clients get
// a bucket, so the table is as small as the clients file. In process: with
// N replicas a client may push N times the rate.
type PartnerLimit struct {
	limit rate.Limit
	burst int
	now   func() time.Time
	mu    sync.Mutex
	by    map[string]*rate.Limiter
}

// NewPartnerLimit returns the limit; a perMinute of 0 is none (nil).
func NewPartnerLimit(perMinute, burst int, now func() time.Time) (*PartnerLimit, error) {
	switch {
	case perMinute < 0:
		return nil, fmt.Errorf("PARTNER_RATE_LIMIT_PER_MINUTE must be 0 (off) or more, not %d", perMinute)
	case perMinute == 0:
		return nil, nil
	case burst < 1:
		return nil, fmt.Errorf("PARTNER_RATE_LIMIT_BURST must be at least 1, not %d", burst)
	}
	if now == nil {
		now = time.Now
	}
	return &PartnerLimit{limit: rate.Limit(float64(perMinute) / 60), burst: burst, now: now, by: map[string]*rate.Limiter{}}, nil
}

// take reserves one push of client, or says how long until one is allowed.
func (l *PartnerLimit) take(client string) (bool, time.Duration) {
	if l == nil {
		return true, 0
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	b, ok := l.by[client]
	if !ok {
		b = rate.NewLimiter(l.limit, l.burst)
		l.by[client] = b
	}
	res := b.ReserveN(now, 1)
	if wait := res.DelayFrom(now); wait > 0 {
		res.CancelAt(now)
		return false, wait
	}
	return true, 0
}

func (p Partners) call(ctx context.Context, route string) app.PartnerCall {
	now := time.Now
	if p.Now != nil {
		now = p.Now
	}
	return app.PartnerCall{At: now().UTC(), Route: route, Kinds: []string{}, TraceID: audit.TraceID(ctx)}
}

// record writes the audit record of a call the port answered itself. The
// answer stands when it cannot be written (a refusal wrote nothing); the
// failure is logged.
func (rt Routes) record(r *http.Request, c app.PartnerCall, outcome string) {
	c.Outcome = outcome
	if rt.Partners.Calls == nil {
		return
	}
	if err := rt.Partners.Calls.Record(r.Context(), c); err != nil {
		rt.Log.ErrorContext(r.Context(), "partner call not audited", "route", c.Route, "client_id", c.ClientID, "outcome", outcome, "err", err)
	}
}

// tokenError is an RFC 6749 §5.2 error answer.
type tokenError struct {
	Error       string `json:"error"`
	Description string `json:"error_description,omitempty"`
}

type tokenAnswer struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	ExpiresIn   int    `json:"expires_in"`
	Scope       string `json:"scope"`
}

// writeOAuth answers as RFC 6749 §5.1 and §5.2 say: JSON, never cached.
func writeOAuth(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Pragma", "no-cache")
	httpserver.WriteJSON(w, status, v)
}

// token is the client credentials grant. The client authenticates with
// HTTP Basic (its id and secret form-encoded first, RFC 6749 §2.3.1) or
// with client_id and client_secret in the body, not both.
func (rt Routes) token(w http.ResponseWriter, r *http.Request) {
	call := rt.Partners.call(r.Context(), app.PartnerRouteToken)
	fail := func(status int, code, outcome, desc string) {
		rt.record(r, call, outcome)
		if status == http.StatusUnauthorized {
			w.Header().Set("WWW-Authenticate", `Basic realm="`+partnerRealm+`"`)
		}
		writeOAuth(w, status, tokenError{Error: code, Description: desc})
	}
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/x-www-form-urlencoded" {
		fail(http.StatusBadRequest, "invalid_request", app.PartnerInvalidRequest, "The body must be application/x-www-form-urlencoded")
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxTokenBody))
	if err != nil {
		fail(http.StatusBadRequest, "invalid_request", app.PartnerInvalidRequest, "The body could not be read")
		return
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		fail(http.StatusBadRequest, "invalid_request", app.PartnerInvalidRequest, "The body is not a valid form")
		return
	}
	for name, vs := range form {
		if len(vs) > 1 {
			fail(http.StatusBadRequest, "invalid_request", app.PartnerInvalidRequest, "Parameter "+name+" is repeated")
			return
		}
	}
	id, secret, bad := clientCredentials(r, form)
	if partner.ClientIDPattern.MatchString(id) {
		call.ClientID = id
	}
	switch {
	case bad != "":
		fail(http.StatusBadRequest, "invalid_request", app.PartnerInvalidRequest, bad)
		return
	case form.Get("grant_type") == "":
		fail(http.StatusBadRequest, "invalid_request", app.PartnerInvalidRequest, "grant_type is required")
		return
	case form.Get("grant_type") != "client_credentials":
		fail(http.StatusBadRequest, "unsupported_grant_type", app.PartnerUnsupportedGrant, "Only client_credentials is supported")
		return
	case id == "" || secret == "":
		// No credentials at all: RFC 6749 §5.2 invalid_client.
		fail(http.StatusUnauthorized, "invalid_client", app.PartnerInvalidClient, "Client authentication is required")
		return
	}
	scopes := strings.Fields(form.Get("scope"))
	tok, err := rt.Partners.Tokens.Issue(r.Context(), id, secret, scopes)
	if se, ok := app.IsScopeError(err); ok {
		fail(http.StatusBadRequest, "invalid_scope", app.PartnerInvalidScope, "Scopes not granted to this client: "+strings.Join(se.Refused, " "))
		return
	}
	switch {
	case errors.Is(err, app.ErrInvalidClient):
		fail(http.StatusUnauthorized, "invalid_client", app.PartnerInvalidClient, "Client authentication failed")
		return
	case err != nil:
		rt.Log.ErrorContext(r.Context(), "partner token", "client_id", call.ClientID, "err", err)
		rt.record(r, call, app.PartnerFailed)
		httpserver.WriteProblem(w, r, httpserver.Problem{Status: http.StatusServiceUnavailable, Title: "Service momentanément indisponible"})
		return
	}
	call.Kinds = tok.Scopes
	rt.record(r, call, app.PartnerIssued)
	expiresIn := int(time.Until(tok.Expires).Round(time.Second).Seconds())
	if rt.Partners.Now != nil {
		expiresIn = int(tok.Expires.Sub(rt.Partners.Now()).Round(time.Second).Seconds())
	}
	writeOAuth(w, http.StatusOK, tokenAnswer{AccessToken: tok.Value, TokenType: "Bearer", ExpiresIn: expiresIn, Scope: strings.Join(tok.Scopes, " ")})
}

// clientCredentials reads the client's id and secret from HTTP Basic or
// from the body; bad says why a request cannot be read (both methods).
func clientCredentials(r *http.Request, form url.Values) (id, secret, bad string) {
	inBody := form.Has("client_id") || form.Has("client_secret")
	if u, p, ok := r.BasicAuth(); ok {
		if inBody {
			return "", "", "Use one client authentication method, not both"
		}
		// RFC 6749 §2.3.1: both are form-encoded before Basic.
		id, err1 := url.QueryUnescape(u)
		secret, err2 := url.QueryUnescape(p)
		if err1 != nil || err2 != nil {
			return "", "", "The Basic credentials are not form-encoded"
		}
		return id, secret, ""
	}
	return form.Get("client_id"), form.Get("client_secret"), ""
}

// partnerCaller authenticates the bearer token of the signals' route;
// ok false means it answered 401 (and recorded the call).
func (rt Routes) partnerCaller(w http.ResponseWriter, r *http.Request, call *app.PartnerCall) (partner.Caller, bool) {
	challenge := func(code, desc, detail string) {
		c := `Bearer realm="` + partnerRealm + `"`
		if code != "" {
			c += `, error="` + code + `", error_description="` + desc + `"`
		}
		w.Header().Set("WWW-Authenticate", c)
		httpserver.WriteProblem(w, r, httpserver.Problem{Status: http.StatusUnauthorized, Title: "Authentification requise", Detail: detail})
	}
	raw := ""
	if scheme, tok, ok := strings.Cut(r.Header.Get("Authorization"), " "); ok && strings.EqualFold(scheme, "Bearer") {
		raw = strings.TrimSpace(tok)
	}
	if raw == "" {
		rt.record(r, *call, app.PartnerUnauthenticated)
		challenge("", "", "Un jeton d'accès de partenaire est requis (en-tête Authorization: Bearer), obtenu sur /oauth/token.")
		return partner.Caller{}, false
	}
	c, err := rt.Partners.Auth.Authenticate(r.Context(), raw)
	call.ClientID = c.ClientID
	switch {
	case errors.Is(err, app.ErrTokenExpired):
		rt.record(r, *call, app.PartnerInvalidToken)
		challenge("invalid_token", "The access token expired", "Le jeton d'accès a expiré : demandez-en un autre sur /oauth/token.")
		return c, false
	case errors.Is(err, app.ErrInvalidToken):
		rt.record(r, *call, app.PartnerInvalidToken)
		challenge("invalid_token", "The access token is invalid", "Le jeton d'accès est invalide.")
		return c, false
	case err != nil:
		rt.Log.ErrorContext(r.Context(), "partner authentication", "err", err)
		rt.record(r, *call, app.PartnerFailed)
		httpserver.WriteProblem(w, r, httpserver.Problem{Status: http.StatusServiceUnavailable, Title: "Service momentanément indisponible"})
		return c, false
	}
	return c, true
}

// partnerSignalJSON is one signal as a partner sends it.
type partnerSignalJSON struct {
	Reference     string       `json:"reference"`
	Kind          string       `json:"kind"`
	SIREN         string       `json:"siren"`
	SIRET         string       `json:"siret,omitempty"`
	OccurredOn    string       `json:"occurred_on"`
	ExpiresOn     string       `json:"expires_on,omitempty"`
	Amount        *json.Number `json:"amount,omitempty"`
	FiscalYearEnd string       `json:"fiscal_year_end,omitempty"`
}

// reportFields are the members of a signal, for strict reading.
var reportFields = []string{"reference", "kind", "siren", "siret", "occurred_on", "expires_on", "amount", "fiscal_year_end"}

func (j partnerSignalJSON) report() signal.PartnerReport {
	r := signal.PartnerReport{Reference: j.Reference, Kind: j.Kind, SIREN: j.SIREN, SIRET: j.SIRET, OccurredOn: j.OccurredOn,
		ExpiresOn: j.ExpiresOn, FiscalYearEnd: j.FiscalYearEnd}
	if j.Amount != nil {
		r.Amount = j.Amount.String()
	}
	return r
}

// readPush reads a push strictly: a single signal (an object of the
// signal's members) or a batch ({"signals": [...]}, 1 to
// app.MaxPartnerBatch). Each unknown member, or a member of the wrong
// type, is a problem named by its path ("signals.2.amount"), answered 422
// with the fields' checks; only a body that is not JSON is a 400.
func readPush(body []byte) (reports []partnerSignalJSON, field func(int) string, problems []signal.Problem, p *httpserver.Problem) {
	var top map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	err := dec.Decode(&top)
	if err == nil {
		if _, extra := dec.Token(); extra != io.EOF {
			err = errors.New("trailing data")
		}
	}
	if err != nil || top == nil {
		return nil, nil, nil, &httpserver.Problem{Status: http.StatusBadRequest, Title: "Requête illisible",
			Detail: "Le corps n'est pas un objet JSON valide : un signal, ou {\"signals\": [...]}."}
	}
	raw, batch := top["signals"]
	if !batch {
		r, ps := readReport(top, "")
		return []partnerSignalJSON{r}, nil, ps, nil
	}
	for name := range top {
		if name != "signals" {
			problems = append(problems, signal.Problem{Field: name, Code: "unknown", Message: "Champ inconnu : un envoi groupé n'a que « signals »."})
		}
	}
	var items []map[string]json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil {
		return nil, nil, append(problems, signal.Problem{Field: "signals", Code: "type", Message: "Une liste de signaux (objets) est attendue."}), nil
	}
	switch {
	case len(items) == 0:
		return nil, nil, append(problems, signal.Problem{Field: "signals", Code: "empty", Message: "Au moins un signal est attendu."}), nil
	case len(items) > app.MaxPartnerBatch:
		return nil, nil, append(problems, signal.Problem{Field: "signals", Code: "too_many",
			Message: fmt.Sprintf("Au plus %d signaux par envoi.", app.MaxPartnerBatch)}), nil
	}
	field = func(i int) string { return "signals." + strconv.Itoa(i) }
	for i, item := range items {
		r, ps := readReport(item, field(i)+".")
		reports, problems = append(reports, r), append(problems, ps...)
	}
	return reports, field, problems, nil
}

// readReport reads one signal's members; prefix names them in problems.
func readReport(m map[string]json.RawMessage, prefix string) (partnerSignalJSON, []signal.Problem) {
	var r partnerSignalJSON
	var problems []signal.Problem
	names := make([]string, 0, len(m))
	for name := range m {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		if !slices.Contains(reportFields, name) {
			problems = append(problems, signal.Problem{Field: prefix + name, Code: "unknown", Message: "Champ inconnu."})
			continue
		}
		one, _ := json.Marshal(map[string]json.RawMessage{name: m[name]})
		dec := json.NewDecoder(bytes.NewReader(one))
		dec.UseNumber()
		if err := dec.Decode(&r); err != nil {
			want := "une chaîne"
			if name == "amount" {
				want = "un nombre"
			}
			problems = append(problems, signal.Problem{Field: prefix + name, Code: "type", Message: "Type de valeur incorrect : " + want + " est attendu."})
		}
	}
	return r, problems
}

// pushAnswer is what a push answers (and a replay answers again).
type pushAnswer struct {
	Created    int                `json:"created"`
	Duplicates int                `json:"duplicates"`
	Signals    []app.PushedSignal `json:"signals"`
}

// partnerSignals is POST /api/v1/partner-signals.
func (rt Routes) partnerSignals(w http.ResponseWriter, r *http.Request) {
	call := rt.Partners.call(r.Context(), app.PartnerRouteSignals)
	caller, ok := rt.partnerCaller(w, r, &call)
	if !ok {
		return
	}
	if ok, wait := rt.Partners.Limit.take(caller.ClientID); !ok {
		rt.record(r, call, app.PartnerRateLimited)
		httpserver.TooManyRequests(w, r, wait, "Trop d'envois de signaux en peu de temps pour ce client")
		return
	}
	malformed := func(p httpserver.Problem) {
		rt.record(r, call, app.PartnerMalformed)
		httpserver.WriteProblem(w, r, p)
	}
	key := r.Header.Get("Idempotency-Key")
	call.IdempotencyKey = key
	if !idempotencyKey.MatchString(key) {
		call.IdempotencyKey = ""
		malformed(httpserver.Problem{Status: http.StatusBadRequest, Title: "En-tête Idempotency-Key manquant ou invalide",
			Errors: []httpserver.FieldError{{Field: "Idempotency-Key", Code: "format",
				Message: "En-tête obligatoire : 8 à 128 caractères parmi lettres, chiffres, « _ . : - », un par envoi."}}})
		return
	}
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/json" {
		malformed(httpserver.Problem{Status: http.StatusUnsupportedMediaType, Title: "Type de contenu non pris en charge",
			Detail: "Envoyez un corps application/json."})
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxPartnerBody))
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		malformed(httpserver.Problem{Status: http.StatusRequestEntityTooLarge, Title: "Requête trop volumineuse",
			Detail: fmt.Sprintf("Le corps dépasse %d octets : envoyez au plus %d signaux à la fois.", MaxPartnerBody, app.MaxPartnerBatch)})
		return
	case err != nil:
		malformed(httpserver.Problem{Status: http.StatusBadRequest, Title: "Requête illisible", Detail: "Le corps n'a pas pu être lu."})
		return
	}
	items, field, unreadable, problem := readPush(body)
	if problem != nil {
		malformed(*problem)
		return
	}
	push := app.PartnerPush{Caller: caller, Key: key, Field: field, Unreadable: unreadable}
	for _, it := range items {
		push.Reports = append(push.Reports, it.report())
	}
	canonical, _ := json.Marshal(push.Reports)
	fp := sha256.Sum256(canonical)
	push.Fingerprint = fp[:]
	res, err := rt.Partners.Pushes.Push(r.Context(), push)
	rt.answerPush(w, r, call, res, err)
}

func (rt Routes) answerPush(w http.ResponseWriter, r *http.Request, call app.PartnerCall, res app.PushResult, err error) {
	var invalid *app.ValidationError
	se, outOfScope := app.IsScopeError(err)
	switch {
	case outOfScope:
		detail := "Votre accès ne couvre pas les signaux de nature : " + strings.Join(se.Refused, ", ") + " (portées : "
		var scopes []string
		for _, k := range se.Refused {
			pk, _ := signal.PartnerKindOf(signal.Kind(k))
			if !slices.Contains(scopes, pk.Scope) {
				scopes = append(scopes, pk.Scope)
			}
		}
		httpserver.WriteProblem(w, r, httpserver.Problem{Status: http.StatusForbidden, Title: "Accès refusé", Detail: detail + strings.Join(scopes, ", ") + ")."})
	case errors.As(err, &invalid):
		errs := make([]httpserver.FieldError, len(invalid.Problems))
		for i, p := range invalid.Problems {
			errs[i] = httpserver.FieldError{Field: p.Field, Code: p.Code, Message: p.Message}
		}
		httpserver.WriteProblem(w, r, httpserver.Problem{Status: http.StatusUnprocessableEntity, Title: "Signaux invalides",
			Detail: "Aucun signal de l'envoi n'a été enregistré : corrigez les champs indiqués et renvoyez-le entier.", Errors: errs})
	case errors.Is(err, app.ErrIdempotencyConflict):
		httpserver.WriteProblem(w, r, httpserver.Problem{Status: http.StatusUnprocessableEntity, Title: "Clé d'idempotence déjà utilisée",
			Detail: "Cette clé Idempotency-Key a déjà servi pour un autre envoi : chaque envoi a sa clé."})
	case err != nil:
		rt.Log.ErrorContext(r.Context(), "partner signals", "client_id", call.ClientID, "err", err)
		rt.record(r, call, app.PartnerFailed)
		httpserver.WriteProblem(w, r, httpserver.Problem{Status: http.StatusServiceUnavailable, Title: "Service momentanément indisponible",
			Detail: "Rien n'a été enregistré ; renvoyez l'envoi avec la même clé Idempotency-Key."})
	default:
		if res.Replayed {
			w.Header().Set("Idempotent-Replayed", "true")
		}
		w.Header().Set("Cache-Control", "no-store")
		httpserver.WriteJSON(w, http.StatusOK, pushAnswer{Created: res.Count(app.SignalCreated), Duplicates: res.Count(app.SignalDuplicate), Signals: res.Signals})
	}
}
