// Command intake is the platform's front door: it validates and routes the
// requests entrepreneurs submit and announces them to the other services.
package main

import (
	"context"

	"github.com/ccicma/platform/pkg/platform"
	"github.com/ccicma/platform/pkg/telemetry"

	"github.com/ccicma/platform/services/intake/service"
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
