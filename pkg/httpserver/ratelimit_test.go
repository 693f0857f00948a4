package httpserver_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ccicma/platform/pkg/httpserver"
	"github.com/ccicma/platform/pkg/platform"
	"github.com/ccicma/platform/pkg/testkit"
)

func newClock() *testkit.Clock { return testkit.NewClock(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)) }

// defaults is the configuration a service gets with no environment.
var defaults = httpserver.RateLimit{RateLimitPerMinute: 30, RateLimitBurst: 10}

// limited builds a limiter on /api/ in front of a handler that answers 200.
func limited(t *testing.T, cfg httpserver.RateLimit, o httpserver.LimitOptions) (*httpserver.RateLimiter, http.Handler) {
	t.Helper()
	if o.Prefixes == nil {
		o.Prefixes = []string{"/api/"}
	}
	l, err := httpserver.NewRateLimiter(cfg, o)
	if err != nil {
		t.Fatal(err)
	}
	ok := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusOK) })
	return l, l.Limit(ok)
}

type call struct {
	method, path, peer string
	header             http.Header
}

func send(h http.Handler, c call) *httptest.ResponseRecorder {
	if c.method == "" {
		c.method = http.MethodPost
	}
	if c.path == "" {
		c.path = "/api/v1/creation-requests"
	}
	r := httptest.NewRequest(c.method, c.path, strings.NewReader(`{}`))
	if c.peer != "" {
		r.RemoteAddr = c.peer
	}
	for k, v := range c.header {
		r.Header[k] = v
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

// expect429 checks a rate-limit answer: problem+json in French with
// Retry-After in whole seconds.
func expect429(t *testing.T, w *httptest.ResponseRecorder, retryAfter string) {
	t.Helper()
	if w.Code != http.StatusTooManyRequests {
		t.Fatalf("status %d, want 429", w.Code)
	}
	if got := w.Header().Get("Retry-After"); got != retryAfter {
		t.Errorf("Retry-After %q, want %q", got, retryAfter)
	}
	if ct := w.Header().Get("Content-Type"); ct != "application/problem+json" {
		t.Errorf("Content-Type %q, want application/problem+json", ct)
	}
	var p httpserver.Problem
	if err := json.Unmarshal(w.Body.Bytes(), &p); err != nil {
		t.Fatal(err)
	}
	if p.Status != 429 || p.Title != "Trop de requêtes" || !strings.Contains(p.Detail, "réessayez dans "+retryAfter+" seconde") {
		t.Errorf("problem %+v", p)
	}
}

func TestRateLimitBurstThenRetryAfterThenRefill(t *testing.T) {
	t.Parallel()
	clk := newClock()
	_, h := limited(t, defaults, httpserver.LimitOptions{Now: clk.Now})
	a := call{peer: "203.0.113.7:50000"}

	// 30 a minute is one token every 2 s; the burst is 10.
	steps := []struct {
		advance    time.Duration
		status     int
		retryAfter string // for a 429
	}{
		{0, 200, ""}, {0, 200, ""}, {0, 200, ""}, {0, 200, ""}, {0, 200, ""},
		{0, 200, ""}, {0, 200, ""}, {0, 200, ""}, {0, 200, ""}, {0, 200, ""},
		{0, 429, "2"},                      // the 11th at once
		{0, 429, "2"},                      // a refused request costs nothing...
		{500 * time.Millisecond, 429, "2"}, // 1.5 s left: rounded up
		{time.Second, 429, "1"},            // 0.5 s left
		{500 * time.Millisecond, 200, ""},  // one token back...
		{0, 429, "2"},                      // ...and spent
		{6 * time.Second, 200, ""},         // three tokens back
		{0, 200, ""},
		{0, 200, ""},
		{0, 429, "2"},
		{time.Hour, 200, ""}, // a full bucket, never more than the burst
	}
	for i, s := range steps {
		clk.Advance(s.advance)
		w := send(h, a)
		if s.status == 429 {
			expect429(t, w, s.retryAfter)
		} else if w.Code != s.status {
			t.Fatalf("step %d: status %d, want %d", i, w.Code, s.status)
		}
	}
	for i := range 9 {
		if w := send(h, a); w.Code != 200 {
			t.Fatalf("request %d after an hour: %d, want the full burst", i+2, w.Code)
		}
	}
	expect429(t, send(h, a), "2")
}

func TestRateLimitPerClient(t *testing.T) {
	t.Parallel()
	clk := newClock()
	_, h := limited(t, httpserver.RateLimit{RateLimitPerMinute: 6, RateLimitBurst: 2}, httpserver.LimitOptions{Now: clk.Now})
	a, b := call{peer: "203.0.113.7:1"}, call{peer: "198.51.100.9:1"}
	for range 2 {
		if w := send(h, a); w.Code != 200 {
			t.Fatalf("a: %d", w.Code)
		}
	}
	expect429(t, send(h, a), "10")
	// Another port of the same address is the same client.
	expect429(t, send(h, call{peer: "203.0.113.7:2"}), "10")
	// Another client has its own bucket.
	for range 2 {
		if w := send(h, b); w.Code != 200 {
			t.Fatalf("b: %d, want its own bucket", w.Code)
		}
	}
	expect429(t, send(h, b), "10")
	// An IPv6 client is its /64: moving inside it gives no fresh bucket,
	// another /64 is another client.
	v6 := []struct {
		peer   string
		status int
	}{
		{"[2001:db8:1:2::1]:1", 200}, {"[2001:db8:1:2::1]:1", 200}, {"[2001:db8:1:2:ffff::9]:1", 429},
		{"[2001:db8:1:3::1]:1", 200},
		{"[::ffff:192.0.2.1]:1", 200}, {"192.0.2.1:1", 200}, {"192.0.2.1:1", 429}, // IPv4-mapped is IPv4
	}
	for _, c := range v6 {
		if w := send(h, call{peer: c.peer}); w.Code != c.status {
			t.Errorf("%s: %d, want %d", c.peer, w.Code, c.status)
		}
	}
}

func TestRateLimitOnlyUnsafeMethodsOfChosenPrefixes(t *testing.T) {
	t.Parallel()
	_, h := limited(t, httpserver.RateLimit{RateLimitPerMinute: 1, RateLimitBurst: 1},
		httpserver.LimitOptions{Prefixes: []string{"/api/", "/creation"}})
	tests := []struct {
		method, path string
		limited      bool
	}{
		{http.MethodGet, "/api/v1/creation-requests/0192", false},
		{http.MethodHead, "/api/v1/creation-requests/0192", false},
		{http.MethodOptions, "/api/v1/creation-requests", false},
		{http.MethodPost, "/healthz", false},
		{http.MethodPost, "/static/x", false},
		{http.MethodPost, "/api/v1/creation-requests", true},
		{http.MethodPut, "/api/v1/x", true},
		{http.MethodPatch, "/api/v1/x", true},
		{http.MethodDelete, "/api/v1/x", true},
		{http.MethodPost, "/creation", true},
		{http.MethodPost, "//api/v1/x", true},          // cleaned by the mux later
		{http.MethodPost, "/static/../api/v1/x", true}, // idem
	}
	for i, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			t.Parallel()
			// A client per case, so that cases do not share buckets.
			c := call{method: tt.method, path: tt.path, peer: fmt.Sprintf("10.9.9.%d:1", i)}
			for i := range 5 {
				w := send(h, c)
				if want := i == 0 || !tt.limited; (w.Code == 200) != want {
					t.Fatalf("request %d: %d, limited %v", i+1, w.Code, tt.limited)
				}
			}
		})
	}
}

