// Package live wakes the server-sent event streams of advisors when
// notifications are stored. It only signals: streams read the notifications
// themselves from Postgres from their last id, so a missed signal (another
// replica stored it) costs at most one poll interval, never a notification.
package live

import "sync"

// Hub fans wake-ups out to the streams open for each advisor.
type Hub struct {
	mu   sync.Mutex
	subs map[string]map[chan struct{}]struct{}
}

// NewHub returns an empty hub.
func NewHub() *Hub { return &Hub{subs: map[string]map[chan struct{}]struct{}{}} }

// Subscribe returns a channel signalled when the advisor has news, and the
// function that releases it.
func (h *Hub) Subscribe(advisorID string) (<-chan struct{}, func()) {
	ch := make(chan struct{}, 1)
	h.mu.Lock()
	if h.subs[advisorID] == nil {
		h.subs[advisorID] = map[chan struct{}]struct{}{}
	}
	h.subs[advisorID][ch] = struct{}{}
	h.mu.Unlock()
	return ch, func() {
		h.mu.Lock()
		delete(h.subs[advisorID], ch)
		if len(h.subs[advisorID]) == 0 {
			delete(h.subs, advisorID)
		}
		h.mu.Unlock()
	}
}

// Publish signals every stream of the advisors; it never blocks.
func (h *Hub) Publish(advisorIDs ...string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, id := range advisorIDs {
		for ch := range h.subs[id] {
			select {
			case ch <- struct{}{}:
			default:
			}
		}
	}
}
