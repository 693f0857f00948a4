// Package web serves intake's applicant-facing HTML: the home page, the
// request forms and the status page an applicant follows their request on.
//
// Pages are rendered on the server (html/template, embedded) and work
// without JavaScript; a small script only adds conveniences (the communes
// of a postcode and NAF suggestions as you type, from the JSON endpoints of
// this package). They are styled with the French State design system
// (DSFR), a subset of which pkg/dsfr embeds and serves under static/dsfr/,
// with the chambers' own names and colours rather than the State's mark.
//
// The forms need no cookie and no CSRF token: each rendered form carries a
// random token that becomes the submission's idempotency key, so posting
// the same form twice (a double click, a reload, a retry) gives the same
// request. A form posted from another site creates nothing the attacker
// can see or use: the status link goes to the browser that posted.
package web

import (
	"context"
	"log/slog"
	"net/http"

	"github.com/ccicma/platform/pkg/refdata"

	"github.com/ccicma/platform/services/intake/internal/app"
	"github.com/ccicma/platform/services/intake/internal/domain/request"
)

// MaxBody bounds a form's body. The longest field (a 4,000-character
// description) percent-encoded stays well below it.
const MaxBody = 64 << 10

// CreationSubmitter accepts creation projects (app.SubmitCreation).
type CreationSubmitter interface {
	Submit(ctx context.Context, in request.CreationInput, idem *app.Idempotency) (app.Submitted, error)
}

// TakeoverOfferSubmitter accepts businesses for sale (app.SubmitTakeoverOffer).
type TakeoverOfferSubmitter interface {
	Submit(ctx context.Context, in request.TakeoverOfferInput, idem *app.Idempotency) (app.Submitted, error)
}

// BuyerSearchSubmitter accepts buyers' searches (app.SubmitBuyerSearch).
type BuyerSearchSubmitter interface {
	Submit(ctx context.Context, in request.BuyerSearchInput, idem *app.Idempotency) (app.Submitted, error)
}

// DifficultySubmitter accepts difficulty reports (app.SubmitDifficultyReport).
type DifficultySubmitter interface {
	Submit(ctx context.Context, in request.DifficultyInput, idem *app.Idempotency) (app.Submitted, error)
}

// StatusReader reads where a request stands (app.RequestStatus).
type StatusReader interface {
	Get(ctx context.Context, requestID string) (app.StatusView, error)
}

// Reference is the reference data the pages look up (*refdata.Data).
type Reference interface {
	CommunesByPostcode(pc string) []refdata.Commune
	Commune(insee string) (refdata.Commune, bool)
	SearchCommunes(query string, limit int) []refdata.Commune
	NamedExactly(query string, cs []refdata.Commune) (refdata.Commune, bool)
	NAF(code string) (refdata.NAFEntry, bool)
	NAFLabel(id string) (string, bool)
	SearchNAF(query string, limit int) []refdata.NAFEntry
	Departement(code string) (refdata.Departement, bool)
	EPCI(siren string) (refdata.EPCI, bool)
}

// Routes serves the applicant's pages. A form whose submitter is nil is
// not served, and the home page does not offer it.
type Routes struct {
	Creation      CreationSubmitter
	TakeoverOffer TakeoverOfferSubmitter
	BuyerSearch   BuyerSearchSubmitter
	Difficulty    DifficultySubmitter
	Status        StatusReader
	Ref           Reference
	// Departements are the départements the chambers serve; the first one
	// names the site ("Entreprendre en Essonne").
	Departements []string
	// API serves every path the pages do not (the JSON API, /openapi.json).
	// Nil: those paths answer 404.
	API http.Handler
	Log *slog.Logger
}

// Handler returns the pages, the static files and the reference-data
// endpoints, with the API behind them.
func (rt Routes) Handler() http.Handler {
	if rt.Log == nil {
		rt.Log = slog.New(slog.DiscardHandler)
	}
	static := newStaticFiles()
	s := &site{Routes: rt, static: static, pages: parsePages(static), name: siteName(rt.Ref, rt.Departements)}

	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", s.home)
	if rt.Creation != nil {
		handleForm(mux, s, formSpec[request.CreationInput]{name: "creation", path: "/creation", page: "creation",
			title: "Projet de création d'entreprise", build: s.newCreationPage, submit: rt.Creation.Submit})
	}
	if rt.TakeoverOffer != nil {
		handleForm(mux, s, formSpec[request.TakeoverOfferInput]{name: "takeover_offer", path: "/cession", page: "takeover",
			title: "Céder votre entreprise", build: s.newTakeoverPage, submit: rt.TakeoverOffer.Submit})
	}
	if rt.BuyerSearch != nil {
		handleForm(mux, s, formSpec[request.BuyerSearchInput]{name: "buyer_search", path: "/reprise", page: "search",
			title: "Reprendre une entreprise", build: s.newSearchPage, submit: rt.BuyerSearch.Submit})
	}
	if rt.Difficulty != nil {
		handleForm(mux, s, formSpec[request.DifficultyInput]{name: "difficulty", path: "/difficultes", page: "difficulty",
			title: "Signaler des difficultés", build: s.newDifficultyPage, submit: rt.Difficulty.Submit})
	}
	// The status link is a capability: see status.go.
	mux.HandleFunc("GET /suivi/{id}", s.status)
	mux.Handle("GET /static/{path...}", static)
	mux.HandleFunc("GET /api/v1/communes", s.communesJSON)
	mux.HandleFunc("GET /api/v1/naf", s.nafJSON)
	if rt.API != nil {
		mux.Handle("/", rt.API)
	}
	return securityHeaders(mux)
}

// site is the state the handlers share, built once by Handler.
type site struct {
	Routes
	static *staticFiles
	pages  map[string]*pageTemplate
	name   string // "Essonne"
}

// siteName is the name of the first served département, if known.
func siteName(ref Reference, deps []string) string {
	if ref == nil || len(deps) == 0 {
		return ""
	}
	if d, ok := ref.Departement(deps[0]); ok {
		return d.Name
	}
	return ""
}

// securityHeaders sets the headers every answer of this package carries: a
// strict content security policy (no inline script or style, nothing from
// elsewhere), no MIME sniffing, and no Referer, so that a status link never
// leaks to another site.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "+
			"font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		next.ServeHTTP(w, r)
	})
}
