// Command devstack runs the whole platform on one machine: an embedded
// nats-server with JetStream (unless NATS_URL is set), the local Postgres
// (started if it is installed but down), every service in one process with
// its own role, schema and NATS user, and the demo advisors. `make run`
// starts it.
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
