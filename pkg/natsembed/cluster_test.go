package natsembed_test

import (
	"context"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/ccicma/platform/pkg/natsbus"
	"github.com/ccicma/platform/pkg/natsembed"
)

// TestClusterLosesAndRecoversAStreamLeader: an R3 stream keeps a leader
// when its leader crashes, and the node restarted on its store catches up
// with what was written meanwhile.
func TestClusterLosesAndRecoversAStreamLeader(t *testing.T) {
	c := startCluster(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	js := admin(t, c)
	if _, err := js.CreateStream(ctx, jetstream.StreamConfig{Name: "T", Subjects: []string{"t.>"}, Replicas: 3}); err != nil {
		t.Fatal(err)
	}
	publish(ctx, t, js, 10)
	leader, err := c.WaitStreamLeader("T", -1, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Kill(leader); err != nil {
		t.Fatal(err)
	}
	next, err := c.WaitStreamLeader("T", leader, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("leader %s lost, %s elected", c.Name(leader), c.Name(next))
	publish(ctx, t, js, 10)
	if err := c.Restart(leader); err != nil {
		t.Fatal(err)
	}
	waitCurrent(ctx, t, js, c.Name(leader), 20)
}

func startCluster(t *testing.T) *natsembed.Cluster {
	t.Helper()
	pw := map[string]string{natsembed.AdminUser: "admin-pw"}
	for _, id := range natsbus.Platform() {
		pw[id.Service] = id.Service + "-pw"
	}
	c, err := natsembed.StartCluster(natsembed.ClusterOptions{StoreDir: t.TempDir(), Passwords: pw})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Shutdown)
	return c
}

func admin(t *testing.T, c *natsembed.Cluster) jetstream.JetStream {
	t.Helper()
	nc, err := nats.Connect(c.ClientURLs(), nats.UserInfo(natsembed.AdminUser, "admin-pw"), nats.MaxReconnects(-1))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	return js
}

// publish publishes n messages, retrying each until the stream takes it
// (a client may be reconnecting to another node).
func publish(ctx context.Context, t *testing.T, js jetstream.JetStream, n int) {
	t.Helper()
	for range n {
		for {
			pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
			_, err := js.Publish(pctx, "t.x", []byte("x"))
			cancel()
			if err == nil {
				break
			}
			if ctx.Err() != nil {
				t.Fatalf("publish: %v", err)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
}

// waitCurrent waits until the stream holds want messages and its replica
// on node name is current.
func waitCurrent(ctx context.Context, t *testing.T, js jetstream.JetStream, name string, want uint64) {
	t.Helper()
	for {
		info, err := stream(ctx, js)
		if err == nil && info.State.Msgs == want && replicaCurrent(info, name) {
			return
		}
		select {
		case <-ctx.Done():
			t.Fatalf("replica on %s not current with %d messages: %+v, %v", name, want, info, err)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

func stream(ctx context.Context, js jetstream.JetStream) (*jetstream.StreamInfo, error) {
	s, err := js.Stream(ctx, "T")
	if err != nil {
		return nil, err
	}
	return s.Info(ctx)
}

func replicaCurrent(info *jetstream.StreamInfo, name string) bool {
	if info.Cluster == nil {
		return false
	}
	for _, r := range info.Cluster.Replicas {
		if r.Name == name && r.Current {
			return true
		}
	}
	return false
}
