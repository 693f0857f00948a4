package natsbus

import (
	"context"
	"errors"
	"math/rand/v2"
	"net"
	"syscall"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/ccicma/platform/pkg/events"
)

// IsOutage reports whether err says that NATS or the network did not
// answer, rather than that the event could not be handled: the consumer
// then pauses and retries the same work, spending none of the event's
// deliveries. Errors of other dependencies (Postgres) are classified by the
// ConsumerSpec's Outage function, so that this package needs no driver.
//
// A false positive would pause a consumer forever on a poison event, so
// only errors that cannot come from the event itself count: NATS
// connection states and timeouts, network errors, and deadlines (a
// handler's context has none, so a deadline is a dependency's timeout).
func IsOutage(err error) bool {
	if err == nil {
		return false
	}
	for _, target := range []error{
		context.DeadlineExceeded,
		nats.ErrTimeout, nats.ErrConnectionClosed, nats.ErrConnectionDraining,
		nats.ErrConnectionReconnecting, nats.ErrDisconnected, nats.ErrNoResponders,
		nats.ErrStaleConnection, jetstream.ErrNoStreamResponse,
		syscall.ECONNREFUSED, syscall.ECONNRESET, syscall.ECONNABORTED, syscall.EPIPE,
		syscall.EHOSTUNREACH, syscall.ENETUNREACH, syscall.ETIMEDOUT,
	} {
		if errors.Is(err, target) {
			return true
		}
	}
	var netErr net.Error
	return errors.As(err, &netErr)
}

// outage tells whether a handler's error is an outage: an error the
// handler marked permanent (or an undecodable event) never is, whatever
// it wraps.
func (c *consumer) outage(err error) bool {
	if err == nil || errors.Is(err, ErrPermanent) || errors.Is(err, events.ErrMalformed) {
		return false
	}
	return IsOutage(err) || (c.spec.Outage != nil && c.spec.Outage(err))
}

// Pause delays: short at first, so that a blip costs little, and capped, so
// that the consumer notices within seconds that a dependency is back.
const (
	pauseFirst = 250 * time.Millisecond
	pauseMax   = 10 * time.Second
)

// pause is one worker's wait for a dependency to answer again.
type pause struct {
	delay time.Duration
	cause error
}

// pauseWorker records that a worker waits for a dependency; the consumer
// logs and reports the first worker to pause, not each retry.
func (c *consumer) pauseWorker(cause error) *pause {
	c.pauseMu.Lock()
	defer c.pauseMu.Unlock()
	c.paused++
	c.bus.tel.Metrics.ConsumerPaused.WithLabelValues(c.bus.service, c.spec.Stream.Name).Inc()
	if c.paused == 1 {
		c.pausedSince = time.Now()
		c.bus.log.Warn("consumer paused: a dependency does not answer; events keep their deliveries",
			"consumer", c.bus.service, "stream", c.spec.Stream.Name, "err", cause)
	}
	return &pause{delay: pauseFirst, cause: cause}
}

// endPause records that a worker's pause is over: the dependency answered
// (resumed) or the consumer is stopping.
func (c *consumer) endPause(p *pause, resumed bool) {
	if p == nil {
		return
	}
	c.pauseMu.Lock()
	defer c.pauseMu.Unlock()
	c.paused--
	c.bus.tel.Metrics.ConsumerPaused.WithLabelValues(c.bus.service, c.spec.Stream.Name).Dec()
	if c.paused > 0 {
		return
	}
	if resumed {
		c.bus.log.Info("consumer resumed", "consumer", c.bus.service, "stream", c.spec.Stream.Name,
			"paused_for", time.Since(c.pausedSince).Round(time.Millisecond).String(), "cause", p.cause)
	} else {
		c.bus.log.Warn("consumer stopped while paused; its held events stay unacknowledged",
			"consumer", c.bus.service, "stream", c.spec.Stream.Name, "cause", p.cause)
	}
}

// wait sleeps for the pause's current delay, jittered so that replicas do
// not retry in step, and doubles it. It returns false when the consumer
// stops meanwhile.
func (p *pause) wait(stopping <-chan struct{}) bool {
	d := p.delay/2 + rand.N(p.delay/2+1) //nolint:gosec // G404: jitter, not a secret
	p.delay = min(2*p.delay, pauseMax)
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-stopping:
		return false
	case <-t.C:
		return true
	}
}
