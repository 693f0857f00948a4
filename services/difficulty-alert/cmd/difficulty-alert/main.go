// Command difficulty-alert runs the difficulty-alert service (difficulty signals, risk scores, alerts and prevention cases).
package main

import (
	"context"

	"github.com/ccicma/platform/pkg/platform"
	"github.com/ccicma/platform/pkg/telemetry"

	"github.com/ccicma/platform/services/difficulty-alert/service"
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