func TestRateLimitClientIPAndTrustedProxies(t *testing.T) {
	t.Parallel()
	l, err := httpserver.NewRateLimiter(httpserver.RateLimit{RateLimitPerMinute: 30, RateLimitBurst: 10,
		TrustedProxies: []string{"10.0.0.0/8", " 192.168.1.5 ", "fd00::/8", "::ffff:172.16.0.0/108"}}, httpserver.LimitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		peer      string
		xff       []string
		forwarded []string
		want      string
	}{
		{name: "direct client", peer: "203.0.113.7:5000", want: "203.0.113.7"},
		{name: "untrusted peer's X-Forwarded-For is ignored", peer: "203.0.113.7:5000", xff: []string{"198.51.100.1"}, want: "203.0.113.7"},
		{name: "untrusted peer's Forwarded is ignored", peer: "203.0.113.7:5000", forwarded: []string{"for=198.51.100.1"}, want: "203.0.113.7"},
		{name: "trusted proxy, X-Forwarded-For", peer: "10.1.2.3:5000", xff: []string{"198.51.100.1"}, want: "198.51.100.1"},
		{name: "trusted single address", peer: "192.168.1.5:80", xff: []string{"198.51.100.1"}, want: "198.51.100.1"},
		{name: "untrusted neighbour of a single address", peer: "192.168.1.6:80", xff: []string{"198.51.100.1"}, want: "192.168.1.6"},
		{name: "a spoofed left entry is not believed", peer: "10.1.2.3:5000", xff: []string{"1.2.3.4, 198.51.100.1"}, want: "198.51.100.1"},
		{name: "chain of trusted proxies", peer: "10.1.2.3:5000", xff: []string{"1.2.3.4, 198.51.100.1, 10.4.4.4", "192.168.1.5"}, want: "198.51.100.1"},
		{name: "only trusted hops: the farthest", peer: "10.1.2.3:5000", xff: []string{"10.7.7.7, 10.8.8.8"}, want: "10.7.7.7"},
		{name: "trusted proxy without header", peer: "10.1.2.3:5000", want: "10.1.2.3"},
		{name: "entry with a port", peer: "10.1.2.3:5000", xff: []string{"198.51.100.1:4711"}, want: "198.51.100.1"},
		{name: "garbage next to the proxy: the proxy", peer: "10.1.2.3:5000", xff: []string{"198.51.100.1, unknown"}, want: "10.1.2.3"},
		{name: "Forwarded", peer: "10.1.2.3:5000", forwarded: []string{`for=1.2.3.4, for=198.51.100.1;proto=https;by=10.1.2.3`}, want: "198.51.100.1"},
		{name: "Forwarded IPv6 quoted with port", peer: "[fd00::1]:443", forwarded: []string{`For="[2001:db8:cafe::17]:4711"`}, want: "2001:db8:cafe::17"},
		{name: "Forwarded obfuscated: the proxy", peer: "10.1.2.3:5000", forwarded: []string{`for=_hidden`}, want: "10.1.2.3"},
		{name: "X-Forwarded-For wins over Forwarded", peer: "10.1.2.3:5000", xff: []string{"198.51.100.1"}, forwarded: []string{"for=1.2.3.4"}, want: "198.51.100.1"},
		{name: "IPv4-mapped peer in a mapped CIDR", peer: "[::ffff:172.16.0.9]:80", xff: []string{"198.51.100.1"}, want: "198.51.100.1"},
		{name: "IPv6 peer with zone", peer: "[fd00::1%eth0]:80", xff: []string{"198.51.100.1"}, want: "198.51.100.1"},
		{name: "unreadable peer", peer: "@", xff: []string{"198.51.100.1"}, want: "invalid IP"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := httptest.NewRequest(http.MethodPost, "/api/v1/x", nil)
			r.RemoteAddr = tt.peer
			for _, v := range tt.xff {
				r.Header.Add("X-Forwarded-For", v)
			}
			for _, v := range tt.forwarded {
				r.Header.Add("Forwarded", v)
			}
			if got := l.ClientIP(r).String(); got != tt.want {
				t.Errorf("ClientIP = %s, want %s", got, tt.want)
			}
		})
	}

	// The same through the limiter: two clients behind the trusted proxy
	// have their own buckets; behind an untrusted one they share it.
	clk := newClock()
	_, h := limited(t, httpserver.RateLimit{RateLimitPerMinute: 1, RateLimitBurst: 1, TrustedProxies: []string{"10.0.0.0/8"}},
		httpserver.LimitOptions{Now: clk.Now})
	via := func(peer, client string) call {
		return call{peer: peer, header: http.Header{"X-Forwarded-For": {client}}}
	}
	for _, c := range []struct {
		call   call
		status int
	}{
		{via("10.0.0.1:1", "198.51.100.1"), 200},
		{via("10.0.0.1:1", "198.51.100.1"), 429},
		{via("10.0.0.2:1", "198.51.100.1"), 429}, // another proxy, the same client
		{via("10.0.0.1:1", "198.51.100.2"), 200},
		{via("203.0.113.7:1", "198.51.100.3"), 200},
		{via("203.0.113.7:1", "198.51.100.4"), 429}, // a forged header buys nothing
	} {
		if w := send(h, c.call); w.Code != c.status {
			t.Errorf("%s for %s: %d, want %d", c.call.peer, c.call.header.Get("X-Forwarded-For"), w.Code, c.status)
		}
	}
}

