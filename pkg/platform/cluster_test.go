package platform_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/ccicma/platform/pkg/events"
	"github.com/ccicma/platform/pkg/inbox"
	"github.com/ccicma/platform/pkg/natsbus"
	"github.com/ccicma/platform/pkg/outbox"
	"github.com/ccicma/platform/pkg/pgdb"
	"github.com/ccicma/platform/pkg/platform"
	"github.com/ccicma/platform/pkg/telemetry"
	"github.com/ccicma/platform/pkg/testkit"
)

// clusterWait bounds every wait of the cluster test: elections, catching
// up and draining take seconds, and the machine is shared. It guards
// against a hang and asserts no speed.
const clusterWait = 3 * time.Minute

// TestClusterLosesTheStreamLeaderUnderLoad runs the platform's real path on
// a NATS cluster of three with R3 streams: intake's outbox rows, committed
// in Postgres at a steady rate, are published by intake's relay and
// applied by creation-support's durable consumer through its inbox. During
// the load the INTAKE stream's leader crashes (and comes back), then the
// new leader is stopped as in a rolling restart (and comes back). Every
// accepted row must be published once and applied once, the relay's backlog
// must reach zero and the consumer must have gone on. The recovery figures
// are logged (go test -v -run Cluster ./pkg/platform).
func TestClusterLosesTheStreamLeaderUnderLoad(t *testing.T) {
	w := newClusterWorld(t)
	l := startLoad(w, 4, 20*time.Millisecond) // 200 rows/s
	w.waitApplied(t, 200)
	w.loseLeader(t, l, "crash", w.nats.Nodes.Kill)
	w.loseLeader(t, l, "planned stop", w.nats.Nodes.Stop)
	accepted := l.finish(t)
	w.assertExactlyOnce(t, accepted)
}

// clusterWorld is the cluster, the test database, intake (producer) and
// creation-support (consumer of intake.creation.submitted) connected with
// the list of the three nodes' URLs and STREAM_REPLICAS=3.
type clusterWorld struct {
	ctx    context.Context
	nats   *testkit.NATSCluster
	db     *testkit.DB
	admin  string
	intake *platform.Runtime
	cs     *platform.Runtime
	js     jetstream.JetStream // the administrator's, on every node
}

func newClusterWorld(t *testing.T) *clusterWorld {
	t.Helper()
	w := &clusterWorld{ctx: testkit.Context(t), nats: testkit.StartNATSCluster(t), admin: testkit.Database(t)}
	w.db = testkit.AdminDB(t, w.admin)
	_, w.js = w.nats.Admin(t)
	w.intake = w.start(t, "intake", "intake")
	w.cs = w.start(t, "creation-support", "creation_support")
	w.cs.Handle(natsbus.ConsumerSpec{
		Stream:  events.StreamIntake,
		Filters: []string{"intake.creation.submitted.>"},
		Batch:   inbox.Batcher{Pool: w.cs.Pool},
	}, recordApplied(w.cs.Pool))
	testkit.Run(t, w.ctx, w.intake.Run)
	testkit.Run(t, w.ctx, w.cs.Run)
	return w
}

// appliedMigrations create the table where the consumer records each event
// it applies. It has no unique key: an event applied twice would show.
var appliedMigrations = pgdb.Migrations{Name: "cluster_test", Dir: ".", FS: fstest.MapFS{"001_applied.sql": {Data: []byte(
	`CREATE TABLE applied (event_id uuid NOT NULL, applied_at timestamptz NOT NULL DEFAULT clock_timestamp());`)}}}

// start starts a service's runtime as production configures it on a
// cluster: NATS_URL lists every node, STREAM_REPLICAS=3.
func (w *clusterWorld) start(t *testing.T, service, schema string) *platform.Runtime {
	t.Helper()
	cfg := platform.Config{
		DB:              testkit.ServiceDatabase(t, w.admin, schema),
		NATS:            w.nats.Config(service),
		HTTPAddr:        "127.0.0.1:0",
		ShutdownTimeout: 20 * time.Second,
		StreamReplicas:  3,
		OutboxRetention: 24 * time.Hour,
		InboxRetention:  720 * time.Hour,
		HousekeepEvery:  time.Hour,
		OutboxPoll:      200 * time.Millisecond,
	}
	logs := &logBuffer{}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("%s logs:\n%s", service, logs)
		}
	})
	topts := telemetry.Options{Logger: slog.New(slog.NewTextHandler(logs, nil))}
	rt, err := platform.Start(w.ctx, cfg, platform.Spec{Service: service, Schema: schema, Migrations: appliedMigrations}, topts)
	if err != nil {
		t.Fatalf("start %s: %v", service, err)
	}
	if err := rt.Listen(http.NotFoundHandler()); err != nil {
		t.Fatal(err)
	}
	return rt
}

// recordApplied applies an event once: the inbox claim and the applied
// row commit together.
func recordApplied(pool *pgxpool.Pool) natsbus.Handler {
	return func(ctx context.Context, ev events.Event) error {
		_, err := inbox.Apply(ctx, pool, "creation-support", ev, func(tx pgx.Tx) error {
			_, err := tx.Exec(ctx, `INSERT INTO applied (event_id) VALUES ($1)`, ev.ID)
			return err
		})
		return err
	}
}

