// Package httpserver holds the HTTP plumbing every service shares: a server
// whose shutdown lets requests in flight finish, /healthz and /readyz, /metrics, tracing and
// access-log middleware, request size limits and RFC 9457 problem+json
// errors.
package httpserver

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"

	"github.com/ccicma/platform/pkg/telemetry"
)

// Check is a readiness probe of one dependency. A required dependency
// that fails makes the service unready (503: it cannot serve); one marked
// Degraded only degrades it (200, the body says what is down), for a
// dependency the service works around meanwhile, as the outbox holds the
// events while NATS is away.
type Check struct {
	Name  string
	Probe func(ctx context.Context) error
	// Degraded: the service still serves while this dependency is down.
	Degraded bool
	// Detail, when set, says while the probe fails what the service does
	// meanwhile ("3 events held in the outbox"); "" adds nothing.
	Detail func(ctx context.Context) string
}

// Server is a service's HTTP server.
type Server struct {
	srv *http.Server
	ln  net.Listener
	log *slog.Logger
	// draining ends when Shutdown starts: long-lived responses
	// (StreamContext) end then, so that Shutdown need not wait for them.
	draining   context.Context
	startDrain context.CancelFunc
	// cut ends every request context when Shutdown gives up on the
	// requests still running; until then they run to completion.
	cut    context.Context
	cutAll context.CancelFunc
	// stopping is set by Stopping: /readyz answers 503 "stopping" while
	// the service still serves, so that load balancers stop sending it
	// requests before its listener closes.
	stopping atomic.Bool
}

// New wraps the service's routes with the platform middleware and adds
// /healthz (the process runs), /readyz (see readiness) and /metrics.
func New(addr string, routes http.Handler, tel *telemetry.Telemetry, checks []Check) (*Server, error) {
	s := &Server{log: tel.Logger}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte("ok\n"))
	})
	mux.HandleFunc("GET /readyz", readiness(checks, s.stopping.Load))
	mux.Handle("GET /metrics", tel.MetricsHandler())
	if routes != nil {
		mux.Handle("/", routes)
	}

	var h http.Handler = mux
	h = accessLog(tel.Logger, h)
	h = recoverer(tel.Logger, h)
	h = otelhttp.NewHandler(h, tel.Service,
		otelhttp.WithTracerProvider(tel.Tracer),
		otelhttp.WithPropagators(tel.Propagator),
		otelhttp.WithSpanNameFormatter(func(_ string, r *http.Request) string { return routePattern(r) }),
		otelhttp.WithFilter(func(r *http.Request) bool {
			return r.URL.Path != "/healthz" && r.URL.Path != "/readyz" && r.URL.Path != "/metrics"
		}),
	)
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", addr, err)
	}
	s.ln = ln
	s.draining, s.startDrain = context.WithCancel(context.Background())
	s.cut, s.cutAll = context.WithCancel(context.Background())
	base := context.WithValue(s.cut, drainingKey{}, s.draining)
	s.srv = &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(tel.Logger.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return base },
	}
	return s, nil
}

// Addr is the address the server listens on (useful with port 0).
func (s *Server) Addr() string { return s.ln.Addr().String() }

// Serve serves until Shutdown; it returns nil on a clean shutdown.
func (s *Server) Serve() error {
	if err := s.srv.Serve(s.ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("http serve: %w", err)
	}
	return nil
}

// Stopping starts the lame-duck period before Shutdown: /readyz answers
// 503 "stopping", every other route is served as before.
func (s *Server) Stopping() { s.stopping.Store(true) }

// Shutdown stops accepting requests, ends the long-lived responses
// (StreamContext) and waits for the requests in flight: their contexts are
// not cancelled, so a POST under way commits and answers. When ctx ends
// first, the requests still running are cut: their contexts are cancelled
// and their connections closed, and Shutdown reports it.
func (s *Server) Shutdown(ctx context.Context) error {
	s.startDrain()
	defer s.cutAll()
	if err := s.srv.Shutdown(ctx); err != nil {
		s.cutAll()
		_ = s.srv.Close()
		return fmt.Errorf("http shutdown, requests still running were cut: %w", err)
	}
	return nil
}

type drainingKey struct{}

// StreamContext is the context of a long-lived response, such as a
// server-sent event stream: the request's, also cancelled when the server
// starts shutting down. A stream that watches it ends at once, and the
// client reconnects to another replica, instead of holding the shutdown
// until its timeout. Ordinary handlers keep r.Context(), which shutdown
// leaves running.
func StreamContext(r *http.Request) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(r.Context())
	draining, ok := r.Context().Value(drainingKey{}).(context.Context)
	if !ok { // not served by Server (a test's recorder): only the request's
		return ctx, cancel
	}
	stop := context.AfterFunc(draining, cancel)
	return ctx, func() { stop(); cancel() }
}

// Readiness states, in /readyz's "status".
const (
	statusReady       = "ready"       // every dependency answers
	statusDegraded    = "degraded"    // serving, without a Degraded dependency
	statusUnavailable = "unavailable" // a required dependency is down: 503
	statusStopping    = "stopping"    // shutting down, still serving: 503
)

// readyState is /readyz's body.
type readyState struct {
	Status string                `json:"status"`
	Checks map[string]checkState `json:"checks"`
}

type checkState struct {
	OK       bool   `json:"ok"`
	Required bool   `json:"required"`
	Error    string `json:"error,omitempty"`
	Detail   string `json:"detail,omitempty"`
}

// readiness probes every dependency at once and answers 200 "ready" when
// all answer, 200 "degraded" when only Degraded ones fail, 503
// "unavailable" when a required one fails, with each check's state; 503
// "stopping", probing nothing, once the service is stopping.
func readiness(checks []Check, stopping func() bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if stopping() {
			w.Header().Set("Cache-Control", "no-store")
			WriteJSON(w, http.StatusServiceUnavailable, readyState{Status: statusStopping, Checks: map[string]checkState{}})
			return
		}
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		states := make([]checkState, len(checks))
		var wg sync.WaitGroup
		for i, c := range checks {
			wg.Go(func() { states[i] = probe(ctx, c) })
		}
		wg.Wait()
		body := readyState{Status: statusReady, Checks: make(map[string]checkState, len(checks))}
		for i, c := range checks {
			st := states[i]
			body.Checks[c.Name] = st
			switch {
			case st.OK:
			case st.Required:
				body.Status = statusUnavailable
			case body.Status == statusReady:
				body.Status = statusDegraded
			}
		}
		w.Header().Set("Cache-Control", "no-store")
		code := http.StatusOK
		if body.Status == statusUnavailable {
			code = http.StatusServiceUnavailable
		}
		WriteJSON(w, code, body)
	}
}

func probe(ctx context.Context, c Check) checkState {
	st := checkState{OK: true, Required: !c.Degraded}
	if err := c.Probe(ctx); err != nil {
		st.OK, st.Error = false, err.Error()
		if c.Detail != nil {
			st.Detail = c.Detail(ctx)
		}
	}
	return st
}

// routePattern names a request by its route ("POST /api/v1/x/{id}"), never
// by its raw path, which may hold ids.
func routePattern(r *http.Request) string {
	if r.Pattern == "" {
		return r.Method
	}
	if strings.HasPrefix(r.Pattern, "/") {
		return r.Method + " " + r.Pattern
	}
	return r.Pattern
}

// Document serves an API's OpenAPI document, to anyone: it describes the
// API and holds no data.
func Document(doc []byte) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "public, max-age=3600")
		_, _ = w.Write(doc)
	}
}
