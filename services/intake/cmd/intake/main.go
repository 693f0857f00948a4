// Command intake is the platform's front door: it validates and routes the
// requests entrepreneurs submit and announces them to the other services.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/ccicma/platform/pkg/telemetry"

	"github.com/ccicma/platform/services/intake/service"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "intake:", err)
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
