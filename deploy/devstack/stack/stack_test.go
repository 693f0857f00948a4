package stack_test

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/ccicma/platform/pkg/platform"
	"github.com/ccicma/platform/pkg/telemetry"
	"github.com/ccicma/platform/pkg/testkit"

	"github.com/ccicma/platform/deploy/devstack/stack"
)

// running is a started stack and what the test needs to look inside it.
type running struct {
	st    *stack.Stack
	admin string
	nats  *testkit.NATS
	db    *testkit.DB // the database, as its administrator
	spans *tracetest.SpanRecorder
	stop  func()
}

// startStack starts the whole platform on a fresh database and an
// in-process NATS.
func startStack(t *testing.T) *running {
	t.Helper()
	admin := testkit.Database(t)
	return runStack(t, admin, testkit.StartNATS(t), testkit.AdminDB(t, admin))
}

// restart starts the platform again on the same database and NATS, once
// r is stopped.
func (r *running) restart(t *testing.T) *running {
	t.Helper()
	return runStack(t, r.admin, r.nats, r.db)
}

func runStack(t *testing.T, admin string, nats *testkit.NATS, db *testkit.DB) *running {
	t.Helper()
	return runStackWith(t, admin, nats, db, nil)
}

// runStackWith is runStack with the options adjusted (nil: none).
func runStackWith(t *testing.T, admin string, nats *testkit.NATS, db *testkit.DB, adjust func(*stack.Options)) *running {
	t.Helper()
	rec := tracetest.NewSpanRecorder()
	ctx, cancel := context.WithCancel(context.Background())
	o := stack.Options{
		AdminDatabaseURL: admin,
		RolePassword:     func(role string) string { return "test-" + role },
		NATS:             nats.Config,
		Host:             "127.0.0.1",
		Departements:     []string{"91"},
		Logger:           slog.New(slog.NewTextHandler(io.Discard, nil)),
		Telemetry:        func(string) telemetry.Options { return telemetry.Options{SpanProcessor: rec} },
		Tune: func(c *platform.Config) {
			c.ShutdownTimeout = 5 * time.Second
			c.OutboxPoll = 100 * time.Millisecond
		},
	}
	if adjust != nil {
		adjust(&o)
	}
	st, err := stack.Start(ctx, o)
	if err != nil {
		cancel()
		t.Fatalf("start stack: %v", err)
	}
	stopRun := testkit.Run(t, ctx, st.Run)
	t.Cleanup(cancel) // before stopRun's own cleanup: cancel, then wait
	return &running{st: st, admin: admin, nats: nats, db: db, spans: rec, stop: func() { cancel(); stopRun() }}
}

const bakery = `{
  "applicant": {"first_name": "Inès", "last_name": "Moreau", "email": "ines.moreau@example.fr", "phone": "06 12 34 56 78"},
  "project": {"description": "Ouverture d'une boulangerie-pâtisserie artisanale", "naf_code": "1071C",
              "legal_form": "SARL", "postcode": "91000", "planned_headcount": 3, "planned_start": "2027-03-01"}
}`

// post sends a JSON body with an Idempotency-Key (none if key is "")
// and decodes the JSON answer.
func post(t *testing.T, url, body, key string) (int, map[string]any) {
	t.Helper()
	a := testkit.Call(t, http.MethodPost, url, "", body, "Idempotency-Key", key)
	var out map[string]any
	a.Decode(t, &out)
	return a.Status, out
}

// signIn gets an advisor's token from advisor-desk's development sign-in,
// as the welcome text tells a developer to.
func signIn(t *testing.T, desk, advisor string) string {
	t.Helper()
	code, out := post(t, desk+"/api/v1/dev/tokens", `{"advisor_id":"`+advisor+`"}`, "")
	token, _ := out["access_token"].(string)
	if code != http.StatusOK || token == "" || out["token_type"] != "Bearer" {
		t.Fatalf("dev sign-in of %s answered %d: %v", advisor, code, out)
	}
	return token
}

// sse reads notification events of a live stream into a channel. The
// token goes in the query, as a browser's EventSource sends it.
func sse(t *testing.T, streamURL, token string) <-chan map[string]any {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, streamURL+"?access_token="+url.QueryEscape(token), nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("open stream: %v", err)
	}
	if ct := resp.Header.Get("Content-Type"); resp.StatusCode != http.StatusOK || ct != "text/event-stream" {
		resp.Body.Close()
		t.Fatalf("stream answered %d %q", resp.StatusCode, ct)
	}
	out := make(chan map[string]any, 16)
	// The body goes to the reader as an argument, not captured, so bodyclose
	// sees it closed there.
	go func(body io.ReadCloser) {
		defer body.Close()
		sc := bufio.NewScanner(body)
		for sc.Scan() {
			if data, ok := strings.CutPrefix(sc.Text(), "data: "); ok {
				var n map[string]any
				if json.Unmarshal([]byte(data), &n) == nil {
					out <- n
				}
			}
		}
	}(resp.Body)
	return out
}

