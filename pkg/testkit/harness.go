package testkit

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/ccicma/platform/pkg/auth"
	"github.com/ccicma/platform/pkg/events"
	"github.com/ccicma/platform/pkg/natsbus"
	"github.com/ccicma/platform/pkg/pgdb"
	"github.com/ccicma/platform/pkg/platform"
)

// Wait bounds how long a test waits for asynchronous delivery (a consumer,
// the relay, a job). It guards against a hang; it asserts no speed.
const Wait = 15 * time.Second

// Departement is the territory of the events tests build (Event).
const Departement = "91"

// Harness is the world of one service under test: a fresh database where
// the service's role owns its schema, an in-process NATS with the
// platform's users, and the administrator's view of both. A test starts
// the service in it (Configure, then Serve), publishes what other services
// would (Publish), waits for the service to have handled it (CaughtUp,
// Eventually) and looks at the outcome: the service's schema (DB), its
// stream (Published, LastEvent, DeadLetter) and its HTTP API (Call).
//
// Its methods take the calling test's t, so that subtests may share one.
type Harness struct {
	Ctx     context.Context     // cancelled when the test ends
	Service string              // the service's name: NATS user and durable consumer
	Schema  string              // the service's schema
	Admin   string              // administrator URL of the test database
	DB      *DB                 // the test database, as its administrator
	NATS    *NATS               // the in-process server
	JS      jetstream.JetStream // JetStream as the NATS administrator, to inspect streams
	URL     string              // base URL of the service last served

	t     testing.TB  // the test that made the harness, which Serve fails
	db    pgdb.Config // the service's own role, provisioned once
	mu    sync.Mutex
	buses map[string]*natsbus.Bus // other services' connections, by name
}

// NewHarness creates the database (with the service's schema and role) and
// the NATS server for a service.
func NewHarness(t testing.TB, service, schema string) *Harness {
	t.Helper()
	admin := Database(t)
	h := &Harness{Ctx: Context(t), Service: service, Schema: schema, Admin: admin, t: t, DB: AdminDB(t, admin), NATS: StartNATS(t),
		db: ServiceDatabase(t, admin, schema), buses: map[string]*natsbus.Bus{}}
	_, h.JS = h.NATS.Admin(t)
	return h
}

// Configure sets what the service's settings need under test: its role
// and schema in the test database, its NATS user, an ephemeral HTTP port
// and a short shutdown timeout. The rest keeps the service's defaults (its
// LoadConfig). A restarted service is configured the same way, on the
// same schema.
func (h *Harness) Configure(cfg *platform.Config) {
	cfg.DB = h.db
	cfg.NATS = h.NATS.Config(h.Service)
	cfg.HTTPAddr = "127.0.0.1:0"
	cfg.ShutdownTimeout = 5 * time.Second
}

// Load loads a service's default configuration (its LoadConfig) and
// configures it for the harness (Configure): C embeds platform.Config, as
// every service's Config does.
func Load[C any](h *Harness, load func() (C, error)) C {
	h.t.Helper()
	cfg, err := load()
	if err != nil {
		h.t.Fatalf("load %s's configuration: %v", h.Service, err)
	}
	base, ok := platformOf(&cfg)
	if !ok {
		h.t.Fatalf("%T embeds no platform.Config", cfg)
	}
	h.Configure(base)
	return cfg
}

// platformOf finds the platform.Config that cfg (a pointer to a struct)
// embeds.
func platformOf(cfg any) (*platform.Config, bool) {
	v := reflect.ValueOf(cfg).Elem()
	if v.Kind() != reflect.Struct {
		return nil, false
	}
	f := v.FieldByName("Config")
	if !f.IsValid() || !f.CanAddr() {
		return nil, false
	}
	base, ok := f.Addr().Interface().(*platform.Config)
	return base, ok
}

// Trust serves an identity provider named issuer (IdP) and sets the
// service's token settings to trust it: its JWKS URL and issuer.
func (h *Harness) Trust(t testing.TB, cfg *auth.Config, issuer string) *auth.Issuer {
	t.Helper()
	idp, jwks := IDP(t, issuer)
	cfg.JWKSURL, cfg.Issuer = jwks, issuer
	return idp
}

