package platform

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/kelseyhightower/envconfig"
)

// Main is what a service's main calls: it runs run with a context that
// ends on SIGINT or SIGTERM (which starts the ordered shutdown), and exits
// with status 1 and the error if run fails.
func Main(name string, run func(ctx context.Context) error) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx)
	stop()
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", name, err)
		os.Exit(1)
	}
}

// LoadConfig reads a service's configuration from the environment: each
// key is looked up as PREFIX_KEY, then as the bare KEY.
func LoadConfig[T any](prefix string) (T, error) {
	var c T
	if err := envconfig.Process(prefix, &c); err != nil {
		return c, fmt.Errorf("read %s configuration: %w", prefix, err)
	}
	return c, nil
}
