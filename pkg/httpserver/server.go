// Package httpserver holds the HTTP plumbing every service shares: a server
// with graceful shutdown, /healthz and /readyz, /metrics, tracing and
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
	"time"

	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"

	"github.com/ccicma/platform/pkg/telemetry"
)

// Check is a readiness probe of one dependency.
type Check func(ctx context.Context) error

// Server is a service's HTTP server.
type Server struct {
	srv *http.Server
	ln  net.Listener
	log *slog.Logger
}

// New wraps the service's routes with the platform middleware and adds
// /healthz (the process runs), /readyz (every check passes) and /metrics.
func New(addr string, routes http.Handler, tel *telemetry.Telemetry, checks map[string]Check) (*Server, error) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte("ok\n"))
	})
	mux.HandleFunc("GET /readyz", readiness(checks))
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
	return &Server{
		ln:  ln,
		log: tel.Logger,
		srv: &http.Server{
			Handler:           h,
			ReadHeaderTimeout: 5 * time.Second,
			ReadTimeout:       30 * time.Second,
			IdleTimeout:       120 * time.Second,
			MaxHeaderBytes:    64 << 10,
			ErrorLog:          slog.NewLogLogger(tel.Logger.Handler(), slog.LevelWarn),
		},
	}, nil
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

// Shutdown stops accepting requests and waits for those in flight.
// Long-lived streams (server-sent events) end when their request context is
// cancelled by BaseContext's owner, so they do not hold shutdown.
func (s *Server) Shutdown(ctx context.Context) error {
	if err := s.srv.Shutdown(ctx); err != nil {
		_ = s.srv.Close()
		return fmt.Errorf("http shutdown: %w", err)
	}
	return nil
}

// SetBaseContext sets the parent of every request context; cancelling it
// ends long-lived responses such as event streams.
func (s *Server) SetBaseContext(ctx context.Context) {
	s.srv.BaseContext = func(net.Listener) context.Context { return ctx }
}

func readiness(checks map[string]Check) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		var failed []string
		for name, check := range checks {
			if err := check(ctx); err != nil {
				failed = append(failed, name+": "+err.Error())
			}
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		if len(failed) > 0 {
			w.WriteHeader(http.StatusServiceUnavailable)
			for _, f := range failed {
				_, _ = fmt.Fprintln(w, f)
			}
			return
		}
		_, _ = w.Write([]byte("ready\n"))
	}
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
