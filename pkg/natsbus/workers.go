package natsbus

import (
	"context"
	"hash/fnv"
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/ccicma/platform/pkg/events"
)

// workers run a consumer's messages concurrently while keeping the order of
// each aggregate: a message goes to the worker its ce-subject hashes to.
// Concurrency lets Postgres group the commits of different aggregates
// instead of paying one commit round at a time.
type workers struct {
	queues []chan jetstream.Msg
	wg     sync.WaitGroup
	once   sync.Once
	held   *holder
	// stopping is closed when the consumer stops: a worker paused by an
	// outage gives up its retries at once.
	stopping chan struct{}
	stopOnce sync.Once
}

// startWorkers starts n workers; each hands process the messages it has at
// hand, up to batch at a time, without waiting for more. Messages are held
// (kept in progress) from their dispatch until process returns.
func startWorkers(n, buffer, batch int, ackWait time.Duration, process func([]jetstream.Msg)) *workers {
	w := &workers{queues: make([]chan jetstream.Msg, n), held: newHolder(ackWait), stopping: make(chan struct{})}
	for i := range w.queues {
		q := make(chan jetstream.Msg, max(1, buffer/n))
		w.queues[i] = q
		w.wg.Go(func() {
			msgs := make([]jetstream.Msg, 0, batch)
			for msg := range q {
				msgs = append(msgs[:0], msg)
			more:
				for len(msgs) < batch {
					select {
					case m, ok := <-q:
						if !ok {
							break more
						}
						msgs = append(msgs, m)
					default:
						break more
					}
				}
				process(msgs)
				w.held.remove(msgs)
			}
		})
	}
	return w
}

// dispatch queues a message to its aggregate's worker; it blocks when that
// worker is behind (or paused by an outage), which holds back the client's
// fetching: the client pulls no more than its PullMaxMessages until its
// callback returns.
func (w *workers) dispatch(msg jetstream.Msg) {
	w.held.add(msg)
	h := fnv.New32a()
	_, _ = h.Write([]byte(msg.Headers().Get(events.HeaderSubject)))
	w.queues[uint64(h.Sum32())%uint64(len(w.queues))] <- msg
}

// stop ends the pauses: paused workers release their messages, and what
// is still queued gets one attempt each, without pausing.
func (w *workers) stop() {
	w.stopOnce.Do(func() { close(w.stopping) })
}

// closeAndWait lets the workers finish what is queued; false if ctx ended
// first.
func (w *workers) closeAndWait(ctx context.Context) bool {
	w.stop()
	w.once.Do(func() {
		for _, q := range w.queues {
			close(q)
		}
	})
	done := make(chan struct{})
	go func() { w.wg.Wait(); w.held.close(); close(done) }()
	select {
	case <-done:
		return true
	case <-ctx.Done():
		return false
	}
}
