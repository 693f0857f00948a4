// Command platformctl is the ops tool for the platform's event streams. It
// lists, shows, redrives and purges the events consumers gave up on (the
// DEADLETTER stream), and replays a stream into one service's consumers, to
// rebuild a projection:
//
//	platformctl deadletters list [--consumer S] [--subject PATTERN] [--reason TEXT] [--older-than D]
//	platformctl deadletters show SEQ
//	platformctl deadletters redrive SEQ... | --all | filters
//	platformctl deadletters purge SEQ... | --all | filters [--yes]
//	platformctl replay --stream NAME --consumer SERVICE (--from-seq N | --since TIME) [--to-seq N]
//
// Redrives and replays go through the REDRIVE stream, to the subject
// redrive.<service>.<the event's subject>, which only that service reads
// (pkg/platform): the event reaches the consumer of its subject with its
// own ce-id, so the service's inbox absorbs an event it had applied.
//
// It connects as its own NATS user (natsbus.OperatorUser), which may read
// streams message by message, delete dead letters and publish into
// REDRIVE, nothing else. Settings: PLATFORMCTL_NATS_URL (or NATS_URL),
// PLATFORMCTL_NATS_USER, PLATFORMCTL_NATS_PASSWORD or
// PLATFORMCTL_NATS_CREDS.
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
	err := run(ctx, os.Args[1:], os.Stdin, os.Stdout)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "platformctl:", err)
		os.Exit(1)
	}
}
