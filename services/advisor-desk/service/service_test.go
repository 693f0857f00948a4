package service_test

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ccicma/platform/pkg/auth"
	"github.com/ccicma/platform/pkg/events"
	"github.com/ccicma/platform/pkg/testkit"

	"github.com/ccicma/platform/services/advisor-desk/internal/adapters/postgres"
	"github.com/ccicma/platform/services/advisor-desk/internal/domain/notification"
	"github.com/ccicma/platform/services/advisor-desk/service"
)

// desk is a running advisor-desk in a testkit.Harness (a fresh database
// and an in-process NATS), where tests publish case events as
// creation-support does.
type desk struct {
	*testkit.Harness
	store *postgres.Store
	// keyFile holds the desk's signing key, so tests can forge tokens
	// that only differ from its own by one claim.
	keyFile string

	mu     sync.Mutex
	tokens map[string]string // advisor id -> token from the dev sign-in
}

// startDesk starts advisor-desk as in development: it issues its own
// tokens (dev sign-in) with a key from a file. change, if any, adjusts the
// configuration.
func startDesk(t *testing.T, change ...func(*service.Config)) *desk {
	t.Helper()
	d, _ := newInfra(t).start(t, change...)
	return d
}

// infra is what outlives one advisor-desk instance: the harness and the
// signing key; for the mail tests, a clock the test moves and settings
// every instance gets.
type infra struct {
	*testkit.Harness
	keyFile string
	clock   *testkit.Clock          // nil: the real clock
	change  []func(*service.Config) // applied to every instance
}

func newInfra(t *testing.T) *infra {
	t.Helper()
	in := &infra{Harness: testkit.NewHarness(t, service.Name, service.Schema), keyFile: filepath.Join(t.TempDir(), "signing-key.pem")}
	key, err := auth.GenerateKeyPEM()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(in.keyFile, key, 0o600); err != nil {
		t.Fatal(err)
	}
	return in
}

// start runs an advisor-desk instance on the infrastructure, with the
// dev sign-in on and the test directory seeded; stop shuts it down (also
// at the end of the test).
func (in *infra) start(t *testing.T, change ...func(*service.Config)) (d *desk, stop func()) {
	t.Helper()
	cfg := testkit.Load(in.Harness, service.LoadConfig) // the defaults
	cfg.OutboxPoll = 100 * time.Millisecond
	cfg.AdvisorsFile, cfg.DevSignin, cfg.SigningKeyFile = "testdata/advisors.json", true, in.keyFile
	for _, c := range append(slices.Clone(in.change), change...) {
		c(&cfg)
	}
	var opts []service.Option
	if in.clock != nil {
		opts = append(opts, service.WithClock(in.clock.Now))
	}
	svc, err := service.New(in.Ctx, cfg, testkit.Quiet(), opts...)
	stop = in.Serve(svc, err)
	return &desk{Harness: in.Harness, store: svc.Store, keyFile: in.keyFile, tokens: map[string]string{}}, stop
}

// caseOpened builds a creation.case.opened event for an advisor (or, with
// advisor "", for a chamber).
func caseOpened(t *testing.T, chamber, advisor, departement string) events.Event {
	t.Helper()
	p := events.CreationCaseOpened{
		CaseID: uuid.Must(uuid.NewV7()).String(), RequestID: uuid.Must(uuid.NewV7()).String(),
		Chamber: chamber, AdvisorID: advisor, NAFCode: "10.71C", CommuneCode: "91228", Departement: departement,
		OpenedAt: time.Now().UTC(),
	}
	return testkit.NewEvent(t, "creation-support", p.CaseID, departement, p)
}

// notified lists the advisors notified of an event, by id.
func (d *desk) notified(t *testing.T, ev events.Event) []string {
	t.Helper()
	return testkit.Column[string](t, d.DB, `SELECT advisor_id FROM advisor_desk.notifications WHERE source_event = $1 ORDER BY advisor_id`, ev.ID)
}

type notif struct {
	ID        int64  `json:"id"`
	AdvisorID string `json:"advisor_id"`
	Kind      string `json:"kind"`
	Title     string `json:"title"`
	Body      string `json:"body"`
	Link      string `json:"link"`
}

