package web

import (
	"fmt"
	"sync"
	"testing"
	"time"
)

// TestAttempts: a login gets its tries at most, even when they come all
// at once; a success gives its try back; a login whose tries have all come
// back is forgotten first when the table is full, never one still short.
func TestAttempts(t *testing.T) {
	now := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	a := newAttempts(Limits{Failures: 5, FailureRefill: time.Minute, Now: func() time.Time { return now }})

	var mu sync.Mutex
	allowed := 0
	var wg sync.WaitGroup
	for range 20 { // twenty guesses at once
		wg.Add(1)
		go func() {
			defer wg.Done()
			if ok, _, _ := a.take("Cma-91-001 "); ok {
				mu.Lock()
				allowed++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if allowed != 5 {
		t.Fatalf("%d simultaneous tries let through, want 5", allowed)
	}
	if ok, wait, _ := a.take("cma-91-001"); ok || wait <= 0 || wait > time.Minute {
		t.Fatalf("sixth try: ok %v, wait %v; want refused for at most a minute", ok, wait)
	}

	now = now.Add(time.Minute) // one try back
	ok, _, succeeded := a.take("cma-91-001")
	if !ok {
		t.Fatal("no try back after a minute")
	}
	succeeded() // the right password: the try is given back
	if ok, _, _ := a.take("cma-91-001"); !ok {
		t.Fatal("a successful sign-in used up a try")
	}

	// A full table forgets the logins with all their tries back, not the
	// one being guessed.
	for i := range maxLogins - 1 {
		a.by[fmt.Sprintf("login-%d", i)] = a.limiter()
	}
	a.take("newcomer")
	if _, kept := a.by["cma-91-001"]; !kept {
		t.Error("the guessed login was forgotten to make room")
	}
	if len(a.by) > 3 {
		t.Errorf("%d logins kept, want only those short of tries (and the newcomer)", len(a.by))
	}
}
