// Package natsembed runs a nats-server with JetStream inside the process,
// with one user per service holding exactly the permissions of its
// natsbus.Identity, plus an admin user for ops tools and tests. Devstack and
// testkit use it; production points services at an external server that
// deploy/nats configures with the same permissions.
package natsembed

import (
	"fmt"
	"time"

	"github.com/nats-io/nats-server/v2/server"

	"github.com/ccicma/platform/pkg/natsbus"
)

// AdminUser is the unrestricted user for ops tools and tests.
const AdminUser = "admin"

// Options configures the embedded server.
type Options struct {
	Host     string // default 127.0.0.1
	Port     int    // -1 picks a free port
	StoreDir string // JetStream file store
	// Passwords maps each user (service names, natsbus.OperatorUser and
	// AdminUser) to its password; platformctl and admin are optional.
	Passwords map[string]string
	// MonitorPort, when > 0, serves the NATS monitoring endpoints.
	MonitorPort int
}

// Start starts the server and waits until it accepts connections.
func Start(opts Options) (*server.Server, error) {
	if opts.Host == "" {
		opts.Host = "127.0.0.1"
	}
	users, err := Users(opts.Passwords)
	if err != nil {
		return nil, err
	}
	ns, err := server.NewServer(&server.Options{
		ServerName: "ccicma-embedded",
		Host:       opts.Host,
		Port:       opts.Port,
		HTTPHost:   opts.Host,
		HTTPPort:   opts.MonitorPort,
		JetStream:  true,
		StoreDir:   opts.StoreDir,
		NoSigs:     true,
		NoLog:      true,
		Users:      users,
	})
	if err != nil {
		return nil, fmt.Errorf("configure nats-server: %w", err)
	}
	ns.Start()
	if !ns.ReadyForConnections(10 * time.Second) {
		ns.Shutdown()
		return nil, fmt.Errorf("nats-server not ready after 10s")
	}
	return ns, nil
}

// Users builds the server's users: each platform service restricted to its
// identity's permissions, platformctl (natsbus.OperatorUser) with its own
// when it has a password, and the admin user unrestricted.
func Users(passwords map[string]string) ([]*server.User, error) {
	var users []*server.User
	for _, id := range natsbus.Platform() {
		pw, ok := passwords[id.Service]
		if !ok || pw == "" {
			return nil, fmt.Errorf("no nats password for %s", id.Service)
		}
		pub, sub := id.Permissions()
		users = append(users, &server.User{
			Username: id.Service,
			Password: pw,
			Permissions: &server.Permissions{
				Publish:   &server.SubjectPermission{Allow: pub},
				Subscribe: &server.SubjectPermission{Allow: sub},
			},
		})
	}
	if pw := passwords[natsbus.OperatorUser]; pw != "" {
		pub, sub := natsbus.OperatorPermissions()
		users = append(users, &server.User{
			Username: natsbus.OperatorUser,
			Password: pw,
			Permissions: &server.Permissions{
				Publish:   &server.SubjectPermission{Allow: pub},
				Subscribe: &server.SubjectPermission{Allow: sub},
			},
		})
	}
	if pw := passwords[AdminUser]; pw != "" {
		users = append(users, &server.User{Username: AdminUser, Password: pw})
	}
	return users, nil
}
