package stack_test

import (
	"context"
	"encoding/hex"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	coltrace "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	"google.golang.org/protobuf/proto"

	"github.com/ccicma/platform/pkg/platform"
	"github.com/ccicma/platform/pkg/testkit"

	"github.com/ccicma/platform/deploy/devstack/stack"
)

// collector is a minimal OTLP/HTTP trace receiver: it decodes what the
// services' real exporters send.
type collector struct {
	mu    sync.Mutex
	spans map[string][]string // trace id -> "service: span name"
}

func (c *collector) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/v1/traces" {
		http.NotFound(w, r)
		return
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	var req coltrace.ExportTraceServiceRequest
	if err := proto.Unmarshal(body, &req); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, rs := range req.ResourceSpans {
		service := ""
		for _, kv := range rs.Resource.Attributes {
			if kv.Key == "service.name" {
				service = kv.Value.GetStringValue()
			}
		}
		for _, ss := range rs.ScopeSpans {
			for _, s := range ss.Spans {
				id := hex.EncodeToString(s.TraceId)
				c.spans[id] = append(c.spans[id], service+": "+s.Name)
			}
		}
	}
	w.Header().Set("Content-Type", "application/x-protobuf")
	_, _ = w.Write(nil)
}

// TestTraceExportedOverOTLP runs the stack with OTEL_EXPORTER_OTLP_ENDPOINT
// pointing at a receiver: one trace arrives holding the HTTP request, the
// relay's publish and both consumers' handling, from three services.
func TestTraceExportedOverOTLP(t *testing.T) {
	col := &collector{spans: map[string][]string{}}
	srv := httptest.NewServer(col)
	defer srv.Close()
	t.Setenv("OTEL_EXPORTER_OTLP_ENDPOINT", srv.URL)
	t.Setenv("OTEL_BSP_SCHEDULE_DELAY", "100")

	adminURL := testkit.Database(t)
	nats := testkit.StartNATS(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	st, err := stack.Start(ctx, stack.Options{
		AdminDatabaseURL: adminURL,
		RolePassword:     func(role string) string { return "test-" + role },
		NATS:             nats.Config,
		Host:             "127.0.0.1",
		Logger:           slog.New(slog.NewTextHandler(io.Discard, nil)),
		Tune:             func(c *platform.Config) { c.ShutdownTimeout = 5 * time.Second },
	})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- st.Run(ctx) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("stack shutdown: %v", err)
		}
	}()

	testkit.AdminDB(t, adminURL).WaitCount(t, "advisor directory projected", 4, `SELECT count(*) FROM creation_support.advisors`)
	if code, out := post(t, st.URL("intake")+"/api/v1/creation-requests", bakery, ""); code != http.StatusAccepted {
		t.Fatalf("POST answered %d: %v", code, out)
	}
	want := []string{
		"intake: POST /api/v1/creation-requests",
		"intake: send intake.creation.submitted.91",
		"creation-support: process intake.creation.submitted.91",
		"creation-support: send creation.case.opened.91",
		"advisor-desk: process creation.case.opened.91",
	}
	testkit.Eventually(t, 15*time.Second, "one exported trace with the whole journey", func() (bool, error) {
		col.mu.Lock()
		defer col.mu.Unlock()
		for _, names := range col.spans {
			if containsAll(names, want) {
				return true, nil
			}
		}
		return false, nil
	})
}

func containsAll(have, want []string) bool {
	set := map[string]bool{}
	for _, h := range have {
		set[h] = true
	}
	for _, w := range want {
		if !set[w] {
			return false
		}
	}
	return true
}
