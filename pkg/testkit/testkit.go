// Package testkit gives tests real infrastructure: a fresh Postgres database
// on the local server (or TEST_DATABASE_URL) and an in-process nats-server
// with JetStream on a temporary directory, configured with the platform's
// real users and permissions. A missing Postgres fails the test with the
// way to fix it; nothing is skipped.
package testkit

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"net/url"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/ccicma/platform/pkg/natsbus"
	"github.com/ccicma/platform/pkg/natsembed"
	"github.com/ccicma/platform/pkg/pgdb"
)

const defaultAdminURL = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"

// Database creates an empty database for the test and drops it when the
// test ends. It returns an administrator URL of that database.
func Database(t testing.TB) string {
	t.Helper()
	admin := os.Getenv("TEST_DATABASE_URL")
	if admin == "" {
		admin = defaultAdminURL
	}
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		t.Fatalf("integration tests need Postgres: cannot connect with TEST_DATABASE_URL=%q: %v\n"+
			"Fix: start the local server (pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start), "+
			"install it (apt-get install -y postgresql), or point TEST_DATABASE_URL at a superuser URL; "+
			"`deploy/devstack/ensure-deps.sh test` (run by `make test`) does all of this.", admin, err)
	}
	defer conn.Close(context.Background())
	name := "t_" + sanitize(t.Name()) + "_" + randomHex(4)
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		c, err := pgx.Connect(ctx, admin)
		if err != nil {
			t.Errorf("drop test database %s: %v", name, err)
			return
		}
		defer c.Close(ctx)
		if _, err := c.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)"); err != nil {
			t.Errorf("drop test database %s: %v", name, err)
		}
	})
	u, err := url.Parse(admin)
	if err != nil {
		t.Fatalf("parse TEST_DATABASE_URL: %v", err)
	}
	u.Path = "/" + name
	return u.String()
}

// ServiceDatabase provisions a service's schema and role in the database of
// adminURL and returns the service's own connection settings.
func ServiceDatabase(t testing.TB, adminURL, schema string) pgdb.Config {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	role := RoleName(schema)
	pw := "test-" + schema
	if err := pgdb.Provision(ctx, adminURL, schema, role, pw); err != nil {
		t.Fatalf("provision %s: %v", schema, err)
	}
	u, err := pgdb.RoleURL(adminURL, role, pw)
	if err != nil {
		t.Fatal(err)
	}
	return pgdb.Config{URL: u, MaxConns: 8}
}

// RoleName is the login role tests use for a schema. Roles are global to
// the server, so every test database shares them.
func RoleName(schema string) string { return strings.ReplaceAll(schema, "-", "_") }

// NATS is an in-process nats-server with the platform's users.
type NATS struct {
	URL       string
	Passwords map[string]string

	opts natsembed.Options // port and store kept for Restart
	mu   sync.Mutex
	srv  *server.Server // nil while stopped
}

// StartNATS starts a JetStream server on a temporary directory and stops it
// when the test ends.
func StartNATS(t testing.TB) *NATS {
	t.Helper()
	pw := map[string]string{natsembed.AdminUser: "admin-" + randomHex(6), natsbus.OperatorUser: "ctl-" + randomHex(6)}
	for _, id := range natsbus.Platform() {
		pw[id.Service] = id.Service + "-" + randomHex(6)
	}
	n := &NATS{Passwords: pw, opts: natsembed.Options{Port: -1, StoreDir: t.TempDir(), Passwords: pw}}
	ns, err := natsembed.Start(n.opts)
	if err != nil {
		t.Fatalf("start nats-server: %v", err)
	}
	n.srv, n.URL = ns, ns.ClientURL()
	addr, ok := ns.Addr().(*net.TCPAddr)
	if !ok {
		t.Fatalf("nats-server listens on %v, not TCP", ns.Addr())
	}
	n.opts.Port = addr.Port
	t.Cleanup(n.shutdown)
	return n
}

// Stop shuts the server down, as an outage does: its clients lose their
// connection and try to reconnect until Restart.
func (n *NATS) Stop(t testing.TB) {
	t.Helper()
	n.single(t)
	n.shutdown()
}