func TestRateLimitMemoryIsBounded(t *testing.T) {
	t.Parallel()
	clk := newClock()
	l, h := limited(t, httpserver.RateLimit{RateLimitPerMinute: 6, RateLimitBurst: 2}, httpserver.LimitOptions{MaxClients: 3, Now: clk.Now})
	peer := func(i int) call { return call{peer: fmt.Sprintf("198.51.100.%d:1", i)} }

	// Never more than MaxClients, however many clients come.
	for i := range 50 {
		send(h, peer(i))
		if n := l.Clients(); n > 3 {
			t.Fatalf("%d clients tracked after %d, want at most 3", n, i+1)
		}
	}
	// Past the cap, the least recently seen client goes first: the others
	// keep their (empty) buckets.
	clk.Advance(time.Hour)
	for i := 1; i <= 3; i++ {
		send(h, peer(i))
		send(h, peer(i))
	}
	send(h, peer(4)) // forgets 1
	expect429(t, send(h, peer(3)), "10")
	expect429(t, send(h, peer(2)), "10")
	if l.Clients() != 3 {
		t.Errorf("%d clients, want 3", l.Clients())
	}

	// A client idle for as long as its bucket takes to refill (2 tokens at
	// 6 a minute: 20 s) is forgotten, with nothing lost.
	clk.Advance(19 * time.Second)
	send(h, peer(5))
	if n := l.Clients(); n != 3 {
		t.Errorf("after 19 s: %d clients, want 3 (none refilled yet)", n)
	}
	clk.Advance(time.Second)
	send(h, peer(6))
	if n := l.Clients(); n != 2 {
		t.Errorf("after 20 s: %d clients, want 2 (the refilled ones forgotten)", n)
	}
	if w := send(h, peer(3)); w.Code != 200 {
		t.Errorf("a forgotten client starts full: %d", w.Code)
	}
}

