package natsbus

import (
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// holder keeps the messages a consumer has received and not yet settled,
// and tells the server they are in progress (which restarts their AckWait)
// once they have been held for a third of AckWait. Without it, a batch
// slower than AckWait, a worker paused by an outage, or the messages queued
// behind them would be redelivered while still being worked on: each
// redelivery spends one of the event's MaxDeliver deliveries. An
// InProgress creates no delivery. Messages settled within a third of
// AckWait, the usual case, cost nothing.
type holder struct {
	mu      sync.Mutex
	held    map[jetstream.Msg]time.Time // when the server last heard of it
	after   time.Duration
	stop    chan struct{}
	stopped sync.Once
	done    chan struct{}
}

func newHolder(ackWait time.Duration) *holder {
	h := &holder{held: map[jetstream.Msg]time.Time{}, after: ackWait / 3, stop: make(chan struct{}), done: make(chan struct{})}
	go h.run(ackWait / 6)
	return h
}

func (h *holder) add(msg jetstream.Msg) {
	h.mu.Lock()
	h.held[msg] = time.Now()
	h.mu.Unlock()
}

func (h *holder) remove(msgs []jetstream.Msg) {
	h.mu.Lock()
	for _, m := range msgs {
		delete(h.held, m)
	}
	h.mu.Unlock()
}

// run checks every tick, so that a message gets its InProgress between a
// third and a half of AckWait after the last one.
func (h *holder) run(tick time.Duration) {
	defer close(h.done)
	t := time.NewTicker(max(tick, time.Millisecond))
	defer t.Stop()
	for {
		select {
		case <-h.stop:
			return
		case now := <-t.C:
			for _, m := range h.due(now) {
				// An error means a settled message (nothing to hold) or a
				// lost connection (the server will redeliver anyway).
				_ = m.InProgress()
			}
		}
	}
}

func (h *holder) due(now time.Time) []jetstream.Msg {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []jetstream.Msg
	for m, last := range h.held {
		if now.Sub(last) >= h.after {
			out = append(out, m)
			h.held[m] = now
		}
	}
	return out
}

// close stops the ticker; messages still held are left to their AckWait.
func (h *holder) close() {
	h.stopped.Do(func() { close(h.stop) })
	<-h.done
}