type page struct {
	Notifications []notif `json:"notifications"`
	NextAfter     int64   `json:"next_after"`
}

// token signs the advisor in through the dev sign-in, once per test desk.
func (d *desk) token(t *testing.T, advisor string) string {
	t.Helper()
	d.mu.Lock()
	defer d.mu.Unlock()
	if tok, ok := d.tokens[advisor]; ok {
		return tok
	}
	var out struct {
		AccessToken string `json:"access_token"`
	}
	if status, _ := d.post(t, "/api/v1/dev/tokens", `{"advisor_id":"`+advisor+`"}`, &out); status != http.StatusOK || out.AccessToken == "" {
		t.Fatalf("dev sign-in of %s answered %d", advisor, status)
	}
	d.tokens[advisor] = out.AccessToken
	return out.AccessToken
}

// post sends a JSON body and decodes the JSON answer into out.
func (d *desk) post(t *testing.T, path, body string, out any) (status int, h http.Header) {
	t.Helper()
	a := d.Call(t, http.MethodPost, path, "", body)
	a.Decode(t, out)
	return a.Status, a.Header
}

// get fetches a path with a bearer token (none if token is "") and decodes
// its JSON body into out.
func (d *desk) get(t *testing.T, token, path string, out any) (status int, h http.Header) {
	t.Helper()
	a := d.Call(t, http.MethodGet, path, token, "")
	a.Decode(t, out)
	return a.Status, a.Header
}

// list reads an advisor's notifications with the advisor's own token.
func (d *desk) list(t *testing.T, advisor string) []notif {
	t.Helper()
	var p page
	if status, _ := d.get(t, d.token(t, advisor), "/api/v1/advisors/"+advisor+"/notifications", &p); status != http.StatusOK {
		t.Fatalf("list notifications of %s answered %d", advisor, status)
	}
	return p.Notifications
}

