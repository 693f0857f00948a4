// Command takeover-matching runs the takeover-matching service (seller offers, buyer searches and matches).
package main

import (
	"context"

	"github.com/ccicma/platform/pkg/platform"
	"github.com/ccicma/platform/pkg/telemetry"

	"github.com/ccicma/platform/services/takeover-matching/service"
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
