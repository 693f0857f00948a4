package natsbus

import (
	"context"
	"hash/fnv"
	"sync"

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
}

// startWorkers starts n workers; each hands process the messages it has at
// hand, up to batch at a time, without waiting for more.
func startWorkers(n, buffer, batch int, process func([]jetstream.Msg)) *workers {
	w := &workers{queues: make([]chan jetstream.Msg, n)}
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
			}
		})
	}
	return w
}

// dispatch queues a message to its aggregate's worker; it blocks when that
// worker is behind, which holds back the client's fetching.
func (w *workers) dispatch(msg jetstream.Msg) {
	h := fnv.New32a()
	_, _ = h.Write([]byte(msg.Headers().Get(events.HeaderSubject)))
	w.queues[uint64(h.Sum32())%uint64(len(w.queues))] <- msg
}

// closeAndWait lets the workers finish what is queued; false if ctx ended
// first.
func (w *workers) closeAndWait(ctx context.Context) bool {
	w.once.Do(func() {
		for _, q := range w.queues {
			close(q)
		}
	})
	done := make(chan struct{})
	go func() { w.wg.Wait(); close(done) }()
	select {
	case <-done:
		return true
	case <-ctx.Done():
		return false
	}
}
