// Package httpapi is advisor-desk's HTTP port: an advisor's notifications as
// JSON and as a live server-sent event stream, for bearers of a token that
// the access rules let read them; in development, the sign-in that issues
// those tokens and the public keys that verify them.
package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/ccicma/platform/pkg/auth"
	"github.com/ccicma/platform/pkg/httpserver"

	"github.com/ccicma/platform/services/advisor-desk/internal/app"
	"github.com/ccicma/platform/services/advisor-desk/internal/domain/directory"
	"github.com/ccicma/platform/services/advisor-desk/internal/domain/notification"
)

// NotificationReader opens an advisor's notifications to a reader the
// access rules allow (app.ReadNotifications).
type NotificationReader interface {
	Open(ctx context.Context, p auth.Principal, advisorID string) (app.NotificationPages, error)
}

// Subscriber opens a wake-up channel for an advisor's stream.
type Subscriber interface {
	Subscribe(advisorID string) (<-chan struct{}, func())
}

// Authenticator guards routes with bearer tokens (auth.Verifier).
type Authenticator interface {
	Require(next http.Handler) http.Handler
	RequireStream(next http.Handler) http.Handler
}

// SignIn signs an advisor in without a password (development only).
type SignIn interface {
	SignIn(ctx context.Context, advisorID string) (auth.Token, directory.Advisor, error)
}

// Routes serves the advisor API.
type Routes struct {
	Notifications NotificationReader
	Live          Subscriber
	Auth          Authenticator
	// DevSignIn serves POST /api/v1/dev/tokens and JWKS serves
	// GET /.well-known/jwks.json; both nil outside development.
	DevSignIn SignIn
	JWKS      http.Handler
	// Directory serves the directory admin API (directory.go); nil: not
	// served.
	Directory *DirectoryRoutes
	Log       *slog.Logger
	// Poll is how often a stream re-reads without a wake-up, which covers
	// notifications stored by another replica.
	Poll time.Duration
	// Heartbeat keeps idle streams open through proxies.
	Heartbeat time.Duration
	// Web serves the web desk's pages on the paths the API does not;
	// StreamSession lets the event stream take the web desk's session
	// cookie. Both nil without the web desk.
	Web           http.Handler
	StreamSession func(http.Handler) http.Handler
}

const maxLimit = 200

// Handler returns the mux.
func (rt Routes) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /openapi.json", httpserver.Document(openAPIDoc))
	mux.Handle("GET /api/v1/advisors/{id}/notifications", rt.Auth.Require(http.HandlerFunc(rt.list)))
	// The stream also takes ?access_token=, as browsers' EventSource
	// cannot send an Authorization header (see auth.RequireStream).
	stream := rt.Auth.RequireStream(http.HandlerFunc(rt.stream))
	if rt.StreamSession != nil {
		stream = rt.StreamSession(stream)
	}
	mux.Handle("GET /api/v1/advisors/{id}/notifications/stream", stream)
	if rt.JWKS != nil {
		mux.Handle("GET /.well-known/jwks.json", rt.JWKS)
	}
	if rt.DevSignIn != nil {
		mux.HandleFunc("POST /api/v1/dev/tokens", rt.devToken)
	}
	if rt.Directory != nil {
		rt.Directory.register(mux)
	}
	if rt.Web != nil {
		mux.Handle("/", rt.Web)
	}
	return mux
}

// owner opens the notifications of the advisor of the path to the
// principal: it answers 403 when the access rules refuse, 404 when the
// advisor is unknown (told only to those who could read them), and
// returns the pages otherwise.
func (rt Routes) owner(w http.ResponseWriter, r *http.Request) (app.NotificationPages, auth.Principal, bool) {
	p, ok := auth.PrincipalOf(w, r, rt.Log)
	if !ok {
		return app.NotificationPages{}, p, false
	}
	pages, err := rt.Notifications.Open(r.Context(), p, r.PathValue("id"))
	switch {
	case err == nil:
		return pages, p, true
	case errors.Is(err, app.ErrForbidden):
		auth.Forbid(w, r, "Vous ne pouvez lire que vos propres notifications ; un responsable, aussi celles des conseillers de sa chambre.")
	case errors.Is(err, directory.ErrUnknown):
		httpserver.WriteProblem(w, r, httpserver.Problem{Status: http.StatusNotFound, Title: "Conseiller inconnu"})
	default:
		rt.Log.ErrorContext(r.Context(), "load advisor", "err", err)
		httpserver.WriteProblem(w, r, httpserver.Problem{Status: http.StatusServiceUnavailable, Title: "Service momentanément indisponible"})
	}
	return app.NotificationPages{}, p, false
}