// TestCreationRequestEndToEnd follows one creation project from the POST to
// the advisor's notification, through real Postgres and NATS: the case is
// opened once, the notification reaches the API and the live stream, a
// retried POST changes nothing, and the whole journey is one trace.
func TestCreationRequestEndToEnd(t *testing.T) {
	r := startStack(t)
	const advisor = "cma-91-001" // CMA, creation speciality, first by id among the least loaded
	desk := r.st.URL("advisor-desk")

	// The directory reaches creation-support before the request, so the
	// case gets an advisor rather than a chamber-wide notification.
	r.db.WaitCount(t, "advisor directory projected", 4, `SELECT count(*) FROM creation_support.advisors`)
	token := signIn(t, desk, advisor)
	live := sse(t, desk+"/api/v1/advisors/"+advisor+"/notifications/stream", token)

	code, out := post(t, r.st.URL("intake")+"/api/v1/creation-requests", bakery, "e2e-bakery-0001")
	if code != http.StatusAccepted {
		t.Fatalf("POST answered %d: %v", code, out)
	}
	requestID, _ := out["request_id"].(string)
	routing, _ := out["routing"].(map[string]any)
	if routing["lead_chamber"] != "CMA" || routing["rule_id"] != "artisanal-always-small" {
		t.Fatalf("routing = %v, want CMA by artisanal-always-small", routing)
	}

	var got map[string]any
	select {
	case got = <-live:
	case <-time.After(15 * time.Second):
		t.Fatal("no notification on the live stream")
	}
	if got["advisor_id"] != advisor || got["kind"] != "creation.case.opened" {
		t.Fatalf("live notification = %v", got)
	}
	notifications := desk + "/api/v1/advisors/" + advisor + "/notifications"
	if a := testkit.Call(t, http.MethodGet, notifications, "", ""); a.Status != http.StatusUnauthorized {
		t.Fatalf("notifications without a token = %d %s; want 401", a.Status, a.Body)
	}
	a := testkit.Call(t, http.MethodGet, notifications, token, "")
	if a.Status != http.StatusOK {
		t.Fatalf("notifications with %s's token answered %d", advisor, a.Status)
	}
	var list struct {
		Notifications []map[string]any `json:"notifications"`
	}
	a.Decode(t, &list)
	if len(list.Notifications) != 1 || !strings.Contains(list.Notifications[0]["body"].(string), "10.71C") {
		t.Fatalf("notifications API = %v", list.Notifications)
	}

	// A retried POST (same key, same body) returns the same request and
	// opens nothing new.
	code, again := post(t, r.st.URL("intake")+"/api/v1/creation-requests", bakery, "e2e-bakery-0001")
	if code != http.StatusAccepted || again["request_id"] != requestID {
		t.Fatalf("retry answered %d %v, want 202 with request %s", code, again, requestID)
	}
	if n := r.db.Count(t, `SELECT count(*) FROM intake.requests`); n != 1 {
		t.Fatalf("%d requests stored, want 1", n)
	}
	if n := r.db.Count(t, `SELECT count(*) FROM creation_support.creation_cases WHERE request_id = $1`, requestID); n != 1 {
		t.Fatalf("%d cases, want 1", n)
	}
	// The applicant's status follows: the case is in an advisor's hands.
	testkit.Eventually(t, 10*time.Second, "request shown as assigned", func() (bool, error) {
		resp, err := http.Get(r.st.URL("intake") + "/api/v1/creation-requests/" + requestID)
		if err != nil {
			return false, err
		}
		defer resp.Body.Close()
		var v struct {
			Status string `json:"status"`
		}
		err = json.NewDecoder(resp.Body).Decode(&v)
		return v.Status == "assigned", err
	})
	assertOneTrace(t, r.spans)
}

