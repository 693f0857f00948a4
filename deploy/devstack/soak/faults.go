package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/url"
	"os/exec"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ccicma/platform/deploy/devstack/stack"
)

// fault is one injected failure. inject returns once the failure is over
// (the service, server or access is back), so that its run is the
// failure's window.
type fault struct {
	name     string
	estimate time.Duration // to fit the schedule in the load's duration
	inject   func(ctx context.Context, e *env) error
}

// faultRun is what happened when a fault was injected: err when it could
// not be injected or undone, note for what the platform did wrong meanwhile
// without failing the soak by itself (e.g. a shutdown that timed out: the
// checks then tell whether it lost anything).
type faultRun struct {
	name       string
	start, end time.Time
	err        error
	note       string
}

// plan spaces the faults over the load: a lead so that the platform is
// warm, then faults separated by gaps in which it recovers.
type plan struct {
	faults    []fault
	lead, gap time.Duration
}

func (p plan) String() string {
	names := make([]string, len(p.faults))
	for i, f := range p.faults {
		names[i] = f.name
	}
	return fmt.Sprintf("%s (first after %s, then every %s of calm)", strings.Join(names, ", "), p.lead, p.gap.Round(time.Second))
}

// lead and tail of the schedule, and the shortest calm between faults.
const (
	scheduleLead = 10 * time.Second
	scheduleTail = 15 * time.Second
	minGap       = 5 * time.Second
)

// schedule builds the faults o asks for and spaces them over o.duration.
func schedule(o options) (plan, error) {
	var p plan
	for _, kind := range o.faults {
		fs, err := faultsOf(kind, o)
		if err != nil {
			return p, err
		}
		p.faults = append(p.faults, fs...)
	}
	p.lead = scheduleLead
	if len(p.faults) == 0 {
		return p, nil
	}
	var total time.Duration
	for _, f := range p.faults {
		total += f.estimate
	}
	p.gap = (o.duration - scheduleLead - scheduleTail - total) / time.Duration(len(p.faults))
	if p.gap < minGap {
		need := scheduleLead + scheduleTail + total + minGap*time.Duration(len(p.faults))
		return p, fmt.Errorf("the faults need a -duration of at least %s (or a shorter -cut or -down, or fewer -faults)", need.Round(time.Second))
	}
	return p, nil
}

func faultsOf(kind string, o options) ([]fault, error) {
	switch kind {
	case "services":
		var fs []fault
		for _, name := range stack.Names {
			fs = append(fs, fault{name: "restart " + name, estimate: o.down + 3*time.Second,
				inject: func(ctx context.Context, e *env) error { return restartService(ctx, e, name, o.down) }})
		}
		return fs, nil
	case "nats":
		return []fault{{name: "restart NATS", estimate: o.down + 2*time.Second,
			inject: func(ctx context.Context, e *env) error { return restartNATS(ctx, e, o.down) }}}, nil
	case "postgres":
		return []fault{{name: "restart Postgres " + o.pgCluster, estimate: 8 * time.Second,
			inject: func(ctx context.Context, e *env) error { return restartPostgres(ctx, e, o.pgCluster) }}}, nil
	case "dbcut":
		role := stack.Schema(o.cutRole)
		if role == "" {
			return nil, fmt.Errorf("-cut-service %q is not a service", o.cutRole)
		}
		return []fault{{name: fmt.Sprintf("cut %s's database access for %s", o.cutRole, o.cut), estimate: o.cut + time.Second,
			inject: func(ctx context.Context, e *env) error { return cutDatabase(ctx, e, role, o.cut) }}}, nil
	}
	return nil, fmt.Errorf("unknown fault %q", kind)
}

// run injects the faults in turn and returns what happened.
func (p plan) run(ctx context.Context, e *env) []faultRun {
	var out []faultRun
	if !sleep(ctx, p.lead) {
		return out
	}
	for _, f := range p.faults {
		r := faultRun{name: f.name, start: time.Now()}
		r.err = f.inject(ctx, e)
		r.end = time.Now()
		var note *noteError
		if errors.As(r.err, &note) {
			r.err, r.note = nil, note.msg
		}
		out = append(out, r)
		status := "over"
		if r.note != "" {
			status = "over; " + r.note
		}
		if r.err != nil {
			status = "FAILED: " + r.err.Error()
		}
		fmt.Printf("  %s  %-45s %s after %s\n", r.start.Format("15:04:05"), f.name, status, r.end.Sub(r.start).Round(100*time.Millisecond))
		if !sleep(ctx, p.gap) {
			break
		}
	}
	return out
}

// sleep waits d, or less if ctx ends; it reports whether it waited d.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// noteError is an observation a fault reports without failing.
type noteError struct{ msg string }

func (n *noteError) Error() string { return n.msg }

