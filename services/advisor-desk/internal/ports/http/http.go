// Package http is advisor-desk's HTTP port: an advisor's notifications as
// JSON and as a live server-sent event stream.
package http

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/ccicma/platform/pkg/httpserver"

	"github.com/ccicma/platform/services/advisor-desk/internal/domain/directory"
	"github.com/ccicma/platform/services/advisor-desk/internal/domain/notification"
)

// Store is what the routes read.
type Store interface {
	Advisor(ctx context.Context, id string) (directory.Advisor, bool, error)
	List(ctx context.Context, advisorID string, after int64, limit int) ([]notification.Notification, error)
}

// Subscriber opens a wake-up channel for an advisor's stream.
type Subscriber interface {
	Subscribe(advisorID string) (<-chan struct{}, func())
}

// Routes serves the advisor API.
type Routes struct {
	Store Store
	Live  Subscriber
	Log   *slog.Logger
	// Poll is how often a stream re-reads without a wake-up, which covers
	// notifications stored by another replica.
	Poll time.Duration
	// Heartbeat keeps idle streams open through proxies.
	Heartbeat time.Duration
}

const maxLimit = 200

// Handler returns the mux.
func (rt Routes) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/v1/advisors/{id}/notifications", rt.list)
	mux.HandleFunc("GET /api/v1/advisors/{id}/notifications/stream", rt.stream)
	return mux
}

func (rt Routes) advisor(w http.ResponseWriter, r *http.Request) (string, bool) {
	id := r.PathValue("id")
	_, found, err := rt.Store.Advisor(r.Context(), id)
	if err != nil {
		rt.Log.ErrorContext(r.Context(), "load advisor", "err", err)
		httpserver.WriteProblem(w, r, httpserver.Problem{Status: http.StatusServiceUnavailable, Title: "Service momentanément indisponible"})
		return "", false
	}
	if !found {
		httpserver.WriteProblem(w, r, httpserver.Problem{Status: http.StatusNotFound, Title: "Conseiller inconnu"})
		return "", false
	}
	return id, true
}

func (rt Routes) list(w http.ResponseWriter, r *http.Request) {
	after, limit, bad := pageParams(r)
	if bad != nil {
		httpserver.WriteProblem(w, r, *bad)
		return
	}
	id, ok := rt.advisor(w, r)
	if !ok {
		return
	}
	ns, err := rt.Store.List(r.Context(), id, after, limit)
	if err != nil {
		rt.Log.ErrorContext(r.Context(), "list notifications", "err", err)
		httpserver.WriteProblem(w, r, httpserver.Problem{Status: http.StatusServiceUnavailable, Title: "Service momentanément indisponible"})
		return
	}
	if ns == nil {
		ns = []notification.Notification{}
	}
	next := after
	if len(ns) > 0 {
		next = ns[len(ns)-1].ID
	}
	httpserver.WriteJSON(w, http.StatusOK, map[string]any{"notifications": ns, "next_after": next})
}

func pageParams(r *http.Request) (after int64, limit int, bad *httpserver.Problem) {
	var errs []httpserver.FieldError
	limit = 50
	if v := r.URL.Query().Get("after"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			errs = append(errs, httpserver.FieldError{Field: "after", Code: "invalid", Message: "Entier positif attendu."})
		}
		after = n
	}
	if v := r.URL.Query().Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxLimit {
			errs = append(errs, httpserver.FieldError{Field: "limit", Code: "invalid", Message: fmt.Sprintf("Entier entre 1 et %d attendu.", maxLimit)})
		}
		limit = n
	}
	if len(errs) > 0 {
		return 0, 0, &httpserver.Problem{Status: http.StatusBadRequest, Title: "Paramètres invalides", Errors: errs}
	}
	return after, limit, nil
}

// stream sends the advisor's notifications as server-sent events, from the
// Last-Event-ID (or ?after) on, then live. Each event's id is the
// notification id, so a reconnecting browser resumes without loss.
func (rt Routes) stream(w http.ResponseWriter, r *http.Request) {
	after, _, bad := pageParams(r)
	if bad != nil {
		httpserver.WriteProblem(w, r, *bad)
		return
	}
	if v := r.Header.Get("Last-Event-ID"); v != "" {
		if n, err := strconv.ParseInt(v, 10, 64); err == nil && n >= 0 {
			after = n
		}
	}
	id, ok := rt.advisor(w, r)
	if !ok {
		return
	}
	wake, release := rt.Live.Subscribe(id)
	defer release()
	rc := http.NewResponseController(w)
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	if _, err := fmt.Fprintf(w, "retry: 2000\n\n"); err != nil {
		return
	}
	_ = rc.Flush()
	poll := time.NewTicker(rt.Poll)
	defer poll.Stop()
	beat := time.NewTicker(rt.Heartbeat)
	defer beat.Stop()
	for {
		var err error
		if after, err = rt.send(r.Context(), w, id, after); err != nil {
			return
		}
		if err := rc.Flush(); err != nil {
			return
		}
		select {
		case <-r.Context().Done():
			return
		case <-wake:
		case <-poll.C:
		case <-beat.C:
			if _, err := fmt.Fprint(w, ": keep-alive\n\n"); err != nil {
				return
			}
		}
	}
}

// send writes every notification after the given id and returns the last
// id written.
func (rt Routes) send(ctx context.Context, w http.ResponseWriter, advisorID string, after int64) (int64, error) {
	for {
		ns, err := rt.Store.List(ctx, advisorID, after, maxLimit)
		if err != nil {
			if ctx.Err() == nil {
				rt.Log.WarnContext(ctx, "stream notifications", "err", err)
			}
			return after, err
		}
		for _, n := range ns {
			data, err := json.Marshal(n)
			if err != nil {
				return after, err
			}
			if _, err := fmt.Fprintf(w, "id: %d\nevent: notification\ndata: %s\n\n", n.ID, data); err != nil {
				return after, err
			}
			after = n.ID
		}
		if len(ns) < maxLimit {
			return after, nil
		}
	}
}
