// Command advisor-desk owns the advisor directory and notifies advisors of
// the cases and alerts that concern them.
package main

import (
	"context"

	"github.com/ccicma/platform/pkg/platform"
	"github.com/ccicma/platform/pkg/telemetry"

	"github.com/ccicma/platform/services/advisor-desk/service"
)

func main() { platform.Main(service.Name, run) }

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