// Pool opens a pool as the service's own role on its schema, closed when
// the test ends, with the migration sets applied in order: for a test of
// some of the service's parts rather than the whole service.
func (h *Harness) Pool(t testing.TB, sets ...pgdb.Migrations) *pgxpool.Pool {
	t.Helper()
	return migratedPool(t, h.db, h.Schema, sets)
}

// Server is a built service (every service's service.Service).
type Server interface {
	Run(ctx context.Context) error
	Addr() string
}

// Serve runs a service built by its New, so that the test calls
// h.Serve(service.New(...)); it fails the harness's test if New failed.
// The streams the service consumes exist first (their producers
// connected, as As), as when the platform runs. The service runs until
// stop or the end of the test, and h.URL is its base URL.
func (h *Harness) Serve(svc Server, err error) (stop func()) {
	h.t.Helper()
	if err != nil {
		h.t.Fatalf("start %s: %v", h.Service, err)
	}
	for _, producer := range producersFor(h.t, h.Service) {
		h.As(h.t, producer)
	}
	h.URL = "http://" + svc.Addr()
	return Run(h.t, h.Ctx, svc.Run)
}

// producersFor lists the services whose streams a service consumes, and
// those that write into a confidential stream it consumes.
func producersFor(t testing.TB, service string) []string {
	t.Helper()
	consumes := Identity(t, service).Consumes
	var out []string
	for _, id := range natsbus.Platform() {
		if slices.Contains(consumes, id.Owns) || slices.ContainsFunc(id.Writes, func(w events.Stream) bool { return slices.Contains(consumes, w) }) {
			out = append(out, id.Service)
		}
	}
	return out
}

// As is the connection of another platform service, with its
// permissions, its stream ensured: made once per harness.
func (h *Harness) As(t testing.TB, service string) *natsbus.Bus {
	t.Helper()
	h.mu.Lock()
	defer h.mu.Unlock()
	bus, ok := h.buses[service]
	if !ok {
		bus = h.NATS.Bus(t, service)
		h.buses[service] = bus
	}
	return bus
}

