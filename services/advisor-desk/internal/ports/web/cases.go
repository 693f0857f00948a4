package web

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/ccicma/platform/pkg/auth"
	"github.com/ccicma/platform/pkg/refdata"

	"github.com/ccicma/platform/services/advisor-desk/internal/adapters/peers"
	"github.com/ccicma/platform/services/advisor-desk/internal/domain/casefile"
)

// CaseFiles reads and acts on cases in their owning services, with the
// signed-in advisor's own token (adapters/peers): the owning service
// applies its access rules and audit; the desk keeps nothing.
type CaseFiles interface {
	CreationCase(ctx context.Context, token, id string) (peers.CreationCase, error)
	TakeInCharge(ctx context.Context, token, id string) error
	HandBack(ctx context.Context, token, id, reason, comment string) error
	CreationCases(ctx context.Context, token string, f peers.CaseFilter) (peers.CasePage, error)
	RecordFacts(ctx context.Context, token, id string, f peers.Facts) error
	MoveStage(ctx context.Context, token, id, to, reason, comment string) error
	PlanNextAction(ctx context.Context, token, id, label, due string) error
	CreationNotes(ctx context.Context, token, id string) (peers.NoteList, error)
	WriteNote(ctx context.Context, token, id, text string, shared bool) error
	CaseOutcomes
	Sessions(ctx context.Context, token, kind string) (peers.SessionList, error)
	PlanSession(ctx context.Context, token string, p peers.SessionPlan) (peers.Session, error)
	RegisterToSession(ctx context.Context, token, caseID, sessionID string) error
	Offer(ctx context.Context, token, id string) (peers.Offer, error)
	Search(ctx context.Context, token, id string) (peers.Search, error)
	Match(ctx context.Context, token, id string) (peers.Match, error)
	MatchSteps
	TakeoverListings
	TakeoverCare
	ConcernRaiser
	PreventionCase(ctx context.Context, token, id string) (peers.PreventionCase, error)
	PreventionSteps
	PreventionBusinesses
	Request(ctx context.Context, token, id string) (peers.Request, error)
}

// Places names NAF codes, communes, EPCIs and départements on the pages
// (refdata.Data).
type Places interface {
	NAF(code string) (refdata.NAFEntry, bool)
	NAFLabel(id string) (string, bool)
	Commune(insee string) (refdata.Commune, bool)
	EPCI(siren string) (refdata.EPCI, bool)
	Departement(code string) (refdata.Departement, bool)
}

// caseRoutes serves the case pages, linked from the notifications
// (notification.Table). Without CaseFiles the links stay 404.
func (s *site) caseRoutes(mux *http.ServeMux) {
	if s.Cases == nil {
		return
	}
	mux.HandleFunc("GET /dossiers/creation", s.myCases)
	mux.HandleFunc("GET /dossiers/creation/pilotage", s.pipeline)
	mux.HandleFunc("GET /dossiers/creation/{id}", s.creationPage)
	mux.HandleFunc("POST /dossiers/creation/{id}/prise-en-charge", s.takeInCharge)
	mux.HandleFunc("POST /dossiers/creation/{id}/pas-pour-moi", s.handBack)
	mux.HandleFunc("POST /dossiers/creation/{id}/faits", s.recordFacts)
	mux.HandleFunc("POST /dossiers/creation/{id}/etape", s.moveStage)
	mux.HandleFunc("POST /dossiers/creation/{id}/prochaine-action", s.planNext)
	mux.HandleFunc("POST /dossiers/creation/{id}/notes", s.writeNote)
	s.outcomeRoutes(mux)
	s.marketRoutes(mux)
	s.listingRoutes(mux)
	mux.HandleFunc("GET /dossiers/reprise/offres/{id}", s.offerPage)
	mux.HandleFunc("GET /dossiers/reprise/recherches/{id}", s.searchPage)
	s.takeoverCareRoutes(mux)
	s.concernRoutes(mux)
	mux.HandleFunc("GET /dossiers/reprise/mises-en-relation/{id}", s.matchPage)
	mux.HandleFunc("POST /dossiers/reprise/mises-en-relation/{id}/{step}", s.matchStepPost)
	mux.HandleFunc("GET /dossiers/prevention/{id}", s.preventionPage)
	s.preventionRoutes(mux)
}

// caseRequest is a signed-in request for a case: the advisor, the form
// token of their session, their raw token (forwarded as a bearer, never
// logged) and the case id of the path.
type caseRequest struct {
	p         auth.Principal
	formToken string
	bearer    string
	id        string
}

// caseStart checks the session and the id; it answers (a redirect to
// sign-in, a 404 page) when it returns false. Ids are UUIDs: anything else
// names no case, and goes to no service.
func (s *site) caseStart(w http.ResponseWriter, r *http.Request) (caseRequest, bool) {
	p, tok, ok := s.session(r)
	if !ok {
		clearCookie(w, r, SessionCookie, "/")
		http.Redirect(w, r, "/connexion", http.StatusSeeOther)
		return caseRequest{}, false
	}
	c := caseRequest{p: p, formToken: tok, bearer: sessionValue(r), id: r.PathValue("id")}
	if _, err := uuid.Parse(c.id); err != nil || len(c.id) != 36 {
		s.caseError(w, r, c, &peers.Refused{Status: http.StatusNotFound})
		return caseRequest{}, false
	}
	return c, true
}