func TestRateLimitConcurrentClients(t *testing.T) {
	t.Parallel()
	l, h := limited(t, httpserver.RateLimit{RateLimitPerMinute: 1, RateLimitBurst: 5}, httpserver.LimitOptions{MaxClients: 50})
	var wg sync.WaitGroup
	var mu sync.Mutex
	accepted := map[string]int{}
	for c := range 20 {
		for range 10 {
			wg.Go(func() {
				p := fmt.Sprintf("198.51.100.%d:1", c)
				if send(h, call{peer: p}).Code == 200 {
					mu.Lock()
					accepted[p]++
					mu.Unlock()
				}
			})
		}
	}
	wg.Wait()
	for p, n := range accepted {
		if n != 5 {
			t.Errorf("%s: %d accepted, want the burst of 5", p, n)
		}
	}
	if len(accepted) != 20 || l.Clients() != 20 {
		t.Errorf("%d clients accepted, %d tracked, want 20", len(accepted), l.Clients())
	}
}

func TestRateLimitConfig(t *testing.T) {
	// Not parallel: it sets the environment.
	c, err := platform.LoadConfig[platform.Config]("INTAKE")
	if err != nil {
		t.Fatal(err)
	}
	if c.RateLimit.RateLimitPerMinute != 30 || c.RateLimit.RateLimitBurst != 10 || len(c.TrustedProxies) != 0 {
		t.Errorf("defaults %+v, want 30 a minute, burst 10, no trusted proxy", c.RateLimit)
	}
	t.Setenv("INTAKE_RATE_LIMIT_PER_MINUTE", "120")
	t.Setenv("RATE_LIMIT_BURST", "20")
	t.Setenv("TRUSTED_PROXIES", "10.0.0.0/8,fd00::/8")
	if c, err = platform.LoadConfig[platform.Config]("INTAKE"); err != nil {
		t.Fatal(err)
	}
	if c.RateLimitPerMinute != 120 || c.RateLimitBurst != 20 || strings.Join(c.TrustedProxies, " ") != "10.0.0.0/8 fd00::/8" {
		t.Errorf("from the environment: %+v", c.RateLimit)
	}

	for _, bad := range []httpserver.RateLimit{
		{RateLimitPerMinute: 30, RateLimitBurst: 10, TrustedProxies: []string{"10.0.0.0/33"}},
		{RateLimitPerMinute: 30, RateLimitBurst: 10, TrustedProxies: []string{"proxy.local"}},
		{RateLimitPerMinute: 30, RateLimitBurst: 10, TrustedProxies: []string{"::ffff:0:0/80"}},
		{RateLimitPerMinute: 30, RateLimitBurst: 0},
		{RateLimitPerMinute: -1, RateLimitBurst: 10},
	} {
		if _, err := httpserver.NewRateLimiter(bad, httpserver.LimitOptions{}); err == nil {
			t.Errorf("%+v accepted", bad)
		}
	}

	// 0 a minute turns the limit off (benchmarks).
	_, h := limited(t, httpserver.RateLimit{RateLimitPerMinute: 0, RateLimitBurst: 0}, httpserver.LimitOptions{})
	for i := range 100 {
		if w := send(h, call{peer: "203.0.113.7:1"}); w.Code != 200 {
			t.Fatalf("request %d with the limit off: %d", i, w.Code)
		}
	}
}