// Restart starts the stopped server again on its port and its store:
// streams, consumers and their state are as they were, and the clients
// reconnect by themselves.
func (n *NATS) Restart(t testing.TB) {
	t.Helper()
	n.single(t)
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.srv != nil {
		t.Fatal("restart nats-server: it is running")
	}
	ns, err := natsembed.Start(n.opts)
	if err != nil {
		t.Fatalf("restart nats-server: %v", err)
	}
	n.srv = ns
}

// single fails the test on a cluster's NATS, whose nodes are stopped
// one by one (NATSCluster.Nodes).
func (n *NATS) single(t testing.TB) {
	t.Helper()
	if n.opts.StoreDir == "" {
		t.Fatal("a cluster's nodes stop and restart through NATSCluster.Nodes")
	}
}

func (n *NATS) shutdown() {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.srv != nil {
		n.srv.Shutdown()
		n.srv.WaitForShutdown()
		n.srv = nil
	}
}

// Config is how a service connects to this server.
func (n *NATS) Config(service string) natsbus.Config {
	return natsbus.Config{URL: n.URL, User: service, Password: n.Passwords[service]}
}

// Admin connects as the unrestricted admin user, for inspection.
func (n *NATS) Admin(t testing.TB) (*nats.Conn, jetstream.JetStream) {
	t.Helper()
	nc, err := nats.Connect(n.URL, nats.UserInfo(natsembed.AdminUser, n.Passwords[natsembed.AdminUser]))
	if err != nil {
		t.Fatalf("connect as admin: %v", err)
	}
	t.Cleanup(nc.Close)
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	return nc, js
}

// Eventually polls cond until it holds or the timeout passes. It is for
// waiting on asynchronous delivery, not for asserting speed.
func Eventually(t testing.TB, timeout time.Duration, what string, cond func() (bool, error)) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	var lastErr error
	for {
		ok, err := cond()
		if ok {
			return
		}
		lastErr = err
		if time.Now().After(deadline) {
			t.Fatalf("%s: not true after %s (last error: %v)", what, timeout, lastErr)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func sanitize(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	out := b.String()
	if len(out) > 40 {
		out = out[:40]
	}
	return out
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// Context returns a context cancelled when the test ends.
func Context(t testing.TB) context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	return ctx
}

// Schemas is one test database with one service's role in it, handing out
// a fresh schema owned by that role to each test: creating a database costs
// more than most tests, so the tests of a package share one.
type Schemas struct {
	Admin  string      // administrator URL of the database
	Config pgdb.Config // the service role's connection settings
	role   string
	n      atomic.Int64
}

// NewSchemas creates the database and provisions the service's role.
func NewSchemas(t testing.TB, service string) *Schemas {
	t.Helper()
	admin := Database(t)
	return &Schemas{Admin: admin, Config: ServiceDatabase(t, admin, service), role: RoleName(service)}
}

// New creates an empty schema owned by the service's role and returns its
// name.
func (s *Schemas) New(t testing.TB) string {
	t.Helper()
	name := fmt.Sprintf("%s_%d", s.role, s.n.Add(1))
	ctx := Context(t)
	conn, err := pgx.Connect(ctx, s.Admin)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+name+" AUTHORIZATION "+pgx.Identifier{s.role}.Sanitize()); err != nil {
		t.Fatalf("create schema %s: %v", name, err)
	}
	return name
}

// Pool opens a pool as the service's role on a fresh schema (New), closed
// when the test ends, with the migration sets applied in order.
func (s *Schemas) Pool(t testing.TB, sets ...pgdb.Migrations) *pgxpool.Pool {
	t.Helper()
	return migratedPool(t, s.Config, s.New(t), sets)
}

// migratedPool opens a pool on a schema, closed when the test ends, with
// the migration sets applied in order.
func migratedPool(t testing.TB, cfg pgdb.Config, schema string, sets []pgdb.Migrations) *pgxpool.Pool {
	t.Helper()
	ctx := Context(t)
	pool, err := pgdb.Open(ctx, cfg, schema)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	if err := pgdb.Migrate(ctx, pool, sets...); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	return pool
}
