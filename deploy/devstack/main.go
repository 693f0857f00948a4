// Command devstack runs the whole platform on one machine: an embedded
// nats-server with JetStream (unless NATS_URL is set), the Postgres of
// DATABASE_URL (the local one by default, which ensure-deps.sh installs and
// starts), every service in one process with its own role, schema and NATS
// user, and the demo advisors. `make run` runs ensure-deps.sh, then it.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "devstack:", err)
		os.Exit(1)
	}
}
