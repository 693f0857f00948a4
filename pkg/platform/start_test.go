package platform_test

import (
	"io"
	"log/slog"
	"strings"
	"testing"
	"testing/fstest"

	"go.opentelemetry.io/otel/sdk/trace/tracetest"

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
