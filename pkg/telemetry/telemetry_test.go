package telemetry_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"sort"
	"strings"
	"sync"
	"testing"

	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/ccicma/platform/pkg/telemetry"
)

// logBuffer is a concurrency-safe sink for a JSON slog handler.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// records decodes every JSON line logged so far.
func (b *logBuffer) records(t *testing.T) []map[string]any {
	t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(b.buf.String()), "\n") {
		if line == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("log line %q is not JSON: %v", line, err)
		}
		out = append(out, m)
	}
	return out
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// newTelemetry builds a service's telemetry whose logs go to a buffer
// (shown if the test fails) and whose spans go to rec.
func newTelemetry(t *testing.T, service string, rec *tracetest.SpanRecorder) (*telemetry.Telemetry, *logBuffer) {
	t.Helper()
	logs := &logBuffer{}
	opts := telemetry.Options{Logger: slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))}
	if rec != nil {
		opts.SpanProcessor = rec
	}
	tel, err := telemetry.New(context.Background(), service, opts)
	if err != nil {
		t.Fatalf("telemetry.New: %v", err)
	}
	t.Cleanup(func() {
		if err := tel.Shutdown(context.Background()); err != nil {
			t.Errorf("telemetry shutdown: %v", err)
		}
		if t.Failed() {
			t.Logf("%s logs:\n%s", service, logs)
		}
	})
	return tel, logs
}

func TestHeaderCarrierWritesLowercase(t *testing.T) {
	t.Parallel()
	tel, _ := newTelemetry(t, "intake", tracetest.NewSpanRecorder())
	ctx, span := tel.Tracer.Tracer("test").Start(context.Background(), "root")
	defer span.End()

	h := map[string][]string{"Traceparent": {"00-stale-stale-01"}, "ce-id": {"x"}}
	tel.Inject(ctx, h)

	if _, ok := h["Traceparent"]; ok {
		t.Errorf("canonical Traceparent key left in headers: %v", h)
	}
	got := h["traceparent"]
	if len(got) != 1 {
		t.Fatalf("traceparent = %v, want one value", got)
	}
	sc := span.SpanContext()
	if want := "00-" + sc.TraceID().String() + "-" + sc.SpanID().String() + "-01"; got[0] != want {
		t.Errorf("traceparent = %q, want %q", got[0], want)
	}
	if h["ce-id"][0] != "x" {
		t.Errorf("other headers changed: %v", h)
	}
	keys := telemetry.HeaderCarrier(h).Keys()
	sort.Strings(keys)
	if strings.Join(keys, ",") != "ce-id,traceparent" {
		t.Errorf("Keys() = %v", keys)
	}
}

func TestHeaderCarrierReadsEitherSpelling(t *testing.T) {
	t.Parallel()
	const (
		traceID = "4bf92f3577b34da6a3ce929d0e0e4736"
		spanID  = "00f067aa0ba902b7"
		tp      = "00-" + traceID + "-" + spanID + "-01"
	)
	tests := []struct {
		name    string
		headers map[string][]string
		valid   bool
	}{
		{"lowercase", map[string][]string{"traceparent": {tp}}, true},
		{"canonical", map[string][]string{"Traceparent": {tp}}, true},
		{"lowercase wins", map[string][]string{"traceparent": {tp}, "Traceparent": {"00-" + strings.Repeat("1", 32) + "-" + strings.Repeat("2", 16) + "-01"}}, true},
		{"absent", map[string][]string{"ce-id": {"x"}}, false},
		{"empty value list", map[string][]string{"traceparent": {}}, false},
	}
	tel, _ := newTelemetry(t, "intake", nil)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			sc := trace.SpanContextFromContext(tel.Extract(context.Background(), tc.headers))
			if sc.IsValid() != tc.valid {
				t.Fatalf("extracted span context valid = %v, want %v", sc.IsValid(), tc.valid)
			}
			if !tc.valid {
				return
			}
			if sc.TraceID().String() != traceID || sc.SpanID().String() != spanID || !sc.IsRemote() || !sc.IsSampled() {
				t.Errorf("extracted %v, want remote sampled %s/%s", sc, traceID, spanID)
			}
		})
	}
}

func TestLogsCarryTraceIDs(t *testing.T) {
	t.Parallel()
	tel, logs := newTelemetry(t, "creation-support", tracetest.NewSpanRecorder())
	ctx, span := tel.Tracer.Tracer("test").Start(context.Background(), "work")
	span.End()

	tel.Logger.InfoContext(ctx, "with span")
	tel.Logger.With("component", "relay").InfoContext(ctx, "derived logger with span")
	tel.Logger.InfoContext(context.Background(), "without span")
	tel.Logger.Info("no context")

	recs := logs.records(t)
	if len(recs) != 4 {
		t.Fatalf("got %d log records, want 4", len(recs))
	}
	sc := span.SpanContext()
	for _, r := range recs {
		if r["service"] != "creation-support" {
			t.Errorf("record %v lacks service=creation-support", r)
		}
		withSpan := strings.Contains(r["msg"].(string), "with span")
		if !withSpan {
			if _, ok := r["trace_id"]; ok {
				t.Errorf("record %q has a trace_id without a span", r["msg"])
			}
			continue
		}
		if r["trace_id"] != sc.TraceID().String() || r["span_id"] != sc.SpanID().String() {
			t.Errorf("record %q: trace_id=%v span_id=%v, want %s/%s", r["msg"], r["trace_id"], r["span_id"], sc.TraceID(), sc.SpanID())
		}
	}
	if recs[1]["component"] != "relay" {
		t.Errorf("derived logger lost its attributes: %v", recs[1])
	}
}

func TestMetricsAreServed(t *testing.T) {
	t.Parallel()
	tel, _ := newTelemetry(t, "intake", nil)
	tel.Metrics.OutboxPublished.Add(3)
	if err := tel.Metrics.GaugeFunc("outbox_backlog", "test", func() float64 { return 7 }); err != nil {
		t.Fatal(err)
	}
	if err := tel.Metrics.GaugeFunc("outbox_backlog", "twice", func() float64 { return 7 }); err == nil {
		t.Error("registering the same gauge twice succeeded")
	}
	mfs, err := tel.Registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]float64{}
	for _, mf := range mfs {
		for _, m := range mf.GetMetric() {
			switch {
			case m.GetCounter() != nil:
				got[mf.GetName()] = m.GetCounter().GetValue()
			case m.GetGauge() != nil:
				got[mf.GetName()] = m.GetGauge().GetValue()
			}
		}
	}
	if got["outbox_published_total"] != 3 || got["outbox_backlog"] != 7 {
		t.Errorf("gathered %v", got)
	}
}
