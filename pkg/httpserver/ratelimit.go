package httpserver

import (
	"container/list"
	"fmt"
	"math"
	"net/http"
	"net/netip"
	"path"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// RateLimit configures the per-client limit of a service's public
// submissions. platform.Config embeds it, so its keys are flat
// (INTAKE_RATE_LIMIT_PER_MINUTE, falling back to RATE_LIMIT_PER_MINUTE).
type RateLimit struct {
	// RateLimitPerMinute is how many submissions a client may send per
	// minute, on average; 0 turns the limit off.
	RateLimitPerMinute int `envconfig:"RATE_LIMIT_PER_MINUTE" default:"30"`
	// RateLimitBurst is how many a client may send at once before the
	// average rate applies.
	RateLimitBurst int `envconfig:"RATE_LIMIT_BURST" default:"10"`
	// TrustedProxies lists the CIDRs (or single addresses) of the reverse
	// proxies in front of the service. Only when the direct peer is one of
	// them are X-Forwarded-For and Forwarded read to find the client; from
	// anyone else those headers are ignored, since a client can write them.
	TrustedProxies []string `envconfig:"TRUSTED_PROXIES"`
}

// LimitOptions says where a RateLimiter applies and bounds its memory.
type LimitOptions struct {
	// Prefixes are the path prefixes whose unsafe requests (POST, PUT,
	// PATCH, DELETE) are limited; "/" is every path. Reads are never
	// limited.
	Prefixes []string
	// MaxClients bounds how many clients are tracked at once (default
	// 10,000): past it, the least recently seen client is forgotten.
	MaxClients int
	// Now is the clock (tests move it); default time.Now.
	Now func() time.Time
}

// DefaultMaxClients is LimitOptions.MaxClients when unset: about 2 MB.
const DefaultMaxClients = 10_000

// RateLimiter limits the unsafe requests of each client with a token
// bucket: Burst requests at once, then PerMinute a minute. A client is an
// IPv4 address or an IPv6 /64 (one subscriber's network, which a client can
// otherwise walk to get fresh buckets).
//
// Memory stays bounded: a client whose bucket has refilled is forgotten
// (nothing is lost: a new bucket starts full), and at most MaxClients are
// kept, the least recently seen going first.
type RateLimiter struct {
	limit    rate.Limit
	burst    int
	idle     time.Duration // time to refill an empty bucket
	trusted  []netip.Prefix
	prefixes []string
	max      int
	now      func() time.Time

	mu      sync.Mutex
	clients map[netip.Addr]*list.Element // of *bucket
	lru     list.List                    // front: most recently seen
}

type bucket struct {
	key  netip.Addr
	lim  *rate.Limiter
	seen time.Time
}

// NewRateLimiter checks cfg and builds the limiter.
func NewRateLimiter(cfg RateLimit, o LimitOptions) (*RateLimiter, error) {
	if cfg.RateLimitPerMinute < 0 {
		return nil, fmt.Errorf("RATE_LIMIT_PER_MINUTE must be 0 (off) or more, not %d", cfg.RateLimitPerMinute)
	}
	if cfg.RateLimitPerMinute > 0 && cfg.RateLimitBurst < 1 {
		return nil, fmt.Errorf("RATE_LIMIT_BURST must be at least 1, not %d", cfg.RateLimitBurst)
	}
	trusted, err := parseTrustedProxies(cfg.TrustedProxies)
	if err != nil {
		return nil, err
	}
	l := &RateLimiter{
		limit:    rate.Limit(float64(cfg.RateLimitPerMinute) / 60),
		burst:    cfg.RateLimitBurst,
		trusted:  trusted,
		prefixes: o.Prefixes,
		max:      o.MaxClients,
		now:      o.Now,
		clients:  map[netip.Addr]*list.Element{},
	}
	if l.max <= 0 {
		l.max = DefaultMaxClients
	}
	if l.now == nil {
		l.now = time.Now
	}
	if cfg.RateLimitPerMinute > 0 {
		// Rounded up: a bucket forgotten a little early would refill a
		// fraction of a token for free.
		l.idle = time.Duration(math.Ceil(float64(l.burst) / float64(l.limit) * float64(time.Second)))
	}
	return l, nil
}

func parseTrustedProxies(list []string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, s := range list {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		if p, err := netip.ParsePrefix(s); err == nil {
			if p.Addr().Is4In6() {
				// ::ffff:10.0.0.0/104 is 10.0.0.0/8, as peers are unmapped.
				if p.Bits() < 96 {
					return nil, fmt.Errorf("TRUSTED_PROXIES: %q reaches beyond the IPv4-mapped addresses", s)
				}
				p = netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-96)
			}
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(s)
		if err != nil {
			return nil, fmt.Errorf("TRUSTED_PROXIES: %q is neither a CIDR nor an IP address", s)
		}
		a = a.Unmap()
		out = append(out, netip.PrefixFrom(a, a.BitLen()))
	}
	return out, nil
}

// Limit wraps next: over the limit, an unsafe request of a limited path
// gets a 429 problem with Retry-After, and next does not see it.
func (l *RateLimiter) Limit(next http.Handler) http.Handler {
	if l.limit == 0 {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !l.applies(r) {
			next.ServeHTTP(w, r)
			return
		}
		ok, wait := l.allow(l.clientKey(l.ClientIP(r)))
		if ok {
			next.ServeHTTP(w, r)
			return
		}
		TooManyRequests(w, r, wait, "Trop de demandes envoyées en peu de temps depuis votre connexion")
	})
}

