package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/kelseyhightower/envconfig"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/ccicma/platform/pkg/natsbus"
)

// Config says how platformctl reaches NATS. The user's settings have no
// fallback to the bare NATS_USER and NATS_PASSWORD: inside a service's
// container those are the service's.
type Config struct {
	URL          string `envconfig:"NATS_URL" default:"nats://127.0.0.1:4222"`
	NatsUser     string `split_words:"true" default:"platformctl"`
	NatsPassword string `split_words:"true"`
	// NatsCreds is a credentials file (JWT and seed), instead of a password.
	NatsCreds string        `split_words:"true"`
	Timeout   time.Duration `default:"10s"`
}

const usage = `usage:
  platformctl deadletters list [--consumer S] [--subject PATTERN] [--reason TEXT] [--older-than D]
  platformctl deadletters show SEQ
  platformctl deadletters redrive SEQ... | --all | filters
  platformctl deadletters purge SEQ... | --all | filters [--yes]
  platformctl replay --stream NAME --consumer SERVICE (--from-seq N | --since RFC3339|DURATION) [--to-seq N]`

var errUsage = errors.New(usage)

// run runs one command: args without the program's name; stdin answers
// purge's confirmation.
func run(ctx context.Context, args []string, stdin io.Reader, stdout io.Writer) error {
	if len(args) == 0 {
		return errUsage
	}
	var cfg Config
	if err := envconfig.Process("platformctl", &cfg); err != nil {
		return fmt.Errorf("read configuration: %w", err)
	}
	cmd, rest := args[0], args[1:]
	if cmd == "deadletters" {
		if len(rest) == 0 {
			return errUsage
		}
		cmd, rest = "deadletters "+rest[0], rest[1:]
	}
	commands := map[string]func(*tool, context.Context, []string) error{
		"deadletters list":    (*tool).list,
		"deadletters show":    (*tool).show,
		"deadletters redrive": (*tool).redrive,
		"deadletters purge":   (*tool).purge,
		"replay":              (*tool).replay,
	}
	command, ok := commands[cmd]
	if !ok {
		return fmt.Errorf("unknown command %q\n%w", cmd, errUsage)
	}
	nc, err := connect(cfg)
	if err != nil {
		return err
	}
	defer nc.Close()
	js, err := jetstream.New(nc, jetstream.WithDefaultTimeout(cfg.Timeout))
	if err != nil {
		return fmt.Errorf("jetstream: %w", err)
	}
	out := &printer{w: stdout}
	if err := command(&tool{js: js, in: stdin, out: out, now: time.Now}, ctx, rest); err != nil {
		return err
	}
	return out.err
}

func connect(cfg Config) (*nats.Conn, error) {
	opts := []nats.Option{nats.Name("platformctl"), nats.CustomInboxPrefix(natsbus.OperatorInboxPrefix), nats.Timeout(cfg.Timeout)}
	switch {
	case cfg.NatsCreds != "":
		opts = append(opts, nats.UserCredentials(cfg.NatsCreds))
	case cfg.NatsPassword != "":
		opts = append(opts, nats.UserInfo(cfg.NatsUser, cfg.NatsPassword))
	}
	nc, err := nats.Connect(cfg.URL, opts...)
	if err != nil {
		return nil, fmt.Errorf("connect to nats as %q: %w", cfg.NatsUser, err)
	}
	return nc, nil
}

// tool is a connected platformctl.
type tool struct {
	js  jetstream.JetStream
	in  io.Reader
	out *printer
	now func() time.Time
}

// printer writes to the operator's terminal and keeps the first error,
// which run returns once the command is done.
type printer struct {
	w   io.Writer
	err error
}

func (p *printer) printf(format string, args ...any) {
	if p.err == nil {
		_, p.err = fmt.Fprintf(p.w, format, args...)
	}
}

// Write implements io.Writer.
func (p *printer) Write(b []byte) (int, error) {
	if p.err != nil {
		return 0, p.err
	}
	n, err := p.w.Write(b)
	p.err = err
	return n, err
}
