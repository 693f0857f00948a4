package web

import (
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/ccicma/platform/pkg/httpserver"
)

// Limits bound sign-in attempts: per client address (all attempts) and per
// login (failed attempts only, so that a guesser spreading over addresses
// still gets few tries at one advisor's password).
type Limits struct {
	// PerClient limits the sign-in posts of one client address (the
	// service's RATE_LIMIT_* settings; a zero rate turns it off), behind
	// its trusted proxies.
	PerClient httpserver.RateLimit
	// Failures is how many failed attempts a login may have at once
	// (default 5); one more comes back every FailureRefill (default 1 min).
	Failures      int
	FailureRefill time.Duration
	// Now is the clock (tests); default time.Now.
	Now func() time.Time
}

func orDefault(v, d int) int {
	if v <= 0 {
		return d
	}
	return v
}

// maxLogins bounds the memory of failures: past it, the table restarts
// empty (a guesser gains a few tries, the process keeps its memory).
const maxLogins = 10_000

// attempts counts failed sign-ins per login.
type attempts struct {
	every time.Duration
	burst int
	now   func() time.Time
	mu    sync.Mutex
	by    map[string]*rate.Limiter
}

func newAttempts(l Limits) *attempts {
	a := &attempts{every: l.FailureRefill, burst: orDefault(l.Failures, 5), now: l.Now, by: map[string]*rate.Limiter{}}
	if a.every <= 0 {
		a.every = time.Minute
	}
	if a.now == nil {
		a.now = time.Now
	}
	return a
}

func key(login string) string { return strings.ToLower(strings.TrimSpace(login)) }

// blocked tells whether the login has no failure left, and for how long.
func (a *attempts) blocked(login string) (bool, time.Duration) {
	a.mu.Lock()
	defer a.mu.Unlock()
	l, ok := a.by[key(login)]
	if !ok {
		return false, 0
	}
	now := a.now()
	if l.TokensAt(now) >= 1 {
		return false, 0
	}
	r := l.ReserveN(now, 1)
	wait := r.DelayFrom(now)
	r.CancelAt(now)
	return true, wait
}

// failed records a failure of the login.
func (a *attempts) failed(login string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	k := key(login)
	l, ok := a.by[k]
	if !ok {
		if len(a.by) >= maxLogins {
			a.by = map[string]*rate.Limiter{}
		}
		l = rate.NewLimiter(rate.Every(a.every), a.burst)
		a.by[k] = l
	}
	l.AllowN(a.now(), 1)
}
