// Package web is advisor-desk's web desk: the sign-in page and an
// advisor's inbox, in French, styled with the DSFR subset of pkg/dsfr,
// rendered on the server and usable without JavaScript. A small script adds
// what a page cannot do alone: new notifications appear live (server-sent
// events from the API's stream, which takes the session cookie), and
// notifications are marked read without a reload.
//
// The session cookie holds the signed token the API takes as a bearer:
// HttpOnly, SameSite=Strict, Secure over TLS. Unsafe requests must come
// from this origin (http.CrossOriginProtection) and carry a form token
// bound to the session (or, for sign-in, to a pre-session cookie).
// Sign-in attempts are limited per client address and per login.
package web

import (
	"context"
	"log/slog"
	"net/http"

	"github.com/ccicma/platform/pkg/auth"
	"github.com/ccicma/platform/pkg/dsfr"
	"github.com/ccicma/platform/pkg/httpserver"

	"github.com/ccicma/platform/services/advisor-desk/internal/domain/directory"
	"github.com/ccicma/platform/services/advisor-desk/internal/domain/notification"
)

// SignIn checks an advisor's password and issues their token
// (app.PasswordSignIn).
type SignIn interface {
	SignIn(ctx context.Context, login, password string) (auth.Token, directory.Advisor, error)
}

// Verifier checks a session's token (auth.Verifier).
type Verifier interface {
	Verify(ctx context.Context, raw string) (auth.Principal, error)
}

// InboxReader reads a page of an advisor's own inbox (app.ReadInbox).
type InboxReader interface {
	Read(ctx context.Context, advisorID string, f notification.Filter) (notification.Inbox, error)
}

// Marker marks an advisor's own notifications read (app.MarkRead).
type Marker interface {
	Mark(ctx context.Context, advisorID string, ids []int64) (unread int, err error)
}

// Directory reads an advisor's entry, for their name on the pages
// (app.ReadDirectory).
type Directory interface {
	Get(ctx context.Context, id string) (directory.Advisor, error)
}

// Routes serves the web desk.
type Routes struct {
	SignIn    SignIn
	Verifier  Verifier
	Inbox     InboxReader
	MarkRead  Marker
	Directory Directory
	// Cases reads the case pages' cases from their owning services (nil:
	// no case pages); Places names codes on them (nil: codes alone).
	Cases  CaseFiles
	Places Places
	// Mail reads and sets the advisor's e-mail preference from the inbox
	// (nil: the inbox offers no choice).
	Mail MailPreferences
	// Limits bound sign-in attempts.
	Limits Limits
	// Key signs form tokens; empty: a random key (form tokens then do not
	// survive a restart, nor hold across replicas).
	Key []byte
	Log *slog.Logger
}

// Handler returns the pages and their static files.
func (rt Routes) Handler() (http.Handler, error) {
	if rt.Log == nil {
		rt.Log = slog.New(slog.DiscardHandler)
	}
	key, err := formKey(rt.Key)
	if err != nil {
		return nil, err
	}
	ipLimit, err := httpserver.NewRateLimiter(rt.Limits.PerClient, httpserver.LimitOptions{Prefixes: []string{"/connexion"}})
	if err != nil {
		return nil, err
	}
	static := newStatic()
	s := &site{Routes: rt, key: key, static: static, pages: parsePages(static), attempts: newAttempts(rt.Limits)}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/boite", http.StatusSeeOther) })
	mux.HandleFunc("GET /connexion", s.signInPage)
	mux.Handle("POST /connexion", ipLimit.Limit(http.HandlerFunc(s.signIn)))
	mux.HandleFunc("POST /deconnexion", s.signOut)
	mux.HandleFunc("GET /boite", s.inbox)
	mux.HandleFunc("POST /boite/lu", s.markRead)
	if rt.Mail != nil {
		mux.HandleFunc("POST /boite/courriels", s.setMail)
	}
	mux.Handle("GET /static/{path...}", static)
	s.caseRoutes(mux)
	s.sessionRoutes(mux)
	return securityHeaders(http.NewCrossOriginProtection().Handler(mux)), nil
}

// site is the state the handlers share, built once by Handler.
type site struct {
	Routes
	key      []byte
	static   *dsfr.Static
	pages    map[string]*pageTemplate
	attempts *attempts
}

// securityHeaders: a strict content security policy (no inline script or
// style, nothing from elsewhere), no MIME sniffing, no framing, no Referer.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "+
			"font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Frame-Options", "DENY")
		next.ServeHTTP(w, r)
	})
}
