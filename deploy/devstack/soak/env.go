package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/ccicma/platform/pkg/auth"
	"github.com/ccicma/platform/pkg/mailcatch"
	"github.com/ccicma/platform/pkg/natsbus"
	"github.com/ccicma/platform/pkg/natsembed"
	"github.com/ccicma/platform/pkg/platform"

	"github.com/ccicma/platform/deploy/devstack/internal/scratch"
	"github.com/ccicma/platform/deploy/devstack/stack"
)

// env is the soak's platform and what it needs to look inside it.
type env struct {
	adminURL string // the server's, for faults on the cluster
	dbURL    string // the soak's own database, as superuser
	dir      string
	pw       map[string]string
	mail     *mailcatch.Server
	st       *stack.Stack

	natsMu   sync.Mutex
	ns       *server.Server
	natsPort int

	stopStack func() error
	cleanup   []func() error // in reverse order by tearDown
}

// setUp starts the platform on a fresh database, an embedded NATS with its
// own store and an SMTP catcher, and waits until every service has the
// advisor directory.
func setUp(ctx context.Context, o options) (_ *env, err error) {
	e := &env{adminURL: o.adminURL, pw: scratch.NATSPasswords("soak")}
	defer func() {
		if err != nil {
			err = errors.Join(err, e.tearDown())
		}
	}()
	if err := e.startDependencies(ctx, o); err != nil {
		return nil, err
	}
	level := slog.LevelError
	if err := level.UnmarshalText([]byte(o.logLevel)); err != nil {
		return nil, fmt.Errorf("-log: %w", err)
	}
	st, err := stack.Start(ctx, e.stackOptions(level))
	if err != nil {
		return nil, err
	}
	e.st = st
	runCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	done := make(chan error, 1)
	go func() { done <- st.Run(runCtx) }()
	e.stopStack = func() error { cancel(); return <-done }
	return e, e.waitDirectory(ctx)
}

// startDependencies creates the database, the NATS server, the catcher
// and the signing key the platform runs on.
func (e *env) startDependencies(ctx context.Context, o options) error {
	dbURL, drop, err := scratch.Database(ctx, o.adminURL, "soak")
	if err != nil {
		return err
	}
	e.dbURL = dbURL
	if e.dir, err = os.MkdirTemp("", "soak-"); err != nil {
		drop()
		return err
	}
	if o.keep {
		e.cleanup = append(e.cleanup, func() error {
			fmt.Printf("soak: kept the database %s and the NATS store %s\n", dbURL, filepath.Join(e.dir, "jetstream"))
			return nil
		})
	} else {
		e.cleanup = append(e.cleanup, func() error { drop(); return os.RemoveAll(e.dir) })
	}
	if err := e.startNATS(-1); err != nil {
		return err
	}
	e.cleanup = append(e.cleanup, func() error { e.shutdownNATS(); return nil })
	if e.mail, err = mailcatch.Listen("127.0.0.1:0"); err != nil {
		return err
	}
	e.cleanup = append(e.cleanup, e.mail.Close)
	// A key kept in a file: a restarted advisor-desk signs with the key
	// the other services were given.
	key, err := auth.GenerateKeyPEM()
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(e.dir, "signing-key.pem"), key, 0o600)
}

func (e *env) stackOptions(level slog.Level) stack.Options {
	return stack.Options{
		AdminDatabaseURL:   e.dbURL,
		RolePassword:       func(role string) string { return "soak-" + role },
		NATS:               e.natsConfig,
		Host:               "127.0.0.1",
		Departements:       []string{"91"},
		Logger:             slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level})),
		AuthSigningKeyFile: filepath.Join(e.dir, "signing-key.pem"),
		SMTPURL:            e.mail.URL(),
		Tune: func(c *platform.Config) {
			// The load comes from -clients addresses behind a proxy on
			// loopback: intake's public limit stays as in production, per
			// client, and the soak is not throttled by it.
			c.TrustedProxies = []string{"127.0.0.1/32", "::1/128"}
		},
	}
}

func (e *env) natsConfig(service string) natsbus.Config {
	return natsbus.Config{URL: "nats://127.0.0.1:" + strconv.Itoa(e.natsPort), User: service, Password: e.pw[service]}
}

// startNATS starts the embedded server on port (-1: a free one, kept for
// the restarts) with the soak's store.
func (e *env) startNATS(port int) error {
	ns, err := natsembed.Start(natsembed.Options{Port: port, StoreDir: filepath.Join(e.dir, "jetstream"), Passwords: e.pw})
	if err != nil {
		return err
	}
	e.natsMu.Lock()
	defer e.natsMu.Unlock()
	e.ns = ns
	if port == -1 {
		addr, ok := ns.Addr().(*net.TCPAddr)
		if !ok {
			return fmt.Errorf("nats-server listens on %v, not TCP", ns.Addr())
		}
		e.natsPort = addr.Port
	}
	return nil
}

func (e *env) shutdownNATS() {
	e.natsMu.Lock()
	ns := e.ns
	e.ns = nil
	e.natsMu.Unlock()
	if ns != nil {
		ns.Shutdown()
		ns.WaitForShutdown()
	}
}

// admin connects to the soak's database and to NATS as their
// administrators.
func (e *env) admin(ctx context.Context) (*pgx.Conn, jetstream.JetStream, func(), error) {
	conn, err := pgx.Connect(ctx, e.dbURL)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("connect to the soak database: %w", err)
	}
	nc, err := nats.Connect(e.natsConfig(natsembed.AdminUser).URL, nats.UserInfo(natsembed.AdminUser, e.pw[natsembed.AdminUser]))
	if err != nil {
		_ = conn.Close(ctx)
		return nil, nil, nil, fmt.Errorf("connect to NATS: %w", err)
	}
	js, err := jetstream.New(nc)
	if err != nil {
		nc.Close()
		_ = conn.Close(ctx)
		return nil, nil, nil, err
	}
	return conn, js, func() { nc.Close(); _ = conn.Close(context.WithoutCancel(ctx)) }, nil
}

// waitDirectory waits until every consuming service has projected the
// demo advisors: before that, requests would be routed to nobody.
func (e *env) waitDirectory(ctx context.Context) error {
	conn, err := pgx.Connect(ctx, e.dbURL)
	if err != nil {
		return err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	const q = `SELECT least((SELECT count(*) FROM creation_support.advisors), (SELECT count(*) FROM takeover_matching.advisors),
		(SELECT count(*) FROM difficulty_alert.advisors))`
	for wait := time.Now().Add(time.Minute); time.Now().Before(wait); time.Sleep(100 * time.Millisecond) {
		var n int
		if err := conn.QueryRow(ctx, q).Scan(&n); err == nil && n >= 4 {
			return nil
		}
	}
	return errors.New("the advisor directory never reached the services")
}

// tearDown stops the platform and removes what the soak created.
func (e *env) tearDown() error {
	var errs []error
	if e.stopStack != nil {
		errs = append(errs, e.stopStack())
	}
	for i := len(e.cleanup) - 1; i >= 0; i-- {
		errs = append(errs, e.cleanup[i]())
	}
	return errors.Join(errs...)
}
