package natsembed

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/nats-io/nats-server/v2/server"
)

// ClientURLs is the comma-separated list of every node's client URL, the
// form NATS_URL takes for a cluster: a client then fails over to any node.
func (c *Cluster) ClientURLs() string {
	urls := make([]string, len(c.nodes))
	for i := range c.nodes {
		urls[i] = c.ClientURL(i)
	}
	return strings.Join(urls, ",")
}

// ClientURL is node i's client URL, the same whether it runs or not.
func (c *Cluster) ClientURL(i int) string {
	return "nats://" + c.hostPort(c.nodes[i].clientPort)
}

// Name is node i's server name (ServerName, as stream infos report peers).
func (c *Cluster) Name(i int) string { return c.nodes[i].name }

// Size is the number of nodes, running or not.
func (c *Cluster) Size() int { return len(c.nodes) }

// Server is node i's running server, nil while it is stopped.
func (c *Cluster) Server(i int) *server.Server {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.nodes[i].srv
}

// Stop shuts node i down as a planned stop does: the server first hands
// the leaderships it holds to caught-up peers through its routes, so no
// election has to wait for a timeout. Its clients are disconnected.
func (c *Cluster) Stop(i int) error {
	ns, err := c.take(i)
	if err != nil {
		return err
	}
	ns.Shutdown()
	ns.WaitForShutdown()
	c.setLinks(i, cut)
	return nil
}

// Kill loses node i as a crash does: its routes are cut before it can
// hand anything over, so its peers notice only by missing heartbeats and
// elect new leaders after their election timeout. The server is then shut
// down, which disconnects its clients as a dead process's would.
func (c *Cluster) Kill(i int) error {
	ns, err := c.take(i)
	if err != nil {
		return err
	}
	c.setLinks(i, cut)
	ns.Shutdown()
	ns.WaitForShutdown()
	return nil
}

func cut(l *link) error {
	l.cut()
	return nil
}

// take marks node i stopped and returns its server.
func (c *Cluster) take(i int) (*server.Server, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	ns := c.nodes[i].srv
	if ns == nil {
		return nil, fmt.Errorf("%s is not running", c.nodes[i].name)
	}
	c.nodes[i].srv = nil
	return ns, nil
}

// Restart starts a stopped node i again on its ports and store directory:
// it recovers its streams from disk and catches up from the leaders.
func (c *Cluster) Restart(i int) error {
	if c.Server(i) != nil {
		return fmt.Errorf("%s is running", c.nodes[i].name)
	}
	return c.startNode(i)
}

// ErrNoLeader reports a stream without a leader among the running nodes,
// as during an election.
var ErrNoLeader = errors.New("no stream leader")

// StreamLeader returns the node leading stream (in the global account,
// where the platform's users are), or ErrNoLeader.
func (c *Cluster) StreamLeader(stream string) (int, error) {
	for i, ns := range c.running() {
		if ns.JetStreamIsStreamLeader(ns.GlobalAccount().Name, stream) {
			return i, nil
		}
	}
	return -1, fmt.Errorf("%s: %w", stream, ErrNoLeader)
}

// WaitStreamLeader polls until stream has a leader other than node not
// (-1: any), and returns it; it is how long an election takes, seen from
// outside.
func (c *Cluster) WaitStreamLeader(stream string, not int, timeout time.Duration) (int, error) {
	deadline := time.Now().Add(timeout)
	for {
		i, err := c.StreamLeader(stream)
		if err == nil && i != not {
			return i, nil
		}
		if time.Now().After(deadline) {
			return -1, fmt.Errorf("%s: no new leader after %s: %w", stream, timeout, ErrNoLeader)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// Shutdown stops every running node.
func (c *Cluster) Shutdown() {
	for i := range c.nodes {
		if c.Server(i) != nil {
			_ = c.Stop(i)
		}
	}
	for i := range c.nodes {
		c.setLinks(i, cut)
	}
}
