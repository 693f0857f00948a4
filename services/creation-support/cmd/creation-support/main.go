// Command creation-support opens creation cases for submitted creation
// projects and assigns them to an advisor of the routed chamber.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/ccicma/platform/pkg/telemetry"

	"github.com/ccicma/platform/services/creation-support/service"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "creation-support:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context) error {
	cfg, err := service.LoadConfig()
	if err != nil {
		return err
	}
	svc, err := service.New(ctx, cfg, telemetry.Options{WithRuntimeMetrics: true})
	if err != nil {
		return err
	}
	return svc.Run(ctx)
}
