package httpserver_test

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ccicma/platform/pkg/httpserver"
)

// wait bounds the test's waits; it guards against a hang and asserts no
// speed.
const wait = 10 * time.Second

// inFlight is a slow POST: it tells when it has started, waits to be
// released, then stores its side effect unless its context was cancelled.
type inFlight struct {
	entered  chan struct{}
	release  chan struct{}
	ctxErr   chan error
	stored   atomic.Bool
	finished chan struct{}
}

func newInFlight() *inFlight {
	return &inFlight{entered: make(chan struct{}), release: make(chan struct{}), ctxErr: make(chan error, 1),
		finished: make(chan struct{})}
}

func (f *inFlight) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	defer close(f.finished)
	close(f.entered)
	select {
	case <-f.release:
	case <-r.Context().Done():
	}
	f.ctxErr <- r.Context().Err()
	if r.Context().Err() != nil {
		return
	}
	f.stored.Store(true)
	w.WriteHeader(http.StatusOK)
	_, _ = io.WriteString(w, "stored")
}

// stream is a server-sent event stream that lasts until its
// httpserver.StreamContext ends.
func stream(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := httpserver.StreamContext(r)
	defer cancel()
	w.Header().Set("Content-Type", "text/event-stream")
	w.WriteHeader(http.StatusOK)
	_, _ = io.WriteString(w, ": open\n\n")
	_ = http.NewResponseController(w).Flush()
	<-ctx.Done()
}

type result struct {
	status int
	body   string
	err    error
}

func post(url string) <-chan result {
	out := make(chan result, 1)
	go func() {
		res, err := http.Post(url, "application/json", strings.NewReader("{}"))
		if err != nil {
			out <- result{err: err}
			return
		}
		defer res.Body.Close()
		b, err := io.ReadAll(res.Body)
		out <- result{status: res.StatusCode, body: string(b), err: err}
	}()
	return out
}

func receive[T any](t *testing.T, what string, c <-chan T) T {
	t.Helper()
	select {
	case v := <-c:
		return v
	case <-time.After(wait):
		t.Fatalf("%s: nothing after %s", what, wait)
		panic("unreachable")
	}
}

func closed(t *testing.T, what string, c <-chan struct{}) {
	t.Helper()
	receive(t, what, c)
}

// serve runs srv until the test shuts it down, and reports Serve's end.
func serve(srv *httpserver.Server) <-chan error {
	done := make(chan error, 1)
	go func() { done <- srv.Serve() }()
	return done
}

func shutdown(srv *httpserver.Server, timeout time.Duration) <-chan error {
	done := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		done <- srv.Shutdown(ctx)
	}()
	return done
}

// TestShutdownLetsRequestsInFlightFinish: a POST in flight when shutdown
// starts runs to its end with its context intact, stores its side effect
// and answers 200, while an open event stream ends at once, without
// waiting for the POST; Shutdown returns once the POST has answered, and
// the server takes no new request.
func TestShutdownLetsRequestsInFlightFinish(t *testing.T) {
	t.Parallel()
	slow := newInFlight()
	mux := http.NewServeMux()
	mux.Handle("POST /slow", slow)
	mux.HandleFunc("GET /events", stream)
	srv := newServer(t, mux, nil)
	served := serve(srv)
	base := "http://" + srv.Addr()

	res, err := http.Get(base + "/events")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	events := bufio.NewReader(res.Body)
	if line, err := events.ReadString('\n'); err != nil || line != ": open\n" {
		t.Fatalf("stream opened with %q, %v", line, err)
	}
	answer := post(base + "/slow")
	closed(t, "slow POST started", slow.entered)

	stopped := shutdown(srv, wait)
	streamEnded := make(chan error, 1)
	go func() {
		_, err := io.Copy(io.Discard, events)
		streamEnded <- err
	}()
	if err := receive(t, "event stream ended by the shutdown", streamEnded); err != nil {
		t.Errorf("event stream ended with %v, want a clean end", err)
	}
	select {
	case err := <-stopped:
		t.Fatalf("Shutdown returned (%v) while a POST was in flight", err)
	case <-slow.finished:
		t.Fatal("the POST finished before it was released")
	default:
	}

	close(slow.release)
	if err := receive(t, "POST's context state", slow.ctxErr); err != nil {
		t.Errorf("POST in flight saw its context end (%v) at shutdown, want it left running", err)
	}
	if a := receive(t, "POST answered", answer); a.err != nil || a.status != http.StatusOK || a.body != "stored" {
		t.Errorf("POST in flight at shutdown = %d %q %v, want 200 stored", a.status, a.body, a.err)
	}
	if !slow.stored.Load() {
		t.Error("the POST's side effect was not done")
	}
	if err := receive(t, "Shutdown returned", stopped); err != nil {
		t.Errorf("Shutdown = %v, want nil", err)
	}
	if err := receive(t, "Serve returned", served); err != nil {
		t.Errorf("Serve = %v, want nil", err)
	}
	if res, err := http.Post(base+"/slow", "application/json", strings.NewReader("{}")); err == nil {
		res.Body.Close()
		t.Error("a new request was served after Shutdown")
	}
}

// TestShutdownCutsRequestsBeyondItsTimeout: a request still running when
// the shutdown's context ends (SHUTDOWN_TIMEOUT in the platform) has its
// context cancelled and its connection closed, and Shutdown says so.
func TestShutdownCutsRequestsBeyondItsTimeout(t *testing.T) {
	t.Parallel()
	stuck := newInFlight() // never released
	srv := newServer(t, stuck, nil)
	served := serve(srv)
	answer := post("http://" + srv.Addr() + "/stuck")
	closed(t, "stuck POST started", stuck.entered)

	err := receive(t, "Shutdown returned", shutdown(srv, 100*time.Millisecond))
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Shutdown = %v, want the deadline exceeded", err)
	}
	if err := receive(t, "stuck POST's context", stuck.ctxErr); !errors.Is(err, context.Canceled) {
		t.Errorf("stuck POST's context ended with %v, want canceled", err)
	}
	if stuck.stored.Load() {
		t.Error("the cut POST stored its side effect")
	}
	if a := receive(t, "stuck POST answered", answer); a.err == nil && a.status == http.StatusOK {
		t.Errorf("cut POST = %d %q, want no answer", a.status, a.body)
	}
	if err := receive(t, "Serve returned", served); err != nil {
		t.Errorf("Serve = %v, want nil", err)
	}
}

// TestStreamContextOutsideServer: a handler tested without the server (a
// recorder) gets the request's context.
func TestStreamContextOutsideServer(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	r, err := http.NewRequestWithContext(ctx, http.MethodGet, "/events", nil)
	if err != nil {
		t.Fatal(err)
	}
	sctx, stop := httpserver.StreamContext(r)
	defer stop()
	if sctx.Err() != nil {
		t.Fatalf("stream context ended at once: %v", sctx.Err())
	}
	cancel()
	closed(t, "stream context ended with its request", sctx.Done())
}