// renderCase writes a case page for a signed-in advisor.
func (s *site) renderCase(w http.ResponseWriter, r *http.Request, c caseRequest, status int, page, title string, data any) {
	s.render(w, r, status, page, layout{Title: title, Signed: true, Token: c.formToken, Main: data})
}

// caseError answers an owning service's refusal or absence with a French
// page: 403 and 404 as such, an expired token by a new sign-in, a service
// that does not answer by 503.
func (s *site) caseError(w http.ResponseWriter, r *http.Request, c caseRequest, err error) {
	heading, text, status := "Service momentanément indisponible",
		"Le service qui détient ce dossier ne répond pas. Réessayez dans quelques instants.", http.StatusServiceUnavailable
	if ref, ok := peers.AsRefused(err); ok {
		switch ref.Status {
		case http.StatusUnauthorized:
			clearCookie(w, r, SessionCookie, "/")
			http.Redirect(w, r, "/connexion", http.StatusSeeOther)
			return
		case http.StatusForbidden:
			heading, text, status = "Accès refusé", "Ce dossier ne vous est pas accessible.", http.StatusForbidden
			if ref.Detail != "" {
				text = ref.Detail
			}
		case http.StatusNotFound:
			heading, text, status = "Dossier introuvable", "Ce dossier n'existe pas ou n'existe plus.", http.StatusNotFound
		default:
			heading, text, status = "Demande refusée", refusalText(ref), ref.Status
		}
	} else {
		s.Log.ErrorContext(r.Context(), "case page: owning service unavailable", "err", err)
	}
	s.renderCase(w, r, c, status, "error", heading, errorPage{Heading: heading, Text: text})
}

// refusalText is the owning service's French explanation of a refusal.
func refusalText(ref *peers.Refused) string {
	parts := []string{}
	for _, t := range []string{ref.Title, ref.Detail} {
		if t != "" {
			parts = append(parts, strings.TrimSuffix(t, "."))
		}
	}
	for _, f := range ref.Fields {
		parts = append(parts, strings.TrimSuffix(f.Message, "."))
	}
	if len(parts) == 0 {
		return "Le service qui détient ce dossier a refusé la demande."
	}
	return strings.Join(parts, ". ") + "."
}

// contact is what a page shows of the applicant: their details when
// intake lets this advisor read them, else why not.
type contact struct {
	Applicant   *peers.Applicant
	Description string
	Missing     string
}

// contactOf reads the applicant of a request in intake, which applies its
// own rule (advisors of the routed chambers) and logs the read.
func (s *site) contactOf(ctx context.Context, c caseRequest, requestID string) contact {
	if requestID == "" {
		return contact{Missing: "Ce dossier n'est lié à aucune demande : pas de coordonnées à afficher."}
	}
	req, err := s.Cases.Request(ctx, c.bearer, requestID)
	var ref *peers.Refused
	switch {
	case err == nil && req.Details.Anonymised:
		return contact{Missing: "Les coordonnées du demandeur ont été effacées à la fin de la durée de conservation."}
	case err == nil:
		a := req.Details.Applicant
		return contact{Applicant: &a, Description: req.Details.Description}
	case errors.As(err, &ref):
		return contact{Missing: "Les coordonnées du demandeur ne sont pas disponibles pour vous : elles sont réservées " +
			"aux conseillers des chambres auxquelles la demande est adressée."}
	default:
		s.Log.WarnContext(ctx, "case page: intake unavailable", "err", err)
		return contact{Missing: "Les coordonnées du demandeur ne sont pas disponibles pour le moment : réessayez plus tard."}
	}
}

// advisorName is an advisor's full name from the directory, else the id.
func (s *site) advisorName(ctx context.Context, id string) string {
	if id == "" {
		return ""
	}
	if a, err := s.Directory.Get(ctx, id); err == nil {
		return a.FullName + " (" + id + ")"
	}
	return id
}

// nafText is "10.71C — Cuisson de produits de boulangerie", or the code.
func (s *site) nafText(code string) string {
	if code == "" {
		return "Non précisée"
	}
	if s.Places != nil {
		if e, ok := s.Places.NAF(code); ok {
			return e.Code + " — " + e.Label
		}
	}
	// A teaser's sector at a coarser level, or a search's.
	return s.sectorLabel(code)
}

// communeText is "Évry-Courcouronnes (INSEE 91228)", or the code.
func (s *site) communeText(code string) string {
	if code == "" {
		return "Non précisée"
	}
	if s.Places != nil {
		if c, ok := s.Places.Commune(code); ok {
			return c.Name + " (INSEE " + code + ")"
		}
	}
	return "INSEE " + code
}

// handBackForm reads a « pas pour moi » form: its reason (checked by
// valid, the owner's list of reasons) and comment, and what is wrong with
// them, named by field.
func handBackForm(r *http.Request, valid func(string) bool) (reason, comment string, bad []peers.FieldError) {
	reason, comment = r.PostForm.Get("motif"), strings.TrimSpace(r.PostForm.Get("commentaire"))
	if !valid(reason) {
		bad = append(bad, peers.FieldError{Field: "motif", Code: "invalid", Message: "Choisissez le motif pour lequel vous rendez le dossier."})
	}
	if utf8.RuneCountInString(comment) > casefile.MaxComment {
		bad = append(bad, peers.FieldError{Field: "commentaire", Code: "too_long", Message: "Le commentaire ne doit pas dépasser 500 caractères."})
	}
	return reason, comment, bad
}
