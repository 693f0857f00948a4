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

// maxLogins bounds the memory of failures: past it, logins whose
// failures have all come back are forgotten first (they are as good as
// new); only when every tracked login is still short of tries does the
// table restart empty (a guesser then gains a few tries, the process keeps
// its memory).
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

// take reserves one try of the login before its password is checked, so
// that simultaneous attempts cannot all slip under the limit. ok=false
// says how long until the next try; otherwise succeeded gives the try back
// (a successful sign-in is no failure).
func (a *attempts) take(login string) (ok bool, wait time.Duration, succeeded func()) {
	a.mu.Lock()
	defer a.mu.Unlock()
	now := a.now()
	k := key(login)
	l, found := a.by[k]
	if !found {
		a.evict(now)
		l = a.limiter()
		a.by[k] = l
	}
	r := l.ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return false, d, nil
	}
	return true, 0, func() {
		a.mu.Lock()
		defer a.mu.Unlock()
		r.CancelAt(a.now())
	}
}

// limiter is a new login's: all its tries left.
func (a *attempts) limiter() *rate.Limiter { return rate.NewLimiter(rate.Every(a.every), a.burst) }

// evict makes room for a new login when the table is full.
func (a *attempts) evict(now time.Time) {
	if len(a.by) < maxLogins {
		return
	}
	for k, l := range a.by {
		if l.TokensAt(now) >= float64(a.burst) {
			delete(a.by, k)
		}
	}
	if len(a.by) >= maxLogins {
		a.by = map[string]*rate.Limiter{}
	}
}