// loseLeader loses the INTAKE stream's leader (stop kills or stops it)
// while the load runs, logs how long the cluster took to elect another,
// to take a publish again (the leader stamps an event when it takes it,
// and acknowledges it once a quorum stored it) and to apply what was
// accepted before the loss, then restarts the node and waits until its
// replica is current.
func (w *clusterWorld) loseLeader(t *testing.T, l *load, how string, stop func(int) error) {
	t.Helper()
	nodes := w.nats.Nodes
	leader, err := nodes.WaitStreamLeader(events.StreamIntake.Name, -1, clusterWait)
	if err != nil {
		t.Fatal(err)
	}
	// The worst case: both services lose their connection with the leader.
	w.connectTo(t, w.intake.Bus.NC, nodes.Name(leader))
	w.connectTo(t, w.cs.Bus.NC, nodes.Name(leader))
	before := l.count()
	lost := time.Now()
	if err := stop(leader); err != nil {
		t.Fatal(err)
	}
	next, err := nodes.WaitStreamLeader(events.StreamIntake.Name, leader, clusterWait)
	if err != nil {
		t.Fatal(err)
	}
	elected := time.Since(lost)
	resumed := w.firstStoredAfter(t, lost).Sub(lost)
	w.waitApplied(t, before)
	t.Logf("%s of the INTAKE leader %s: %s elected after %s; publishing resumed after %s; the %d rows accepted before the loss all applied after %s",
		how, nodes.Name(leader), nodes.Name(next), elected.Round(time.Millisecond), resumed.Round(time.Millisecond),
		before, time.Since(lost).Round(time.Millisecond))
	time.Sleep(2 * time.Second) // the load goes on with a node down
	if err := nodes.Restart(leader); err != nil {
		t.Fatal(err)
	}
	w.waitReplicaCurrent(t, nodes.Name(leader))
}

// connectTo makes a service's connection move to the node named name, so
// that losing that node makes the service fail over.
func (w *clusterWorld) connectTo(t *testing.T, nc *nats.Conn, name string) {
	t.Helper()
	testkit.Eventually(t, clusterWait, "connected to "+name, func() (bool, error) {
		if nc.Status() != nats.CONNECTED {
			return false, nil
		}
		if nc.ConnectedServerName() == name {
			return true, nil
		}
		err := nc.ForceReconnect()
		time.Sleep(100 * time.Millisecond)
		return false, err
	})
}

// waitApplied waits until the consumer has applied at least n events.
func (w *clusterWorld) waitApplied(t *testing.T, n int) {
	t.Helper()
	testkit.Eventually(t, clusterWait, "events applied", func() (bool, error) {
		return w.db.Count(t, `SELECT count(*) FROM creation_support.applied`) >= n, nil
	})
}

// waitReplicaCurrent waits until the restarted node's replicas of INTAKE
// and of creation-support's consumer have caught up.
func (w *clusterWorld) waitReplicaCurrent(t *testing.T, name string) {
	t.Helper()
	testkit.Eventually(t, clusterWait, name+" current again", func() (bool, error) {
		s, err := w.js.Stream(w.ctx, events.StreamIntake.Name)
		if err != nil {
			return false, err
		}
		info, err := s.Info(w.ctx)
		if err != nil {
			return false, err
		}
		return current(info.Cluster, name), nil
	})
}

func current(c *jetstream.ClusterInfo, name string) bool {
	if c == nil {
		return false
	}
	if c.Leader == name {
		return true
	}
	for _, r := range c.Replicas {
		if r.Name == name && r.Current {
			return true
		}
	}
	return false
}

// assertExactlyOnce checks, once the relay and the consumer are done,
// that the accepted rows are the outbox's, each published once and
// applied once, with nothing dead-lettered or left pending.
func (w *clusterWorld) assertExactlyOnce(t *testing.T, accepted int) {
	t.Helper()
	testkit.Eventually(t, clusterWait, "relay backlog zero", func() (bool, error) {
		return w.db.Count(t, `SELECT count(*) FROM intake.outbox WHERE sent_at IS NULL`) == 0, nil
	})
	w.waitApplied(t, accepted)
	w.caughtUp(t)
	if n := w.db.Count(t, `SELECT count(*) FROM intake.outbox`); n != accepted {
		t.Errorf("outbox holds %d rows, %d accepted", n, accepted)
	}
	if n := w.published(t); n != uint64(accepted) { //nolint:gosec // a count of rows is never negative
		t.Errorf("INTAKE holds %d submissions, want the %d accepted, each once", n, accepted)
	}
	if n := w.db.Count(t, `SELECT count(*) FROM intake.outbox o
		WHERE NOT EXISTS (SELECT 1 FROM creation_support.applied a WHERE a.event_id = o.event_id)`); n != 0 {
		t.Errorf("%d accepted rows never applied", n)
	}
	if n := w.db.Count(t, `SELECT count(*) - count(DISTINCT event_id) FROM creation_support.applied`); n != 0 {
		t.Errorf("%d events applied more than once", n)
	}
	if n := w.db.Count(t, `SELECT count(*) FROM creation_support.applied`); n != accepted {
		t.Errorf("%d events applied, %d accepted", n, accepted)
	}
	if n := w.streamMsgs(t, events.DeadLetterStream); n != 0 {
		t.Errorf("DEADLETTER holds %d messages", n)
	}
	t.Logf("%d rows accepted, published once and applied once", accepted)
}

