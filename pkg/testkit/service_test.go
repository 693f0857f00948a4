package testkit_test

import (
	"context"
	"testing"
	"time"

	"github.com/ccicma/platform/pkg/events"
	"github.com/ccicma/platform/pkg/testkit"
)

// TestBusPublishesAsTheService: the bus publishes into the stream its
// service owns, which it ensured.
func TestBusPublishesAsTheService(t *testing.T) {
	n := testkit.StartNATS(t)
	bus := n.Bus(t, "advisor-desk")
	ev, err := events.New("advisor-desk", "cci-1", "91", events.AdvisorUpdated{AdvisorID: "cci-1", Revision: 1, Chamber: "CCI",
		UpdatedAt: time.Now()}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	ctx := testkit.Context(t)
	if err := bus.Publish(ctx, ev); err != nil {
		t.Fatalf("publish as advisor-desk: %v", err)
	}
	_, js := n.Admin(t)
	s, err := js.Stream(ctx, events.StreamAdvisor.Name)
	if err != nil {
		t.Fatal(err)
	}
	if info, err := s.Info(ctx); err != nil || info.State.Msgs != 1 {
		t.Fatalf("advisor stream: %v, %v; want 1 message", info, err)
	}
}

// TestRunStopsTheServiceWhenTheTestEnds: the cleanup cancels the
// service's context and waits for Run to return.
func TestRunStopsTheServiceWhenTheTestEnds(t *testing.T) {
	stopped := make(chan struct{})
	t.Run("service", func(t *testing.T) {
		testkit.Run(t, testkit.Context(t), func(ctx context.Context) error {
			<-ctx.Done()
			close(stopped)
			return nil
		})
	})
	select {
	case <-stopped:
	default:
		t.Fatal("the service still runs after its test ended")
	}
}
