// Command creation-support opens creation cases for submitted creation
// projects and assigns them to an advisor of the routed chamber.
package main

import (
	"context"

	"github.com/ccicma/platform/pkg/platform"
	"github.com/ccicma/platform/pkg/telemetry"

	"github.com/ccicma/platform/services/creation-support/service"
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