func (rt Routes) list(w http.ResponseWriter, r *http.Request) {
	pages, _, ok := rt.owner(w, r)
	if !ok {
		return
	}
	after, limit, bad := pageParams(r)
	if bad != nil {
		httpserver.WriteProblem(w, r, *bad)
		return
	}
	ns, err := pages.After(r.Context(), after, limit)
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
// notification id, so a reconnecting browser resumes without loss. The
// stream ends when the token expires: the page then reconnects with a
// fresh one. It also ends when the server starts shutting down
// (httpserver.StreamContext), so that it does not hold the shutdown: the
// browser reconnects to another replica.
func (rt Routes) stream(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := httpserver.StreamContext(r)
	defer cancel()
	pages, p, ok := rt.owner(w, r)
	if !ok {
		return
	}
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
	expired := time.NewTimer(time.Until(p.ExpiresAt))
	defer expired.Stop()
	wake, release := rt.Live.Subscribe(pages.AdvisorID())
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
		if after, err = rt.send(ctx, w, pages, after); err != nil {
			return
		}
		if err := rc.Flush(); err != nil {
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-expired.C:
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
func (rt Routes) send(ctx context.Context, w http.ResponseWriter, pages app.NotificationPages, after int64) (int64, error) {
	for {
		ns, err := pages.After(ctx, after, maxLimit)
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

// tokenResponse is an OAuth 2.0 token response, with who was signed in.
type tokenResponse struct {
	auth.Token
	AdvisorID string   `json:"advisor_id"`
	Chamber   string   `json:"chamber"`
	Roles     []string `json:"roles"`
}

// devToken signs in a known, active advisor by id alone: development
// only, where it stands in for the OIDC provider.
func (rt Routes) devToken(w http.ResponseWriter, r *http.Request) {
	var req struct {
		AdvisorID string `json:"advisor_id"`
	}
	if !httpserver.ReadJSON(w, r, 1<<10, &req) {
		return
	}
	if req.AdvisorID == "" {
		httpserver.WriteProblem(w, r, httpserver.Problem{Status: http.StatusUnprocessableEntity, Title: "Demande invalide",
			Errors: []httpserver.FieldError{{Field: "advisor_id", Code: "required", Message: "Identifiant du conseiller requis."}}})
		return
	}
	tok, a, err := rt.DevSignIn.SignIn(r.Context(), req.AdvisorID)
	switch {
	case errors.Is(err, directory.ErrUnknown):
		httpserver.WriteProblem(w, r, httpserver.Problem{Status: http.StatusNotFound, Title: "Conseiller inconnu"})
		return
	case errors.Is(err, directory.ErrInactive):
		auth.Forbid(w, r, "Ce conseiller est inactif.")
		return
	case err != nil:
		rt.Log.ErrorContext(r.Context(), "dev sign-in", "err", err)
		httpserver.WriteProblem(w, r, httpserver.Problem{Status: http.StatusServiceUnavailable, Title: "Service momentanément indisponible"})
		return
	}
	rt.Log.InfoContext(r.Context(), "dev token issued", "advisor_id", a.AdvisorID, "expires_at", tok.ExpiresAt)
	w.Header().Set("Cache-Control", "no-store") // RFC 6749 §5.1: a token response is never cached
	httpserver.WriteJSON(w, http.StatusOK, tokenResponse{Token: tok, AdvisorID: a.AdvisorID, Chamber: a.Chamber, Roles: a.Roles})
}
