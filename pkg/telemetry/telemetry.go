// Package telemetry sets up what ops watch: OpenTelemetry tracing (OTLP
// export when OTEL_EXPORTER_OTLP_ENDPOINT is set), the W3C trace context
// carried across HTTP, outbox rows and NATS headers, structured logs that
// carry trace ids, and Prometheus metrics served on /metrics.
//
// Nothing here is global: every service builds its own Telemetry, so several
// services can share one process (devstack) and still report as themselves.
package telemetry

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	semconv "go.opentelemetry.io/otel/semconv/v1.26.0"
	"go.opentelemetry.io/otel/trace"
)

// Telemetry bundles one service's tracer provider, propagator, logger and
// metrics registry.
type Telemetry struct {
	Service    string
	Tracer     trace.TracerProvider
	Propagator propagation.TextMapPropagator
	Logger     *slog.Logger
	Registry   *prometheus.Registry
	Metrics    *Metrics

	shutdown func(context.Context) error
}

// Options tunes New. The zero value exports over OTLP/HTTP when the
// standard OTEL_EXPORTER_OTLP_* variables ask for it and logs JSON to stderr.
type Options struct {
	// Exporter, when set, receives spans instead of the OTLP exporter
	// (tests pass an in-memory recorder).
	Exporter sdktrace.SpanExporter
	// SpanProcessor, when set, is registered as is (tests use a
	// tracetest.SpanRecorder for synchronous inspection).
	SpanProcessor sdktrace.SpanProcessor
	// Logger is the base logger; the service name is added to it.
	Logger *slog.Logger
	// WithRuntimeMetrics adds Go and process collectors; only one service in
	// a process should ask for them.
	WithRuntimeMetrics bool
}

// New builds the telemetry of one service.
func New(ctx context.Context, service string, opts Options) (*Telemetry, error) {
	// Schemaless: resource.Default() carries the SDK's own semconv schema,
	// and merging two different schema URLs fails.
	res, err := resource.Merge(resource.Default(), resource.NewSchemaless(
		semconv.ServiceName(service), semconv.ServiceNamespace("ccicma")))
	if err != nil {
		return nil, fmt.Errorf("telemetry resource: %w", err)
	}
	tpOpts := []sdktrace.TracerProviderOption{sdktrace.WithResource(res)}
	exp := opts.Exporter
	if exp == nil && otlpConfigured() {
		// otlptracehttp reads OTEL_EXPORTER_OTLP_ENDPOINT, _HEADERS, _TIMEOUT...
		if exp, err = otlptracehttp.New(ctx); err != nil {
			return nil, fmt.Errorf("otlp exporter: %w", err)
		}
	}
	if exp != nil {
		tpOpts = append(tpOpts, sdktrace.WithBatcher(exp))
	}
	if opts.SpanProcessor != nil {
		tpOpts = append(tpOpts, sdktrace.WithSpanProcessor(opts.SpanProcessor))
	}
	tp := sdktrace.NewTracerProvider(tpOpts...)

	base := opts.Logger
	if base == nil {
		base = slog.New(slog.NewJSONHandler(os.Stderr, nil))
	}
	logger := slog.New(traceHandler{base.Handler()}).With("service", service)

	reg := prometheus.NewRegistry()
	if opts.WithRuntimeMetrics {
		reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	}
	m, err := newMetrics(reg)
	if err != nil {
		return nil, err
	}
	return &Telemetry{
		Service:    service,
		Tracer:     tp,
		Propagator: propagation.TraceContext{},
		Logger:     logger,
		Registry:   reg,
		Metrics:    m,
		shutdown:   tp.Shutdown,
	}, nil
}

func otlpConfigured() bool {
	return os.Getenv("OTEL_EXPORTER_OTLP_ENDPOINT") != "" || os.Getenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") != ""
}

// Shutdown flushes pending spans.
func (t *Telemetry) Shutdown(ctx context.Context) error {
	if t.shutdown == nil {
		return nil
	}
	if err := t.shutdown(ctx); err != nil && !errors.Is(err, context.Canceled) {
		return fmt.Errorf("flush traces: %w", err)
	}
	return nil
}
