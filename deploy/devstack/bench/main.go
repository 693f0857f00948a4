// Command bench measures the platform end to end on this machine: creation
// requests POSTed to intake until the assigned advisor's notification is
// stored by advisor-desk, through real Postgres and an embedded NATS.
// `make bench` runs it after a same-run pgbench baseline, so that the ratio
// (not the absolute figure) is compared from machine to machine.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/ccicma/platform/pkg/natsbus"
	"github.com/ccicma/platform/pkg/natsembed"
	"github.com/ccicma/platform/pkg/platform"

	"github.com/ccicma/platform/deploy/devstack/internal/scratch"
	"github.com/ccicma/platform/deploy/devstack/stack"
)

type options struct {
	adminURL   string
	duration   time.Duration
	clients    int
	rate       float64
	pgbenchTPS float64
	cpuProfile string
}

func main() {
	var o options
	flag.StringVar(&o.adminURL, "db", "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable", "superuser URL of the Postgres server")
	flag.DurationVar(&o.duration, "duration", 15*time.Second, "length of each phase")
	flag.IntVar(&o.clients, "clients", 32, "concurrent clients of the throughput phase")
	flag.Float64Var(&o.rate, "rate", 0, "requests/s of the latency phase (0: two phases, at pgbench TPS / 4 (half the target) and at half the measured throughput)")
	flag.Float64Var(&o.pgbenchTPS, "pgbench-tps", 0, "same-run pgbench -N -c 8 TPS, for the ratio")
	flag.StringVar(&o.cpuProfile, "cpuprofile", "", "write a CPU profile of the throughput phase to this file")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, o); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, o options) (err error) {
	dbURL, drop, err := scratch.Database(ctx, o.adminURL, "bench")
	if err != nil {
		return err
	}
	defer drop()
	dir, err := os.MkdirTemp("", "bench-nats-")
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, os.RemoveAll(dir)) }()
	pw := scratch.NATSPasswords("bench")
	ns, err := natsembed.Start(natsembed.Options{Port: -1, StoreDir: filepath.Join(dir, "js"), Passwords: pw})
	if err != nil {
		return err
	}
	defer ns.Shutdown()
	st, err := stack.Start(ctx, stack.Options{
		AdminDatabaseURL: dbURL,
		RolePassword:     func(role string) string { return "bench-" + role },
		NATS: func(s string) natsbus.Config {
			return natsbus.Config{URL: ns.ClientURL(), User: s, Password: pw[s]}
		},
		Host:   "127.0.0.1",
		Logger: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})),
		Tune: func(c *platform.Config) {
			c.DB.MaxConns = 16
			c.RateLimitPerMinute = 0 // every request comes from this one client
		},
	})
	if err != nil {
		return err
	}
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- st.Run(runCtx) }()
	defer func() { cancel(); err = errors.Join(err, <-done) }()

	b := &bench{url: st.URL("intake") + "/api/v1/creation-requests", db: dbURL,
		natsURL: ns.ClientURL(), natsAdminPW: pw[natsembed.AdminUser],
		client: &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256}, Timeout: 10 * time.Second}}
	if err := b.waitDirectory(ctx); err != nil {
		return err
	}
	// Warm up connections, prepared plans and the JIT-less caches.
	if _, err := b.closedLoop(ctx, 8, 2*time.Second); err != nil {
		return err
	}
	stopProfile, err := startProfile(o.cpuProfile)
	if err != nil {
		return err
	}
	b.takeAccepts() // the warm-up's
	thr, err := b.closedLoop(ctx, o.clients, o.duration)
	err = errors.Join(err, stopProfile())
	if err != nil {
		return err
	}
	fmt.Printf("  backlog when the clients stopped: %s\n", thr.backlog)
	// Latency at half the DESIGN's throughput target (pgbench TPS / 4),
	// and at half the throughput measured here.
	rates := []float64{thr.perSecond / 2}
	if o.rate > 0 {
		rates = []float64{o.rate}
	} else if o.pgbenchTPS > 0 {
		rates = append([]float64{o.pgbenchTPS / 4}, rates...)
	}
	var lats []result
	for _, rate := range rates {
		lat, err := b.openLoop(ctx, rate, o.duration)
		if err != nil {
			return err
		}
		lats = append(lats, lat)
	}
	report(o, thr, lats, rates)
	return nil
}