// caughtUp waits until creation-support has nothing pending on INTAKE.
func (w *clusterWorld) caughtUp(t *testing.T) {
	t.Helper()
	testkit.Eventually(t, clusterWait, "consumer caught up", func() (bool, error) {
		c, err := w.js.Consumer(w.ctx, events.StreamIntake.Name, "creation-support")
		if err != nil {
			return false, err
		}
		ci, err := c.Info(w.ctx)
		if err != nil {
			return false, err
		}
		return ci.NumPending == 0 && ci.NumAckPending == 0, nil
	})
}

// published counts the submissions INTAKE holds.
func (w *clusterWorld) published(t *testing.T) uint64 {
	t.Helper()
	s, err := w.js.Stream(w.ctx, events.StreamIntake.Name)
	if err != nil {
		t.Fatal(err)
	}
	info, err := s.Info(w.ctx, jetstream.WithSubjectFilter("intake.creation.submitted.>"))
	if err != nil {
		t.Fatal(err)
	}
	var n uint64
	for _, c := range info.State.Subjects {
		n += c
	}
	return n
}

func (w *clusterWorld) streamMsgs(t *testing.T, stream string) uint64 {
	t.Helper()
	s, err := w.js.Stream(w.ctx, stream)
	if err != nil {
		t.Fatal(err)
	}
	info, err := s.Info(w.ctx)
	if err != nil {
		t.Fatal(err)
	}
	return info.State.Msgs
}

// load commits outbox rows of intake at a steady rate, as accepted
// submissions do, and wakes the relay after each commit.
type load struct {
	stop chan struct{}
	done chan struct{}

	mu       sync.Mutex
	accepted int
	err      error
}

func startLoad(w *clusterWorld, perTick int, every time.Duration) *load {
	l := &load{stop: make(chan struct{}), done: make(chan struct{})}
	go l.run(w.ctx, w.intake, perTick, every)
	return l
}

func (l *load) run(ctx context.Context, rt *platform.Runtime, perTick int, every time.Duration) {
	defer close(l.done)
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		select {
		case <-l.stop:
			return
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		if err := l.commit(ctx, rt, perTick); err != nil {
			l.mu.Lock()
			l.err = err
			l.mu.Unlock()
			return
		}
		rt.Relay.Wake()
	}
}

// commit writes n submissions to the outbox in one transaction.
func (l *load) commit(ctx context.Context, rt *platform.Runtime, n int) error {
	evs := make([]events.Event, n)
	for i := range evs {
		var err error
		if evs[i], err = submission(); err != nil {
			return err
		}
	}
	err := pgdb.InTx(ctx, rt.Pool, func(tx pgx.Tx) error { return outbox.Add(ctx, tx, evs...) })
	if err != nil {
		return err
	}
	l.mu.Lock()
	l.accepted += n
	l.mu.Unlock()
	return nil
}

func (l *load) count() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.accepted
}

// finish stops the load and returns how many rows it committed.
func (l *load) finish(t *testing.T) int {
	t.Helper()
	close(l.stop)
	<-l.done
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.err != nil {
		t.Fatalf("load: %v", l.err)
	}
	return l.accepted
}

func submission() (events.Event, error) {
	id := uuid.NewString()
	return events.New("intake", id, "91", &events.CreationSubmitted{
		RequestID: id, CommuneCode: "91228", Departement: "91",
		Routing: events.Routing{LeadChamber: events.ChamberCMA, RuleID: "artisanal"}, SubmittedAt: time.Now(),
	}, time.Now())
}

// firstStoredAfter returns when INTAKE took its first event after since,
// by the time its leader stamped on it. A PubAck seen on the wire would
// not do: a subscriber's clock reads when its callback runs, which may be
// late, and a PubAck of the old leader may still be on its way.
func (w *clusterWorld) firstStoredAfter(t *testing.T, since time.Time) time.Time {
	t.Helper()
	var first time.Time
	testkit.Eventually(t, clusterWait, "an event stored after the loss", func() (bool, error) {
		c, err := w.js.OrderedConsumer(w.ctx, events.StreamIntake.Name, jetstream.OrderedConsumerConfig{
			DeliverPolicy: jetstream.DeliverByStartTimePolicy, OptStartTime: &since,
		})
		if err != nil {
			return false, err
		}
		msg, err := c.Next(jetstream.FetchMaxWait(5 * time.Second))
		if err != nil {
			return false, err
		}
		md, err := msg.Metadata()
		if err != nil {
			return false, err
		}
		first = md.Timestamp
		return true, nil
	})
	return first
}

// logBuffer keeps a service's logs, shown when the test fails.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
