package platform_test

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/ccicma/platform/pkg/events"
	"github.com/ccicma/platform/pkg/natsbus"
	"github.com/ccicma/platform/pkg/pgdb"
	"github.com/ccicma/platform/pkg/platform"
	"github.com/ccicma/platform/pkg/telemetry"
	"github.com/ccicma/platform/pkg/testkit"
)

// TestStartFailureClosesAndReports: a failing migration makes Start return
// the error, with what it had opened closed (it used to panic, closing a
// nil runtime).
func TestStartFailureClosesAndReports(t *testing.T) {
	ctx := testkit.Context(t)
	cfg := platform.Config{DB: testkit.ServiceDatabase(t, testkit.Database(t), "creation_support")}
	broken := pgdb.Migrations{Name: "broken", Dir: ".", FS: fstest.MapFS{"001_broken.sql": {Data: []byte("CREATE TABLE (;")}}}
	rt, err := platform.Start(ctx, cfg, platform.Spec{Service: "creation-support", Schema: "creation_support", Migrations: broken},
		telemetry.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), SpanProcessor: tracetest.NewSpanRecorder()})
	if err == nil || !strings.Contains(err.Error(), "broken") {
		t.Fatalf("Start = %v, %v; want the migration's error", rt, err)
	}
	if rt != nil {
		t.Fatalf("Start returned a runtime with its error: %+v", rt)
	}
}

// TestStopWhileStartingIsClean: a service asked to stop while its
// consumers are still being set up (a rolling deploy, a test that ends at
// once) stops without an error, and closes what it opened.
func TestStopWhileStartingIsClean(t *testing.T) {
	admin := testkit.Database(t)
	nats := testkit.StartNATS(t)
	cfg := platform.Config{DB: testkit.ServiceDatabase(t, admin, "intake"), NATS: nats.Config("intake"), HTTPAddr: "127.0.0.1:0",
		ShutdownTimeout: 5 * time.Second, StreamReplicas: 1, HousekeepEvery: time.Hour, OutboxPoll: time.Second}
	none := pgdb.Migrations{Name: "none", Dir: ".", FS: fstest.MapFS{"001_none.sql": {Data: []byte("SELECT 1;")}}}
	rt, err := platform.Start(testkit.Context(t), cfg, platform.Spec{Service: "intake", Schema: "intake", Migrations: none},
		telemetry.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	rt.Handle(natsbus.ConsumerSpec{Stream: events.StreamCreation, Filters: []string{"creation.case.opened.>"}},
		func(context.Context, events.Event) error { return nil })
	if err := rt.Listen(nil); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // the stop comes before the consumers are set up
	if err := rt.Run(ctx); err != nil {
		t.Fatalf("Run stopped while starting: %v, want a clean stop", err)
	}
}
