package platform

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"strings"
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

// LoadConfig reads the configuration of the service named service (e.g.
// "creation-support") from the environment: each key is looked up as
// PREFIX_KEY (EnvPrefix: CREATION_SUPPORT_DATABASE_URL), then as the bare
// KEY.
func LoadConfig[T any](service string) (T, error) {
	var c T
	prefix := EnvPrefix(service)
	if err := envconfig.Process(prefix, &c); err != nil {
		return c, fmt.Errorf("read %s configuration: %w", prefix, err)
	}
	return c, nil
}

// EnvPrefix is the prefix of a service's own configuration keys: its name
// in upper case, with "_" for "-" ("creation-support": CREATION_SUPPORT),
// so that the name is written once and the prefix follows it.
func EnvPrefix(service string) string {
	return strings.ToUpper(strings.ReplaceAll(service, "-", "_"))
}
