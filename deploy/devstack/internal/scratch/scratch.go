// Package scratch gives the devstack's measuring commands (bench, soak)
// their throw-away resources: a fresh database on the server they are
// pointed at, and the passwords of an embedded NATS of their own, so that a
// developer's `make run` data is never touched.
package scratch

import (
	"context"
	"fmt"
	"net/url"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ccicma/platform/pkg/natsbus"
	"github.com/ccicma/platform/pkg/natsembed"
)

// Database creates an empty database named prefix_<time> on the server of
// adminURL (a superuser URL) and returns its URL and the function that
// drops it (sessions still open included).
func Database(ctx context.Context, adminURL, prefix string) (string, func(), error) {
	conn, err := pgx.Connect(ctx, adminURL)
	if err != nil {
		return "", nil, fmt.Errorf("connect to Postgres: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	name := fmt.Sprintf("%s_%d", prefix, time.Now().UnixNano())
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		return "", nil, fmt.Errorf("create database %s: %w", name, err)
	}
	u, err := url.Parse(adminURL)
	if err != nil {
		return "", nil, fmt.Errorf("parse database URL: %w", err)
	}
	u.Path = "/" + name
	return u.String(), func() {
		ctx := context.Background()
		c, err := pgx.Connect(ctx, adminURL)
		if err == nil {
			_, _ = c.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)")
			_ = c.Close(ctx)
		}
	}, nil
}

// NATSPasswords are the passwords of an embedded server's users (every
// service, platformctl and the admin), derived from prefix: the server
// lives only as long as the command, on loopback.
func NATSPasswords(prefix string) map[string]string {
	pw := map[string]string{natsembed.AdminUser: prefix + "-admin", natsbus.OperatorUser: prefix + "-" + natsbus.OperatorUser}
	for _, id := range natsbus.Platform() {
		pw[id.Service] = prefix + "-" + id.Service
	}
	return pw
}
