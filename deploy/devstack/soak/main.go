// Command soak is the platform's fault-injection soak (`make soak`): the
// whole platform in one process, as devstack runs it, on a fresh database
// and an embedded NATS of its own, takes requests of the four kinds through
// intake's HTTP API at a fixed rate while faults are injected on a
// schedule: each service stopped and started again, the NATS server
// restarted, the Postgres server restarted, one service's database access
// cut for longer than the consumers' whole retry schedule. Once the load
// stops and the platform is quiet, it checks from the databases, the
// streams and an in-process SMTP catcher that nothing accepted was lost or
// applied twice, prints the figures and exits non-zero on any loss,
// duplicate, dead letter or stuck consumer.
//
// It restarts the Postgres cluster serving -db and cuts a role that is
// global to that cluster: point -db (SOAK_DATABASE_URL in make soak) at a
// cluster nobody else is using at that moment.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"
	"time"
)

// options are the soak's flags.
type options struct {
	adminURL  string
	duration  time.Duration
	rate      float64
	down      time.Duration // how long a restarted service or NATS stays down
	cut       time.Duration
	cutRole   string // the service whose database access is cut
	faults    []string
	settle    time.Duration
	pgCluster string
	clients   int
	logLevel  string
	keep      bool // the database and the NATS store, to look into a failure
}

// faultKinds are the faults -faults may name, in schedule order.
func faultKinds() []string { return []string{"services", "nats", "postgres", "dbcut"} }

func main() {
	o, err := parseFlags(os.Args[1:])
	if err != nil {
		fmt.Fprintln(os.Stderr, "soak:", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	passed, err := run(ctx, o)
	if err != nil {
		fmt.Fprintln(os.Stderr, "soak:", err)
		os.Exit(1)
	}
	if !passed {
		fmt.Println("\nsoak: FAILED")
		os.Exit(1)
	}
	fmt.Println("\nsoak: passed")
}

func parseFlags(args []string) (options, error) {
	var o options
	fs := flag.NewFlagSet("soak", flag.ContinueOnError)
	fs.StringVar(&o.adminURL, "db", "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable",
		"superuser URL of the Postgres server (its cluster is restarted, a role of it cut)")
	// The default fits the faults at their default lengths, with calm
	// between them (schedule says what a shorter one needs).
	fs.DurationVar(&o.duration, "duration", 4*time.Minute+30*time.Second, "how long the load runs (the faults happen within it)")
	fs.Float64Var(&o.rate, "rate", 200, "requests per second, over the four kinds")
	fs.DurationVar(&o.down, "down", 5*time.Second, "how long a stopped service or NATS stays down")
	// The consumers' nak delays (natsbus ConsumerSpec defaults: 1, 2, 5,
	// 10, 30 s, the last repeated, MaxDeliver 8) add up to 108 s: a cut
	// longer than that would have dead-lettered events if an outage spent
	// their deliveries.
	fs.DurationVar(&o.cut, "cut", 2*time.Minute, "how long one service's database access is cut (over 108 s proves an outage spends no delivery)")
	fs.StringVar(&o.cutRole, "cut-service", "creation-support", "the service whose database access is cut")
	faults := fs.String("faults", strings.Join(faultKinds(), ","), "faults to inject: "+strings.Join(faultKinds(), ","))
	fs.DurationVar(&o.settle, "settle", 3*time.Minute, "longest wait for the platform to be quiet after the load")
	fs.StringVar(&o.pgCluster, "pg-cluster", "", "version/name of the Postgres cluster to restart (default: the one on -db's port, from pg_lsclusters)")
	fs.IntVar(&o.clients, "clients", 2000, "distinct client addresses the load comes from (X-Forwarded-For through a trusted proxy)")
	fs.StringVar(&o.logLevel, "log", "ERROR", "level of the services' logs on stderr (DEBUG, INFO, WARN, ERROR)")
	fs.BoolVar(&o.keep, "keep", false, "keep the soak's database and NATS store at the end (their names are printed)")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	for _, f := range strings.Split(*faults, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		if !slices.Contains(faultKinds(), f) {
			return o, fmt.Errorf("unknown fault %q (known: %s)", f, strings.Join(faultKinds(), ","))
		}
		o.faults = append(o.faults, f)
	}
	if o.rate <= 0 || o.duration <= 0 {
		return o, errors.New("-rate and -duration must be positive")
	}
	return o, nil
}

// run sets the platform up, loads it under faults, checks and reports;
// passed is false when the checks found a loss, a duplicate, a dead letter
// or a stuck consumer.
func run(ctx context.Context, o options) (passed bool, err error) {
	if slices.Contains(o.faults, "postgres") {
		if o.pgCluster, err = findCluster(o); err != nil {
			return false, err
		}
	}
	plan, err := schedule(o)
	if err != nil {
		return false, err
	}
	env, err := setUp(ctx, o)
	if err != nil {
		return false, err
	}
	defer func() { err = errors.Join(err, env.tearDown()) }()
	fmt.Printf("soak: %s at %.0f requests/s, faults: %s\n", o.duration, o.rate, plan)

	loadCtx, stopLoad := context.WithCancel(ctx)
	defer stopLoad()
	faultsDone := make(chan []faultRun, 1)
	go func() { faultsDone <- plan.run(loadCtx, env) }()
	load := newLoad(env.st.URL("intake"), o)
	records := load.run(loadCtx, o.duration)
	ran := <-faultsDone
	if ctx.Err() != nil {
		return false, ctx.Err()
	}
	quiet := waitQuiet(ctx, env, o.settle)
	res, err := check(ctx, env, records)
	if err != nil {
		return false, err
	}
	res.quiet = quiet
	res.faults = recoveries(ran, records, res.doneAt, res.unrouted)
	res.print(o, load)
	return res.passed(), nil
}