// assertOneTrace checks that the HTTP request, the relay's publishes and
// both consumers' handling share one trace.
func assertOneTrace(t *testing.T, rec *tracetest.SpanRecorder) {
	t.Helper()
	var httpSpan sdktrace.ReadOnlySpan
	testkit.Eventually(t, 5*time.Second, "spans recorded", func() (bool, error) {
		have := map[string]bool{}
		for _, s := range rec.Ended() {
			if s.Name() == "POST /api/v1/creation-requests" && httpSpan == nil {
				httpSpan = s
			}
			have[s.Name()] = true
		}
		if testing.Verbose() {
			t.Logf("spans: %v", have)
		}
		return have["process intake.creation.submitted.91"] && have["process creation.case.opened.91"] && httpSpan != nil, nil
	})
	traceID := httpSpan.SpanContext().TraceID()
	// Spans of the trace, as "service: name (kind)".
	want := []string{
		"intake: POST /api/v1/creation-requests (server)",
		"intake: send intake.creation.submitted.91 (producer)",
		"creation-support: process intake.creation.submitted.91 (consumer)",
		"creation-support: send creation.case.opened.91 (producer)",
		"advisor-desk: process creation.case.opened.91 (consumer)",
		"intake: process creation.case.opened.91 (consumer)", // the applicant's status follows
	}
	have := map[string]bool{}
	for _, s := range rec.Ended() {
		if s.SpanContext().TraceID() != traceID {
			continue
		}
		service := ""
		for _, kv := range s.Resource().Attributes() {
			if kv.Key == "service.name" {
				service = kv.Value.AsString()
			}
		}
		have[service+": "+s.Name()+" ("+s.SpanKind().String()+")"] = true
	}
	var missing []string
	for _, w := range want {
		if !have[w] {
			missing = append(missing, w)
		}
	}
	if len(missing) > 0 {
		t.Fatalf("trace %s lacks %v; it has %v", traceID, missing, keys(have))
	}
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// TestRelayRepublishAfterCrashOpensNoSecondCase simulates a relay that died
// after publishing but before marking its rows sent: on restart the rows
// go out again with the same Nats-Msg-Id, and the platform still holds one
// event in the stream and one case.
func TestRelayRepublishAfterCrashOpensNoSecondCase(t *testing.T) {
	r := startStack(t)
	code, out := post(t, r.st.URL("intake")+"/api/v1/creation-requests", bakery, "")
	if code != http.StatusAccepted {
		t.Fatalf("POST answered %d: %v", code, out)
	}
	requestID := out["request_id"].(string)
	testkit.Eventually(t, 10*time.Second, "case opened", func() (bool, error) {
		return r.db.Count(t, `SELECT count(*) FROM creation_support.creation_cases WHERE request_id = $1`, requestID) == 1, nil
	})
	r.stop()

	// The crash: the event went out, the mark did not.
	if n := r.db.Count(t, `WITH u AS (UPDATE intake.outbox SET sent_at = NULL RETURNING 1) SELECT count(*) FROM u`); n != 1 {
		t.Fatalf("reset %d outbox rows, want 1", n)
	}
	r = r.restart(t)
	testkit.Eventually(t, 10*time.Second, "outbox row re-sent", func() (bool, error) {
		return r.db.Count(t, `SELECT count(*) FROM intake.outbox WHERE sent_at IS NULL`) == 0, nil
	})
	_, js := r.nats.Admin(t)
	stream, err := js.Stream(context.Background(), "INTAKE")
	if err != nil {
		t.Fatal(err)
	}
	info, err := stream.Info(context.Background(), jetstream.WithSubjectFilter("intake.creation.submitted.>"))
	if err != nil {
		t.Fatal(err)
	}
	if info.State.Msgs != 1 {
		t.Fatalf("INTAKE holds %d messages, want 1 (duplicate not dropped)", info.State.Msgs)
	}
	// Give creation-support the chance to (wrongly) open a second case.
	cons, err := js.Consumer(context.Background(), "INTAKE", "creation-support")
	if err != nil {
		t.Fatal(err)
	}
	testkit.Eventually(t, 10*time.Second, "creation-support caught up", func() (bool, error) {
		ci, err := cons.Info(context.Background())
		return err == nil && ci.NumPending == 0 && ci.NumAckPending == 0, err
	})
	if n := r.db.Count(t, `SELECT count(*) FROM creation_support.creation_cases`); n != 1 {
		t.Fatalf("%d cases after the relay's restart, want 1", n)
	}
}

// openBakery submits the bakery project with an idempotency key and waits
// for its creation case to be opened and assigned; it returns the request,
// the case and its advisor.
func openBakery(t *testing.T, r *running, key string) (requestID, caseID, advisor string) {
	t.Helper()
	code, out := post(t, r.st.URL("intake")+"/api/v1/creation-requests", bakery, key)
	if code != http.StatusAccepted {
		t.Fatalf("POST answered %d: %v", code, out)
	}
	requestID, _ = out["request_id"].(string)
	testkit.Eventually(t, 10*time.Second, "case opened with an advisor", func() (bool, error) {
		caseID = r.db.Text(t, `SELECT case_id::text FROM creation_support.creation_cases WHERE request_id = $1 AND advisor_id IS NOT NULL`, requestID)
		advisor = r.db.Text(t, `SELECT coalesce(advisor_id, '') FROM creation_support.creation_cases WHERE request_id = $1`, requestID)
		return caseID != "", nil
	})
	return requestID, caseID, advisor
}
