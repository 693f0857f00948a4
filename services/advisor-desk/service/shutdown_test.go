package service_test

import (
	"testing"
	"time"

	"github.com/ccicma/platform/pkg/testkit"
)

// TestStreamsEndAtShutdown: an open live stream ends as soon as the
// service starts shutting down, so the shutdown does not wait for it
// (the harness's SHUTDOWN_TIMEOUT, 5 s, is shorter than the wait here: a
// stream holding the server would make the stop fail).
func TestStreamsEndAtShutdown(t *testing.T) {
	t.Parallel()
	d, stop := newInfra(t).start(t)
	live := d.stream(t, "cci-91-002", "0")
	stopped := make(chan struct{})
	go func() { stop(); close(stopped) }()
	ended := time.After(testkit.Wait)
	for open := true; open; {
		select {
		case _, open = <-live:
		case <-ended:
			t.Fatalf("stream still open %s after the shutdown started", testkit.Wait)
		}
	}
	select {
	case <-stopped:
	case <-time.After(testkit.Wait):
		t.Fatalf("service not stopped %s after its stream ended", testkit.Wait)
	}
}