// restartService stops one service in process and starts it again after
// down, retrying the start as a supervisor would. A service whose shutdown
// failed (it stopped, but did not drain in time) is started again all the
// same, as a supervisor restarts a process that exited badly; the failure
// is reported as a note.
func restartService(ctx context.Context, e *env, name string, down time.Duration) error {
	stopCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
	defer cancel()
	stopErr := e.st.StopService(stopCtx, name)
	if stopCtx.Err() != nil {
		return fmt.Errorf("stop: %w", stopErr)
	}
	sleep(ctx, down)
	if err := startAgain(ctx, e, name); err != nil {
		return err
	}
	if stopErr != nil {
		return &noteError{"its shutdown failed: " + stopErr.Error()}
	}
	return nil
}

func startAgain(ctx context.Context, e *env, name string) error {
	startCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Minute)
	defer cancel()
	for {
		err := e.st.StartService(startCtx, name)
		if err == nil {
			return nil
		}
		if !sleep(startCtx, time.Second) {
			return fmt.Errorf("start again: %w", err)
		}
	}
}

// restartNATS shuts the server down and starts a new one on the same port
// and store after down.
func restartNATS(ctx context.Context, e *env, down time.Duration) error {
	e.shutdownNATS()
	sleep(ctx, down)
	return e.startNATS(e.natsPort)
}

// findCluster names the Debian cluster (version/name) serving -db's port,
// from pg_lsclusters, unless -pg-cluster names it; it fails, before
// anything starts, where pg_ctlcluster cannot restart it.
func findCluster(o options) (string, error) {
	if _, err := exec.LookPath("pg_ctlcluster"); err != nil {
		return "", errors.New("the postgres fault restarts the cluster with pg_ctlcluster (Debian's postgresql-common), " +
			"not found; leave it out with -faults services,nats,dbcut")
	}
	if o.pgCluster != "" {
		return o.pgCluster, nil
	}
	u, err := url.Parse(o.adminURL)
	if err != nil {
		return "", fmt.Errorf("parse -db: %w", err)
	}
	port := u.Port()
	if port == "" {
		port = "5432"
	}
	out, err := exec.Command("pg_lsclusters", "-h").Output()
	if err != nil {
		return "", fmt.Errorf("pg_lsclusters: %w", err)
	}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) >= 3 && f[2] == port {
			return f[0] + "/" + f[1], nil
		}
	}
	return "", fmt.Errorf("no cluster of pg_lsclusters listens on port %s; name it with -pg-cluster version/name", port)
}

// restartPostgres restarts the cluster and returns once it answers again.
func restartPostgres(ctx context.Context, e *env, cluster string) error {
	ver, name, _ := strings.Cut(cluster, "/")
	// Never left half-done: the restart runs to its end even if the soak
	// is interrupted.
	cmdCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Minute)
	defer cancel()
	out, err := exec.CommandContext(cmdCtx, "pg_ctlcluster", "--skip-systemctl-redirect", ver, name, "restart").CombinedOutput() //nolint:gosec // G204: the cluster comes from pg_lsclusters or the operator's -pg-cluster
	if err != nil {
		return fmt.Errorf("pg_ctlcluster %s %s restart: %w: %s", ver, name, err, out)
	}
	for {
		conn, err := pgx.Connect(cmdCtx, e.adminURL)
		if err == nil {
			return conn.Close(cmdCtx)
		}
		if !sleep(cmdCtx, 200*time.Millisecond) {
			return fmt.Errorf("postgres does not answer after its restart: %w", err)
		}
	}
}

// cutDatabase makes role unable to log in and ends its sessions, as a
// revoked credential or a network cut would, for d; then restores it. The
// role is global to the cluster.
func cutDatabase(ctx context.Context, e *env, role string, d time.Duration) (err error) {
	ident := pgx.Identifier{role}.Sanitize()
	if err := adminExec(ctx, e.adminURL, "ALTER ROLE "+ident+" NOLOGIN"); err != nil {
		return err
	}
	defer func() { err = errors.Join(err, restoreLogin(context.WithoutCancel(ctx), e.adminURL, ident)) }()
	if err := adminExec(ctx, e.adminURL, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1", role); err != nil {
		return err
	}
	sleep(ctx, d)
	return nil
}

// restoreLogin gives the role its login back, retrying for a while: it
// must not stay cut because of one failed statement.
func restoreLogin(ctx context.Context, adminURL, ident string) error {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	for {
		err := adminExec(ctx, adminURL, "ALTER ROLE "+ident+" LOGIN")
		if err == nil {
			return nil
		}
		if !sleep(ctx, time.Second) {
			return fmt.Errorf("restore %s's login (run ALTER ROLE %s LOGIN): %w", ident, ident, err)
		}
	}
}

func adminExec(ctx context.Context, adminURL, sql string, args ...any) error {
	conn, err := pgx.Connect(ctx, adminURL)
	if err != nil {
		return fmt.Errorf("connect as admin: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, sql, args...); err != nil {
		return fmt.Errorf("%s: %w", sql, err)
	}
	return nil
}