func TestNotifications(t *testing.T) {
	t.Parallel()
	d := startDesk(t)

	t.Run("assigned case notifies its advisor once, even when published twice", func(t *testing.T) {
		const advisor = "cma-91-001"
		ev := caseOpened(t, events.ChamberCMA, advisor, "91")
		// The same event (same ce-id) reaches the stream twice, as after a
		// producer that lost its de-duplication window.
		d.PublishCopy(t, ev, "first-"+ev.ID)
		seq := d.PublishCopy(t, ev, "second-"+ev.ID)
		d.CaughtUp(t, seq)
		if got := d.notified(t, ev); !slices.Equal(got, []string{advisor}) {
			t.Fatalf("notified %v, want exactly [%s]", got, advisor)
		}
		ns := d.list(t, advisor)
		if len(ns) != 1 {
			t.Fatalf("%s has %d notifications, want 1: %+v", advisor, len(ns), ns)
		}
		n := ns[0]
		if n.Kind != "creation.case.opened" || n.Title != "Nouveau dossier de création" || !strings.Contains(n.Body, "10.71C") ||
			!strings.HasPrefix(n.Link, "/dossiers/creation/") || n.Link != "/dossiers/creation/"+ev.Subject {
			t.Errorf("notification = %+v", n)
		}
	})

	t.Run("unassigned case notifies every active creation advisor of the chamber and département", func(t *testing.T) {
		tests := []struct {
			chamber, departement string
			want                 []string
		}{
			// Not the inactive CMA advisor, nor the takeover-only one, nor
			// the one of another département; the advisor covering 75 and
			// 91 is included.
			{events.ChamberCMA, "91", []string{"cma-75-003", "cma-91-001", "cma-91-002"}},
			{events.ChamberCCI, "91", []string{"cci-91-001", "cci-91-002"}},
			{events.ChamberCMA, "77", []string{"cma-77-004"}},
			{events.ChamberCCI, "77", nil}, // nobody: logged and acknowledged, its escalation still planned
		}
		var evs []events.Event
		var last testkit.Sent
		for _, tt := range tests {
			ev := caseOpened(t, tt.chamber, "", tt.departement)
			evs = append(evs, ev)
			last = d.Publish(t, ev)
		}
		d.CaughtUp(t, last)
		for i, tt := range tests {
			if got := d.notified(t, evs[i]); !slices.Equal(got, tt.want) {
				t.Errorf("%s %s: notified %v, want %v", tt.chamber, tt.departement, got, tt.want)
			}
		}
		ns := d.list(t, "cma-91-002")
		if len(ns) != 1 || ns[0].Title != "Dossier de création à attribuer" {
			t.Errorf("cma-91-002's notifications = %+v, want one case to pick up", ns)
		}
		resp, err := http.Get(d.URL + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		metrics, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if strings.Contains(string(metrics), `event_dead_letters_total{consumer="advisor-desk"}`) {
			t.Errorf("the case nobody can receive was dead-lettered; metrics:\n%s", grep(string(metrics), "dead_letters"))
		}
		// Its escalation to the CCI's managers is planned all the same.
		var p events.CreationCaseOpened
		if err := json.Unmarshal(evs[3].Data, &p); err != nil {
			t.Fatal(err)
		}
		stages := testkit.Column[string](t, d.DB, `SELECT stage FROM advisor_desk.reminder_timers WHERE case_id = $1 ORDER BY stage`, p.CaseID)
		if len(stages) != 1 {
			t.Errorf("timers of the case nobody can receive: %v, want its escalation", stages)
		}
	})

	t.Run("live stream resumes after Last-Event-ID", func(t *testing.T) {
		const advisor = "cci-91-002"
		before := len(d.list(t, advisor))
		var last testkit.Sent
		for range 3 {
			ev := caseOpened(t, events.ChamberCCI, advisor, "91")
			last = d.Publish(t, ev)
		}
		d.CaughtUp(t, last)
		ns := d.list(t, advisor)[before:]
		if len(ns) != 3 || !(ns[0].ID < ns[1].ID && ns[1].ID < ns[2].ID) {
			t.Fatalf("notifications = %+v, want 3 in id order", ns)
		}

		// Resuming after the first: the second and third, then live ones.
		live := d.stream(t, advisor, strconv.FormatInt(ns[0].ID, 10))
		for _, want := range ns[1:] {
			if got := next(t, live); got.id != want.ID || got.data.ID != want.ID || got.data.AdvisorID != advisor {
				t.Fatalf("stream sent %+v, want notification %d", got, want.ID)
			}
		}
		ev := caseOpened(t, events.ChamberCCI, advisor, "91")
		d.Publish(t, ev)
		got := next(t, live)
		if got.id <= ns[2].ID || !strings.HasSuffix(got.data.Link, ev.Subject) {
			t.Fatalf("live event %+v, want the notification of case %s after id %d", got, ev.Subject, ns[2].ID)
		}

		// Resuming after the newest sends nothing old: the next event is
		// the next notification.
		again := d.stream(t, advisor, strconv.FormatInt(got.id, 10))
		ev = caseOpened(t, events.ChamberCCI, advisor, "91")
		d.Publish(t, ev)
		if n := next(t, again); n.id <= got.id || !strings.HasSuffix(n.data.Link, ev.Subject) {
			t.Fatalf("after Last-Event-ID %d the stream sent %+v, want the new notification", got.id, n)
		}
	})

	// Notifications of one advisor may be written concurrently (consumer
	// workers, replicas). A stream resumes from the highest id it sent, so
	// a notification must never become visible before one with a lower id
	// of the same advisor, or that one is never streamed.
	t.Run("a notification committed late still reaches the stream", func(t *testing.T) {
		const advisor = "cma-91-002"
		var after int64
		if ns := d.list(t, advisor); len(ns) > 0 {
			after = ns[len(ns)-1].ID
		}
		live := d.stream(t, advisor, strconv.FormatInt(after, 10))

		// A gate holds the transaction of notification A open after its
		// insert, as a slow concurrent writer would.
		if _, err := d.DB.Exec(d.Ctx, `CREATE FUNCTION advisor_desk.test_gate() RETURNS trigger LANGUAGE plpgsql AS $$
			BEGIN IF NEW.title = 'gated' THEN PERFORM pg_advisory_xact_lock(4242); END IF; RETURN NEW; END $$`); err != nil {
			t.Fatal(err)
		}
		if _, err := d.DB.Exec(d.Ctx, `CREATE TRIGGER test_gate AFTER INSERT ON advisor_desk.notifications
			FOR EACH ROW EXECUTE FUNCTION advisor_desk.test_gate()`); err != nil {
			t.Fatal(err)
		}
		gate, err := d.DB.Acquire(d.Ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer gate.Release()
		if _, err := gate.Exec(d.Ctx, `SELECT pg_advisory_lock(4242)`); err != nil {
			t.Fatal(err)
		}
		released := false
		release := func() {
			if !released {
				released = true
				if _, err := gate.Exec(d.Ctx, `SELECT pg_advisory_unlock(4242)`); err != nil {
					t.Fatal(err)
				}
			}
		}
		defer release()

		a := caseOpened(t, events.ChamberCMA, advisor, "91")
		doneA := make(chan error, 1)
		go func() {
			_, err := d.store.Store(d.Ctx, a, notification.Draft{Kind: "creation.case.opened", Title: "gated",
				Body: "A", Link: "/dossiers/creation/" + a.Subject, To: notification.Recipients{AdvisorID: advisor}}, time.Now())
			doneA <- err
		}()
		lockWaits := func() int {
			var n int
			if err := d.DB.QueryRow(d.Ctx, `SELECT count(*) FROM pg_stat_activity
				WHERE datname = current_database() AND wait_event_type = 'Lock'`).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		testkit.Eventually(t, testkit.Wait, "notification A inserted and held", func() (bool, error) { return lockWaits() >= 1, nil })

		// B, for the same advisor, arrives through NATS meanwhile. The
		// stream may send nothing of B while A is pending: wait until it
		// either sends something or is held back (a second lock wait: B's
		// writer or the stream's reader).
		b := caseOpened(t, events.ChamberCMA, advisor, "91")
		d.Publish(t, b)
		var early *sseEvent
		testkit.Eventually(t, testkit.Wait, "the stream sent B or is held back", func() (bool, error) {
			select {
			case ev := <-live:
				early = &ev
				return true, nil
			default:
				return lockWaits() >= 2, nil
			}
		})
		if early != nil {
			t.Fatalf("the stream sent notification %d (%s) while A, whose id is lower, was not committed: A will never be streamed",
				early.id, early.data.Link)
		}
		release()
		if err := <-doneA; err != nil {
			t.Fatalf("store A: %v", err)
		}

		// C wakes the stream once more: it must have sent A, B, C in order.
		c := caseOpened(t, events.ChamberCMA, advisor, "91")
		d.Publish(t, c)
		var got []string
		for len(got) < 3 {
			ev := next(t, live)
			got = append(got, ev.data.Link)
			if strings.HasSuffix(ev.data.Link, c.Subject) {
				break
			}
		}
		want := []string{"/dossiers/creation/" + a.Subject, "/dossiers/creation/" + b.Subject, "/dossiers/creation/" + c.Subject}
		if !slices.Equal(got, want) {
			t.Fatalf("stream sent %v, want A, B, C: %v", got, want)
		}
	})

	t.Run("paging", func(t *testing.T) {
		const advisor = "cci-91-002"
		all := d.list(t, advisor)
		if len(all) < 3 {
			t.Fatalf("%s has %d notifications, want at least 3", advisor, len(all))
		}
		var p page
		d.get(t, d.token(t, advisor), "/api/v1/advisors/"+advisor+"/notifications?limit=2&after="+strconv.FormatInt(all[0].ID, 10), &p)
		if len(p.Notifications) != 2 || p.Notifications[0].ID != all[1].ID || p.Notifications[1].ID != all[2].ID || p.NextAfter != all[2].ID {
			t.Errorf("page after %d, limit 2 = %+v, want notifications %d and %d", all[0].ID, p, all[1].ID, all[2].ID)
		}
	})

	t.Run("bad requests", func(t *testing.T) {
		const manager = "cma-91-006" // manager of the CMA
		tests := []struct {
			as     string
			path   string
			status int
			fields []string
		}{
			// An unknown advisor is a 404 for a manager of the chamber,
			// who could read their notifications (an advisor gets a 403,
			// see TestAccessRules).
			{manager, "/api/v1/advisors/cma-91-nobody/notifications", http.StatusNotFound, nil},
			{manager, "/api/v1/advisors/cma-91-nobody/notifications/stream", http.StatusNotFound, nil},
			{"cma-91-001", "/api/v1/advisors/cma-91-001/notifications?limit=abc", http.StatusBadRequest, []string{"limit"}},
			{"cma-91-001", "/api/v1/advisors/cma-91-001/notifications?limit=0", http.StatusBadRequest, []string{"limit"}},
			{"cma-91-001", "/api/v1/advisors/cma-91-001/notifications?limit=201", http.StatusBadRequest, []string{"limit"}},
			{"cma-91-001", "/api/v1/advisors/cma-91-001/notifications?after=-1", http.StatusBadRequest, []string{"after"}},
			{"cma-91-001", "/api/v1/advisors/cma-91-001/notifications?after=x&limit=-5", http.StatusBadRequest, []string{"after", "limit"}},
			{"cma-91-001", "/api/v1/advisors/cma-91-001/notifications/stream?after=x", http.StatusBadRequest, []string{"after"}},
		}
		for _, tt := range tests {
			var p struct {
				Status int `json:"status"`
				Title  string
				Errors []struct{ Field string }
			}
			status, h := d.get(t, d.token(t, tt.as), tt.path, &p)
			ct := h.Get("Content-Type")
			var fields []string
			for _, e := range p.Errors {
				fields = append(fields, e.Field)
			}
			if status != tt.status || ct != "application/problem+json" || p.Status != tt.status || p.Title == "" || !slices.Equal(fields, tt.fields) {
				t.Errorf("GET %s = %d %s %+v; want a %d problem naming %v", tt.path, status, ct, p, tt.status, tt.fields)
			}
		}
	})
}

type sseEvent struct {
	id   int64
	name string
	data notif
}

// stream opens an advisor's live stream with a Last-Event-ID and delivers
// its events on a channel until the test ends. It sends the advisor's
// token as a browser's EventSource does: in the query.
func (d *desk) stream(t *testing.T, advisor, lastEventID string) <-chan sseEvent {
	t.Helper()
	ctx, cancel := context.WithCancel(d.Ctx)
	t.Cleanup(cancel)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet,
		d.URL+"/api/v1/advisors/"+advisor+"/notifications/stream?access_token="+url.QueryEscape(d.token(t, advisor)), nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Last-Event-ID", lastEventID)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("open stream: %v", err)
	}
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "text/event-stream" {
		resp.Body.Close()
		t.Fatalf("stream answered %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	out := make(chan sseEvent, 16)
	// The body goes to the reader as an argument, not captured, so bodyclose
	// sees it closed there.
	go func(body io.ReadCloser) {
		defer body.Close()
		defer close(out)
		readSSE(body, out)
	}(resp.Body)
	return out
}

// readSSE parses server-sent events: fields up to a blank line.
func readSSE(r io.Reader, out chan<- sseEvent) {
	sc := bufio.NewScanner(r)
	var ev sseEvent
	var data string
	for sc.Scan() {
		line := sc.Text()
		switch {
		case line == "":
			if data != "" {
				_ = json.Unmarshal([]byte(data), &ev.data)
				out <- ev
			}
			ev, data = sseEvent{}, ""
		case strings.HasPrefix(line, "id: "):
			ev.id, _ = strconv.ParseInt(strings.TrimPrefix(line, "id: "), 10, 64)
		case strings.HasPrefix(line, "event: "):
			ev.name = strings.TrimPrefix(line, "event: ")
		case strings.HasPrefix(line, "data: "):
			data = strings.TrimPrefix(line, "data: ")
		}
	}
}

func next(t *testing.T, ch <-chan sseEvent) sseEvent {
	t.Helper()
	select {
	case ev, ok := <-ch:
		if !ok {
			t.Fatal("stream closed")
		}
		if ev.name != "notification" {
			t.Fatalf("stream event %q, want notification", ev.name)
		}
		return ev
	case <-time.After(testkit.Wait):
		t.Fatal("no event on the stream")
	}
	return sseEvent{}
}

func grep(text, sub string) string {
	var out []string
	for _, l := range strings.Split(text, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