// TooManyRequests answers 429 with Retry-After, the wait rounded up to
// whole seconds (at least one), and a problem whose detail is why, in
// French, followed by when to try again. Limiters keyed otherwise than by
// address (a partner client, a login) answer with it too.
func TooManyRequests(w http.ResponseWriter, r *http.Request, wait time.Duration, why string) {
	secs := max(int(math.Ceil(wait.Seconds())), 1)
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	unit := "secondes"
	if secs == 1 {
		unit = "seconde"
	}
	WriteProblem(w, r, Problem{Status: http.StatusTooManyRequests, Title: "Trop de requêtes",
		Detail: fmt.Sprintf("%s : réessayez dans %d %s.", why, secs, unit)})
}

// applies: an unsafe method on a limited path.
func (l *RateLimiter) applies(r *http.Request) bool {
	switch r.Method {
	case http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete:
	default:
		return false
	}
	// Both spellings, so "//api/x" or "/web/../api/x" cannot slip past an
	// "/api/" prefix before the mux cleans the path.
	cleaned := path.Clean("/" + r.URL.Path)
	for _, p := range l.prefixes {
		if strings.HasPrefix(r.URL.Path, p) || strings.HasPrefix(cleaned, p) {
			return true
		}
	}
	return false
}

// allow takes a token from the client's bucket, or says how long until
// one is there.
func (l *RateLimiter) allow(key netip.Addr) (bool, time.Duration) {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	// Forget the clients whose bucket is full again: least recently seen
	// last, so the scan stops at the first one still refilling.
	for e := l.lru.Back(); e != nil; e = l.lru.Back() {
		b := e.Value.(*bucket)
		if now.Sub(b.seen) < l.idle {
			break
		}
		l.forget(e)
	}
	var b *bucket
	if e, ok := l.clients[key]; ok {
		b = e.Value.(*bucket)
		l.lru.MoveToFront(e)
	} else {
		if len(l.clients) >= l.max {
			l.forget(l.lru.Back())
		}
		b = &bucket{key: key, lim: rate.NewLimiter(l.limit, l.burst)}
		l.clients[key] = l.lru.PushFront(b)
	}
	b.seen = now
	res := b.lim.ReserveN(now, 1)
	if wait := res.DelayFrom(now); wait > 0 {
		res.CancelAt(now)
		return false, wait
	}
	return true, 0
}

func (l *RateLimiter) forget(e *list.Element) {
	delete(l.clients, e.Value.(*bucket).key)
	l.lru.Remove(e)
}

// Clients is how many clients are tracked now.
func (l *RateLimiter) Clients() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.clients)
}

// clientKey groups an IPv6 client by its /64.
func (l *RateLimiter) clientKey(a netip.Addr) netip.Addr {
	if a.Is6() {
		p, _ := a.Prefix(64)
		return p.Addr()
	}
	return a
}

// ClientIP is the address of the client behind r: the direct peer, or,
// when the peer is a trusted proxy, the nearest address in X-Forwarded-For
// (or, without it, Forwarded) that is not a trusted proxy. The headers are
// read from the right, where the trusted proxies appended, so addresses a
// client wrote at the left are never believed. The zero Addr means the
// peer's address is unreadable (all such requests share one bucket).
func (l *RateLimiter) ClientIP(r *http.Request) netip.Addr {
	client := parseHop(r.RemoteAddr)
	if !l.isTrusted(client) {
		return client
	}
	hops := forwardedFor(r.Header)
	for i := len(hops) - 1; i >= 0; i-- {
		a := parseHop(hops[i])
		if !a.IsValid() {
			// Unreadable ("unknown", an obfuscated name): the proxy that
			// wrote it is the last hop known.
			return client
		}
		client = a
		if !l.isTrusted(a) {
			return a
		}
	}
	return client
}

func (l *RateLimiter) isTrusted(a netip.Addr) bool {
	if !a.IsValid() {
		return false
	}
	for _, p := range l.trusted {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// forwardedFor lists the hops a request went through, client first: the
// X-Forwarded-For entries, or the for= of each Forwarded element (RFC
// 7239) when there is no X-Forwarded-For.
func forwardedFor(h http.Header) []string {
	var hops []string
	if xff := h.Values("X-Forwarded-For"); len(xff) > 0 {
		for _, v := range xff {
			for hop := range strings.SplitSeq(v, ",") {
				hops = append(hops, strings.TrimSpace(hop))
			}
		}
		return hops
	}
	for _, v := range h.Values("Forwarded") {
		for elem := range strings.SplitSeq(v, ",") {
			var hop string // an element without for= is an unknown hop
			for pair := range strings.SplitSeq(elem, ";") {
				name, value, _ := strings.Cut(strings.TrimSpace(pair), "=")
				if strings.EqualFold(name, "for") {
					hop = strings.Trim(value, `"`)
				}
			}
			hops = append(hops, hop)
		}
	}
	return hops
}

// parseHop reads "192.0.2.1", "192.0.2.1:4711", "2001:db8::1" or
// "[2001:db8::1]:4711"; the zero Addr if it cannot.
func parseHop(s string) netip.Addr {
	s = strings.TrimSpace(s)
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return ap.Addr().Unmap().WithZone("")
	}
	if a, err := netip.ParseAddr(strings.TrimSuffix(strings.TrimPrefix(s, "["), "]")); err == nil {
		return a.Unmap().WithZone("")
	}
	return netip.Addr{}
}
