package natsembed

import (
	"errors"
	"fmt"
	"net"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats-server/v2/server"
)

// ClusterOptions configures a cluster of embedded servers, the shape
// production runs (deploy/k8s/nats: three nodes, R3 streams) on one
// machine, for tests of what happens when a node is lost.
type ClusterOptions struct {
	Name     string // cluster name, default "ccicma"
	Nodes    int    // default 3
	Host     string // default 127.0.0.1
	StoreDir string // each node stores under StoreDir/<node name>
	// Passwords maps each user (service names and AdminUser) to its
	// password, as for Start.
	Passwords map[string]string
	// Ready bounds the wait for the cluster to elect its JetStream meta
	// leader (default 60 s).
	Ready time.Duration
}

// Cluster is a running cluster of embedded servers. Its nodes keep their
// ports and store directories across Stop, Kill and Restart, as a pod of a
// StatefulSet keeps its name and volume.
type Cluster struct {
	opts  ClusterOptions
	nodes []*node
	// links[i][j] carries node i's route to node j (nil when i == j).
	links [][]*link
	mu    sync.Mutex
}

// node is one server of the cluster: its fixed name, ports and store, and
// the running server (nil while stopped).
type node struct {
	name       string
	clientPort int
	routePort  int
	storeDir   string
	srv        *server.Server
}

// StartCluster starts opts.Nodes servers routed to one another on
// loopback, with the platform's users and JetStream, and waits until they
// have elected their JetStream meta leader.
func StartCluster(opts ClusterOptions) (*Cluster, error) {
	opts = opts.withDefaults()
	c := &Cluster{opts: opts}
	if err := c.allocate(); err != nil {
		return nil, err
	}
	errs := make([]error, len(c.nodes))
	var wg sync.WaitGroup
	for i := range c.nodes {
		// Together: each waits for routes to the others before it is ready.
		wg.Go(func() { errs[i] = c.startNode(i) })
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		c.Shutdown()
		return nil, err
	}
	if err := c.waitMetaLeader(opts.Ready); err != nil {
		c.Shutdown()
		return nil, err
	}
	return c, nil
}

func (o ClusterOptions) withDefaults() ClusterOptions {
	if o.Name == "" {
		o.Name = "ccicma"
	}
	if o.Nodes == 0 {
		o.Nodes = 3
	}
	if o.Host == "" {
		o.Host = "127.0.0.1"
	}
	if o.Ready == 0 {
		o.Ready = 60 * time.Second
	}
	return o
}

// allocate picks each node's ports and the links' addresses once, so that
// a restarted node comes back where its peers and clients expect it.
func (c *Cluster) allocate() error {
	n := c.opts.Nodes
	ports, err := freePorts(c.opts.Host, 2*n+n*(n-1))
	if err != nil {
		return err
	}
	for i := range n {
		name := c.opts.Name + "-" + strconv.Itoa(i)
		c.nodes = append(c.nodes, &node{name: name, clientPort: ports[2*i], routePort: ports[2*i+1],
			storeDir: filepath.Join(c.opts.StoreDir, name)})
	}
	next := 2 * n
	c.links = make([][]*link, n)
	for i := range n {
		c.links[i] = make([]*link, n)
		for j := range n {
			if i != j {
				c.links[i][j] = newLink(c.hostPort(ports[next]), c.hostPort(c.nodes[j].routePort))
				next++
			}
		}
	}
	return nil
}

// freePorts reserves n distinct ports by listening on them all at once,
// then releases them for the servers and links to take.
func freePorts(host string, n int) ([]int, error) {
	var ports []int
	var lns []net.Listener
	defer func() {
		for _, ln := range lns {
			_ = ln.Close()
		}
	}()
	for range n {
		ln, err := net.Listen("tcp", net.JoinHostPort(host, "0"))
		if err != nil {
			return nil, fmt.Errorf("reserve a port: %w", err)
		}
		lns = append(lns, ln)
		ports = append(ports, ln.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

func (c *Cluster) hostPort(port int) string {
	return net.JoinHostPort(c.opts.Host, strconv.Itoa(port))
}

// startNode opens node i's links to and from its peers and starts its
// server on its store directory.
func (c *Cluster) startNode(i int) error {
	users, err := Users(c.opts.Passwords)
	if err != nil {
		return err
	}
	c.setLinks(i, (*link).open)
	n := c.nodes[i]
	ns, err := server.NewServer(c.serverOptions(i, users))
	if err != nil {
		return fmt.Errorf("configure %s: %w", n.name, err)
	}
	ns.Start()
	if !ns.ReadyForConnections(c.opts.Ready) {
		ns.Shutdown()
		return fmt.Errorf("%s not ready after %s", n.name, c.opts.Ready)
	}
	c.mu.Lock()
	n.srv = ns
	c.mu.Unlock()
	return nil
}

// serverOptions are node i's: its routes go through the links to each
// peer, and its advertised route address leads nowhere, so that no node
// gossips a direct route around the links.
func (c *Cluster) serverOptions(i int, users []*server.User) *server.Options {
	n := c.nodes[i]
	var routes []string
	for j, l := range c.links[i] {
		if j != i {
			routes = append(routes, "nats://"+l.addr)
		}
	}
	return &server.Options{
		ServerName: n.name,
		Host:       c.opts.Host,
		Port:       n.clientPort,
		JetStream:  true,
		StoreDir:   n.storeDir,
		NoSigs:     true,
		NoLog:      true,
		Users:      users,
		Cluster: server.ClusterOpts{
			Name:      c.opts.Name,
			Host:      c.opts.Host,
			Port:      n.routePort,
			Advertise: c.hostPort(1), // nothing listens on port 1
			PoolSize:  -1,            // one connection per route: all through the links
		},
		Routes: server.RoutesFromStr(strings.Join(routes, ",")),
	}
}

// setLinks applies f to the links between node i and every peer, both
// ways. A link to a peer that is down forwards nothing: its dial fails.
func (c *Cluster) setLinks(i int, f func(*link) error) {
	for j := range c.nodes {
		if j == i {
			continue
		}
		_ = f(c.links[i][j])
		_ = f(c.links[j][i])
	}
}

// waitMetaLeader waits until one node leads the JetStream meta group and
// every running node is current with it: before that, creating a stream
// fails.
func (c *Cluster) waitMetaLeader(timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		if c.metaReady() {
			return nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	return fmt.Errorf("nats cluster %s: no JetStream meta leader after %s", c.opts.Name, timeout)
}

func (c *Cluster) metaReady() bool {
	leader := false
	for _, ns := range c.running() {
		if !ns.JetStreamIsCurrent() {
			return false
		}
		leader = leader || ns.JetStreamIsLeader()
	}
	return leader
}

// running returns the servers up now.
func (c *Cluster) running() map[int]*server.Server {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := map[int]*server.Server{}
	for i, n := range c.nodes {
		if n.srv != nil {
			out[i] = n.srv
		}
	}
	return out
}