// NewEvent builds an event as its source service would.
func NewEvent(t testing.TB, source, aggregate, territory string, p events.Payload) events.Event {
	t.Helper()
	ev, err := events.New(source, aggregate, territory, p, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return ev
}

// Event builds an event of source in the tests' département.
func (h *Harness) Event(t testing.TB, source, aggregate string, p events.Payload) events.Event {
	t.Helper()
	return NewEvent(t, source, aggregate, Departement, p)
}

// Sent is where a published event landed.
type Sent struct {
	Stream string
	Seq    uint64
}

// Publish publishes events in order, each as its source service does
// (its own NATS user; Nats-Msg-Id = ce-id), and returns where the last
// one landed.
func (h *Harness) Publish(t testing.TB, evs ...events.Event) Sent {
	t.Helper()
	var last Sent
	for _, ev := range evs {
		last = h.PublishCopy(t, ev, ev.ID)
	}
	return last
}

// PublishCopy publishes ev under the Nats-Msg-Id msgID: another msgID
// than ce-id makes a copy that JetStream's de-duplication lets through, as
// from a producer past its de-duplication window. A copy dropped as a
// duplicate fails the test.
func (h *Harness) PublishCopy(t testing.TB, ev events.Event, msgID string) Sent {
	t.Helper()
	bus := h.As(t, strings.TrimPrefix(ev.Source, "/"))
	ack, err := bus.JS.PublishMsg(h.Ctx, natsbus.Message(ev, nil), jetstream.WithMsgID(msgID))
	if err != nil {
		t.Fatalf("publish %s: %v", ev.Topic, err)
	}
	if ack.Duplicate {
		t.Fatalf("publish %s with Nats-Msg-Id %s: dropped as a duplicate", ev.Topic, msgID)
	}
	return Sent{Stream: ack.Stream, Seq: ack.Sequence}
}

// CaughtUp waits until the service has acknowledged every message of the
// stream up to s and has none pending: what it was sent is handled. The
// last message must be one the service consumes.
func (h *Harness) CaughtUp(t testing.TB, s Sent) {
	t.Helper()
	what := h.Service + " acknowledged " + s.Stream + " up to " + strconv.FormatUint(s.Seq, 10)
	Eventually(t, Wait, what, func() (bool, error) {
		cons, err := h.JS.Consumer(h.Ctx, s.Stream, h.Service)
		if err != nil {
			return false, err
		}
		ci, err := cons.Info(h.Ctx)
		if err != nil {
			return false, err
		}
		return ci.AckFloor.Stream >= s.Seq && ci.NumAckPending == 0 && ci.NumPending == 0, nil
	})
}

// Published waits until the service's outbox holds no unsent row, and
// returns how many events of each subject its stream holds.
func (h *Harness) Published(t testing.TB, stream events.Stream) map[string]uint64 {
	t.Helper()
	h.DB.WaitCount(t, h.Service+"'s outbox relayed", 0,
		`SELECT count(*) FROM `+h.Schema+`.outbox WHERE sent_at IS NULL`)
	st, err := h.JS.Stream(h.Ctx, stream.Name)
	if err != nil {
		t.Fatal(err)
	}
	info, err := st.Info(h.Ctx, jetstream.WithSubjectFilter(stream.Producer+".>"))
	if err != nil {
		t.Fatal(err)
	}
	return info.State.Subjects
}

// LastEvent waits for the service's outbox to be relayed and for an
// event on subject in stream, decodes the last one's payload into p and
// returns its message. Waiting for the outbox first makes "last" the
// last one written so far, not an older one the relay had already sent.
func (h *Harness) LastEvent(t testing.TB, stream events.Stream, subject string, p any) *jetstream.RawStreamMsg {
	t.Helper()
	h.DB.WaitCount(t, h.Service+"'s outbox relayed", 0,
		`SELECT count(*) FROM `+h.Schema+`.outbox WHERE sent_at IS NULL`)
	return h.last(t, stream.Name, subject, p)
}

// DeadLetter waits for the service's dead letter of ev, checks that it is
// ev's (its ce-id), and returns the reason given.
func (h *Harness) DeadLetter(t testing.TB, ev events.Event) string {
	t.Helper()
	msg := h.last(t, events.DeadLetterStream, events.DeadLetterPrefix+"."+h.Service+"."+ev.Topic, nil)
	if got := msg.Header.Get(events.HeaderID); got != ev.ID {
		t.Fatalf("dead letter ce-id %q, want %q", got, ev.ID)
	}
	return msg.Header.Get(events.HeaderDeadReason)
}

func (h *Harness) last(t testing.TB, stream, subject string, p any) *jetstream.RawStreamMsg {
	t.Helper()
	st, err := h.JS.Stream(h.Ctx, stream)
	if err != nil {
		t.Fatal(err)
	}
	var msg *jetstream.RawStreamMsg
	Eventually(t, Wait, subject+" in "+stream, func() (bool, error) {
		msg, err = st.GetLastMsgForSubject(h.Ctx, subject)
		return err == nil, err
	})
	if p != nil {
		if err := json.Unmarshal(msg.Data, p); err != nil {
			t.Fatalf("decode %s: %v", subject, err)
		}
	}
	return msg
}

// Call sends a request to the service (Call).
func (h *Harness) Call(t testing.TB, method, path, token, body string, header ...string) Answer {
	t.Helper()
	return Call(t, method, h.URL+path, token, body, header...)
}

// Answer is an HTTP answer, read whole.
type Answer struct {
	Status int
	Header http.Header
	Body   string
	req    string // method and URL, to name the request
}

// Call sends a request with a bearer token (none if token is "") and a
// body (none if body is ""), sent as JSON unless header, pairs of names
// and values (an empty value sets nothing), sets another Content-Type.
func Call(t testing.TB, method, url, token, body string, header ...string) Answer {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(context.Background(), method, url, rd)
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(header); i += 2 {
		if header[i+1] != "" {
			req.Header.Set(header[i], header[i+1])
		}
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer func() { _ = resp.Body.Close() }()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return Answer{Status: resp.StatusCode, Header: resp.Header, Body: string(b), req: method + " " + url}
}

// Decode decodes the answer's JSON body into out, or fails the test.
func (a Answer) Decode(t testing.TB, out any) {
	t.Helper()
	if err := json.Unmarshal([]byte(a.Body), out); err != nil {
		t.Fatalf("%s answered %d with an undecodable body %q: %v", a.req, a.Status, a.Body, err)
	}
}
