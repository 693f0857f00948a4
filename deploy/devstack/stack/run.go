package stack

import (
	"context"
	"errors"
	"fmt"
	"sync"
)

// runGroup is what Run serves: the services running, each under its own
// context so that one can be stopped alone.
type runGroup struct {
	ctx     context.Context
	fail    context.CancelFunc // stops every service
	wg      sync.WaitGroup
	serving map[string]*serving
	errs    []error // of services that failed on their own
}

// serving is one service's Run in progress.
type serving struct {
	stop    context.CancelFunc
	done    chan struct{}
	stopped bool  // by StopService: its error is StopService's, not Run's
	err     error // Run's, once done is closed
}

// Run serves every service until ctx ends and returns once all have shut
// down. A service that fails stops the others; one stopped by StopService
// does not.
func (st *Stack) Run(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	g := &runGroup{ctx: ctx, fail: cancel, serving: map[string]*serving{}}
	st.mu.Lock()
	if st.run != nil {
		st.mu.Unlock()
		return errors.New("stack already running")
	}
	st.run = g
	for _, name := range st.order {
		st.serve(g, name)
	}
	st.mu.Unlock()

	<-ctx.Done()
	// No service starts once run is nil, so nothing is added to wg
	// while it is waited for.
	st.mu.Lock()
	st.run = nil
	st.mu.Unlock()
	g.wg.Wait()
	st.mu.Lock()
	defer st.mu.Unlock()
	return errors.Join(g.errs...)
}

// serve runs a service in g; st.mu is held.
func (st *Stack) serve(g *runGroup, name string) {
	ctx, stop := context.WithCancel(g.ctx)
	s := &serving{stop: stop, done: make(chan struct{})}
	g.serving[name] = s
	svc := st.services[name]
	g.wg.Go(func() {
		defer close(s.done)
		err := svc.Run(ctx)
		st.mu.Lock()
		defer st.mu.Unlock()
		s.err = err
		if err != nil && !s.stopped {
			g.errs = append(g.errs, fmt.Errorf("%s: %w", name, err))
			g.fail()
		}
	})
}

// StopService shuts one service down while the others keep running, as a
// stopped process of that service would, and returns once it has (or ctx
// ends). It returns the service's shutdown error.
func (st *Stack) StopService(ctx context.Context, name string) error {
	st.mu.Lock()
	if st.run == nil {
		st.mu.Unlock()
		return errors.New("stack not running")
	}
	s, ok := st.run.serving[name]
	if !ok || s.stopped {
		st.mu.Unlock()
		return fmt.Errorf("%s is not running", name)
	}
	s.stopped = true
	s.stop()
	st.mu.Unlock()
	select {
	case <-s.done:
	case <-ctx.Done():
		return fmt.Errorf("stop %s: %w", name, ctx.Err())
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	return s.err
}

// StartService starts a service stopped by StopService again, on the
// address it had, with a new runtime (pools, NATS connection, consumers),
// as a restarted process would. It fails if a dependency (Postgres, NATS)
// does not answer, like a process that cannot start.
func (st *Stack) StartService(ctx context.Context, name string) error {
	st.mu.Lock()
	if st.run == nil {
		st.mu.Unlock()
		return errors.New("stack not running")
	}
	if s, ok := st.run.serving[name]; !ok || !s.stopped {
		st.mu.Unlock()
		return fmt.Errorf("%s is running or unknown", name)
	}
	addr := st.addrs[name]
	st.mu.Unlock()

	svc, err := st.startOne(ctx, name, addr)
	if err != nil {
		return fmt.Errorf("start %s: %w", name, err)
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.run == nil {
		// Run ended meanwhile: release what New opened.
		ended, cancel := context.WithCancel(context.Background())
		cancel()
		return errors.Join(errors.New("stack stopped"), svc.Run(ended))
	}
	st.services[name] = svc
	st.serve(st.run, name)
	return nil
}
