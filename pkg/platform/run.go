package platform

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/ccicma/platform/pkg/inbox"
	"github.com/ccicma/platform/pkg/natsbus"
	"github.com/ccicma/platform/pkg/outbox"
)

// Run starts the consumers, the relay, housekeeping and the HTTP server,
// waits for ctx to end (or the server to fail), then shuts down in order,
// within SHUTDOWN_TIMEOUT, after a lame-duck period of LAME_DUCK during
// which everything runs on while /readyz answers 503 "stopping":
//  1. stop taking work, and finish the work under way: the HTTP server
//     takes no new request, ends its event streams and lets the requests in
//     flight finish (their contexts are not cancelled); meanwhile the
//     consumers stop fetching and finish the events they hold;
//  2. once no writer is left, the relay flushes the last outbox rows;
//  3. telemetry is flushed, NATS and the pool are closed.
func (rt *Runtime) Run(ctx context.Context) error {
	if rt.server == nil {
		return errors.New("platform: Listen before Run")
	}
	var subs []*natsbus.Subscription
	for _, c := range rt.consumersToRun() {
		sub, err := rt.Bus.Consume(ctx, c.spec, c.h)
		if err != nil {
			rt.stop(subs)
			rt.close(context.WithoutCancel(ctx))
			if ctx.Err() != nil && errors.Is(err, ctx.Err()) {
				// Asked to stop while starting: nothing was taken in
				// charge yet, so stopping here is a clean shutdown.
				rt.Log.Info("service stopped while starting")
				return nil
			}
			return err
		}
		subs = append(subs, sub)
	}
	relayCtx, stopRelay := context.WithCancel(context.WithoutCancel(ctx))
	relayDone := make(chan error, 1)
	go func() { relayDone <- rt.Relay.Run(relayCtx, rt.cfg.ShutdownTimeout/2) }()
	hkCtx, stopHK := context.WithCancel(ctx)
	rt.Every("housekeeping", rt.cfg.HousekeepEvery, rt.housekeep)
	var jobs sync.WaitGroup
	for _, j := range rt.jobs {
		jobs.Go(func() { rt.runJob(hkCtx, j) })
	}
	serveErr := make(chan error, 1)
	go func() { serveErr <- rt.server.Serve() }()
	rt.Log.Info("service started", "http", rt.server.Addr(), "consumers", len(subs))

	var err error
	select {
	case <-ctx.Done():
		err = rt.lameDuck(serveErr)
	case err = <-serveErr:
	}
	stopHK()
	jobs.Wait()
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), rt.cfg.ShutdownTimeout)
	defer cancel()
	var errs []error
	var wg sync.WaitGroup
	wg.Go(func() {
		if e := rt.server.Shutdown(sctx); e != nil {
			errs = append(errs, e)
		}
	})
	stopErrs := rt.stop(subs)
	wg.Wait()
	errs = append(errs, stopErrs...)
	stopRelay()
	if e := <-relayDone; e != nil {
		errs = append(errs, fmt.Errorf("final relay flush: %w", e))
	}
	errs = append(errs, rt.close(sctx)...)
	rt.Log.Info("service stopped")
	return errors.Join(append([]error{err}, errs...)...)
}

// lameDuck serves on for LAME_DUCK while readiness says the service is
// stopping, so that no load balancer sends a request to a closed
// listener; a server that fails meanwhile ends it, with its error.
func (rt *Runtime) lameDuck(serveErr <-chan error) error {
	if rt.cfg.LameDuck <= 0 {
		return nil
	}
	rt.server.Stopping()
	rt.Log.Info("stopping: readiness says so, serving on meanwhile", "lame_duck", rt.cfg.LameDuck)
	select {
	case <-time.After(rt.cfg.LameDuck):
		return nil
	case err := <-serveErr:
		return err
	}
}

func (rt *Runtime) stop(subs []*natsbus.Subscription) []error {
	ctx, cancel := context.WithTimeout(context.Background(), rt.cfg.ShutdownTimeout/2)
	defer cancel()
	var mu sync.Mutex
	var errs []error
	var wg sync.WaitGroup
	for _, s := range subs {
		wg.Go(func() {
			if err := s.Stop(ctx); err != nil {
				mu.Lock()
				errs = append(errs, err)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	return errs
}

// close releases telemetry, NATS and Postgres, in that order.
func (rt *Runtime) close(ctx context.Context) []error {
	var errs []error
	if rt.Tel != nil {
		if err := rt.Tel.Shutdown(ctx); err != nil {
			errs = append(errs, err)
		}
	}
	if rt.Bus != nil {
		rt.Bus.Close()
	}
	if rt.Pool != nil {
		rt.Pool.Close()
	}
	return errs
}

// runJob runs a periodic task until ctx ends.
func (rt *Runtime) runJob(ctx context.Context, j job) {
	t := time.NewTicker(j.every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if err := j.run(ctx); err != nil && ctx.Err() == nil {
			rt.Log.Warn("periodic task failed", "task", j.name, "err", err)
		}
	}
}

// housekeep prunes sent outbox rows and old inbox rows.
func (rt *Runtime) housekeep(ctx context.Context) error {
	if n, err := outbox.Prune(ctx, rt.Pool, rt.cfg.OutboxRetention); err != nil {
		return err
	} else if n > 0 {
		rt.Log.Info("pruned outbox", "rows", n)
	}
	if n, err := inbox.Prune(ctx, rt.Pool, rt.cfg.InboxRetention); err != nil {
		return err
	} else if n > 0 {
		rt.Log.Info("pruned inbox", "rows", n)
	}
	return nil
}