func report(o options, thr result, lats []result, rates []float64) {
	fmt.Printf("\nend to end (POST accepted -> case opened -> notification stored), %d clients, %s:\n", o.clients, o.duration)
	fmt.Printf("  intake          %8.0f requests/s accepted (202), POST latency p50 %.1f ms p99 %.1f ms\n",
		thr.acceptedPerSecond, ms(thr.acceptP50), ms(thr.acceptP99))
	fmt.Printf("  throughput      %8.0f requests/s end to end (%d requests, %d errors)\n", thr.perSecond, thr.n, thr.errors)
	fmt.Printf("  latency         p50 %6.1f ms  p99 %6.1f ms  (closed loop, saturated)\n", ms(thr.p50), ms(thr.p99))
	for i, lat := range lats {
		fmt.Printf("  at %4.0f req/s   p50 %6.1f ms  p95 %6.1f ms  p99 %6.1f ms  max %6.1f ms (%d requests, %d errors, achieved %.0f req/s)\n",
			rates[i], ms(lat.p50), ms(lat.p95), ms(lat.p99), ms(lat.max), lat.n, lat.errors, lat.perSecond)
		fmt.Printf("    notification  p50 %6.1f ms  p99 %6.1f ms  (creation.case.opened -> notification in the advisor's inbox)\n",
			ms(lat.notifyP50), ms(lat.notifyP99))
	}
	if o.pgbenchTPS > 0 {
		fmt.Printf("  baseline        pgbench -N -c 8: %.0f TPS; end-to-end / pgbench = %.2f (target >= 0.50)\n",
			o.pgbenchTPS, thr.perSecond/o.pgbenchTPS)
	}
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

type bench struct {
	natsURL, natsAdminPW string
	url                  string
	db                   string
	client               *http.Client
	seq                  int64
	accepts              []time.Duration // POST latencies of the current phase
	mu                   sync.Mutex
}

const bodyFmt = `{"applicant":{"first_name":"Inès","last_name":"Moreau","email":"ines.moreau@example.fr"},` +
	`"project":{"description":"Boulangerie-pâtisserie artisanale n° %d","naf_code":"%s","postcode":"91000","planned_headcount":2}}`

// NAF codes of both chambers, so both assignment paths are exercised.
var nafCodes = []string{"10.71C", "47.11F", "96.02A", "62.01Z"}

// post submits one request and returns its id and the time it was sent.
func (b *bench) post(ctx context.Context) (string, time.Time, error) {
	id, start, err := b.postOnce(ctx)
	if err == nil {
		b.mu.Lock()
		b.accepts = append(b.accepts, time.Since(start))
		b.mu.Unlock()
	}
	return id, start, err
}

// takeAccepts returns the POST latencies (request sent -> 202 read) since
// the last call.
func (b *bench) takeAccepts() []time.Duration {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := b.accepts
	b.accepts = nil
	return out
}

func (b *bench) postOnce(ctx context.Context) (string, time.Time, error) {
	b.mu.Lock()
	b.seq++
	n := b.seq
	b.mu.Unlock()
	body := fmt.Sprintf(bodyFmt, n, nafCodes[n%int64(len(nafCodes))])
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, b.url, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	start := time.Now()
	resp, err := b.client.Do(req)
	if err != nil {
		return "", start, err
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusAccepted {
		return "", start, fmt.Errorf("POST answered %d: %s", resp.StatusCode, raw)
	}
	const key = `"request_id":"`
	i := strings.Index(string(raw), key)
	if i < 0 {
		return "", start, fmt.Errorf("no request_id in %s", raw)
	}
	id := string(raw[i+len(key) : i+len(key)+36])
	return id, start, nil
}

type result struct {
	backlog            string // consumers' pending messages when the load stopped
	acceptedPerSecond  float64
	acceptP50          time.Duration
	acceptP99          time.Duration
	n, errors          int
	perSecond          float64
	p50, p95, p99, max time.Duration
	// notifyP50 and notifyP99: from the case opened (creation.case.opened's
	// time) to its notification stored in the advisor's inbox.
	notifyP50, notifyP99 time.Duration
}

func (b *bench) closedLoop(ctx context.Context, clients int, d time.Duration) (result, error) {
	sent := map[string]time.Time{}
	var mu sync.Mutex
	errs := 0
	start := time.Now()
	deadline := start.Add(d)
	var wg sync.WaitGroup
	for range clients {
		wg.Go(func() {
			for time.Now().Before(deadline) && ctx.Err() == nil {
				id, at, err := b.post(ctx)
				mu.Lock()
				if err != nil {
					errs++
				} else {
					sent[id] = at
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	accepted := b.takeAccepts()
	loadTime := time.Since(start)
	backlog := b.backlog(ctx)
	r, err := b.collect(ctx, sent, errs, start)
	r.backlog = backlog
	r.acceptedPerSecond = float64(len(accepted)) / loadTime.Seconds()
	slices.Sort(accepted)
	if len(accepted) > 0 {
		r.acceptP50 = accepted[len(accepted)/2]
		r.acceptP99 = accepted[min(len(accepted)-1, len(accepted)*99/100)]
	}
	return r, err
}

// backlog says where the pipeline queues: each consumer's pending count.
func (b *bench) backlog(ctx context.Context) string {
	nc, err := nats.Connect(b.natsURL, nats.UserInfo(natsembed.AdminUser, b.natsAdminPW))
	if err != nil {
		return err.Error()
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		return err.Error()
	}
	var parts []string
	for _, sc := range [][2]string{{"INTAKE", "creation-support"}, {"CREATION", "advisor-desk"}} {
		c, err := js.Consumer(ctx, sc[0], sc[1])
		if err != nil {
			parts = append(parts, sc[1]+": "+err.Error())
			continue
		}
		ci, err := c.Info(ctx)
		if err != nil {
			parts = append(parts, sc[1]+": "+err.Error())
			continue
		}
		parts = append(parts, fmt.Sprintf("%s %d pending + %d unacked", sc[1], ci.NumPending, ci.NumAckPending))
	}
	return strings.Join(parts, ", ")
}

func (b *bench) openLoop(ctx context.Context, rate float64, d time.Duration) (result, error) {
	sent := map[string]time.Time{}
	var mu sync.Mutex
	errs := 0
	interval := time.Duration(float64(time.Second) / rate)
	start := time.Now()
	var wg sync.WaitGroup
	for next := start; next.Before(start.Add(d)) && ctx.Err() == nil; next = next.Add(interval) {
		time.Sleep(time.Until(next))
		wg.Go(func() {
			id, at, err := b.post(ctx)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs++
				return
			}
			sent[id] = at
		})
	}
	wg.Wait()
	return b.collect(ctx, sent, errs, start)
}

// collect waits until every accepted request has its notification and
// computes latencies from the POST to the notification's storage.
func (b *bench) collect(ctx context.Context, sent map[string]time.Time, errs int, start time.Time) (result, error) {
	conn, err := pgx.Connect(ctx, b.db)
	if err != nil {
		return result{}, err
	}
	defer conn.Close(ctx)
	ids := make([]string, 0, len(sent))
	for id := range sent {
		ids = append(ids, id)
	}
	var stored map[string]notice
	for wait := time.Now().Add(2 * time.Minute); ; {
		stored, err = notified(ctx, conn, ids)
		if err != nil {
			return result{}, err
		}
		if len(stored) == len(ids) {
			break
		}
		if time.Now().After(wait) {
			return result{}, fmt.Errorf("%d of %d requests never notified", len(ids)-len(stored), len(ids))
		}
		time.Sleep(200 * time.Millisecond)
	}
	var lat, notify []time.Duration
	last := start
	for id, n := range stored {
		lat = append(lat, n.stored.Sub(sent[id]))
		notify = append(notify, n.stored.Sub(n.opened))
		if n.stored.After(last) {
			last = n.stored
		}
	}
	slices.Sort(lat)
	slices.Sort(notify)
	r := result{n: len(lat), errors: errs}
	if len(lat) == 0 {
		return r, fmt.Errorf("no request succeeded (%d errors)", errs)
	}
	r.perSecond = float64(len(lat)) / last.Sub(start).Seconds()
	pct := func(p float64) time.Duration { return lat[min(len(lat)-1, int(p*float64(len(lat))))] }
	r.p50, r.p95, r.p99, r.max = pct(0.50), pct(0.95), pct(0.99), lat[len(lat)-1]
	r.notifyP50, r.notifyP99 = notify[min(len(notify)-1, len(notify)/2)], notify[min(len(notify)-1, int(0.99*float64(len(notify))))]
	return r, nil
}

// notice is when a request's case opened and when its first notification
// was stored.
type notice struct{ opened, stored time.Time }

func notified(ctx context.Context, conn *pgx.Conn, ids []string) (map[string]notice, error) {
	rows, err := conn.Query(ctx, `SELECT c.request_id::text, c.opened_at, min(n.created_at)
		FROM creation_support.creation_cases c
		JOIN advisor_desk.notifications n ON n.link = '/dossiers/creation/' || c.case_id::text
		WHERE c.request_id = ANY($1::uuid[]) GROUP BY c.request_id, c.opened_at`, ids)
	if err != nil {
		return nil, fmt.Errorf("read notifications: %w", err)
	}
	out := map[string]notice{}
	for rows.Next() {
		var id string
		var n notice
		if err := rows.Scan(&id, &n.opened, &n.stored); err != nil {
			return nil, err
		}
		out[id] = n
	}
	return out, rows.Err()
}

func (b *bench) waitDirectory(ctx context.Context) error {
	conn, err := pgx.Connect(ctx, b.db)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	for wait := time.Now().Add(30 * time.Second); time.Now().Before(wait); time.Sleep(50 * time.Millisecond) {
		var n int
		if err := conn.QueryRow(ctx, `SELECT count(*) FROM creation_support.advisors`).Scan(&n); err == nil && n >= 4 {
			return nil
		}
	}
	return fmt.Errorf("advisor directory never reached creation-support")
}

func startProfile(path string) (func() error, error) {
	if path == "" {
		return func() error { return nil }, nil
	}
	f, err := os.Create(path) //nolint:gosec // G304: the path is the operator's -cpuprofile flag
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		return nil, errors.Join(err, f.Close())
	}
	return func() error { pprof.StopCPUProfile(); return f.Close() }, nil
}
