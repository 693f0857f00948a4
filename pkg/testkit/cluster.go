package testkit

import (
	"testing"

	"github.com/ccicma/platform/pkg/natsbus"
	"github.com/ccicma/platform/pkg/natsembed"
)

// NATSCluster is a cluster of three in-process nats-servers with the
// platform's users, the shape production runs (R3 streams). Its URL lists
// every node, as NATS_URL does for a cluster, so that services fail over.
type NATSCluster struct {
	*NATS
	Nodes *natsembed.Cluster // to stop, kill and restart nodes
}

// StartNATSCluster starts the cluster on temporary directories and stops
// it when the test ends.
func StartNATSCluster(t testing.TB) *NATSCluster {
	t.Helper()
	pw := map[string]string{natsembed.AdminUser: "admin-" + randomHex(6), natsbus.OperatorUser: "ctl-" + randomHex(6)}
	for _, id := range natsbus.Platform() {
		pw[id.Service] = id.Service + "-" + randomHex(6)
	}
	c, err := natsembed.StartCluster(natsembed.ClusterOptions{StoreDir: t.TempDir(), Passwords: pw})
	if err != nil {
		t.Fatalf("start nats cluster: %v", err)
	}
	t.Cleanup(c.Shutdown)
	return &NATSCluster{NATS: &NATS{URL: c.ClientURLs(), Passwords: pw}, Nodes: c}
}
