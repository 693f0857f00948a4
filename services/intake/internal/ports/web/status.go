package web

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/ccicma/platform/services/intake/internal/app"
	"github.com/ccicma/platform/services/intake/internal/domain/request"
)

// statusPath is the applicant's status link of a request.
//
// The link is the only key to the page: whoever has it sees where the
// request stands, and nothing else. That is acceptable because the page
// shows no personal data (app.StatusView holds none) and the id is a
// UUIDv7 whose 74 random bits cannot be guessed or enumerated; its
// timestamp bits only tell when the request was made. Pages send no
// Referer (see securityHeaders) and the page is not cached or indexed.
func statusPath(requestID string) string { return "/suivi/" + requestID }

// statusPage is the data of status.html.
type statusPage struct {
	View     app.StatusView
	Kind     string // what was requested, in words
	Just     bool   // the applicant has just submitted it
	Link     string // the status link, absolute when the host is known
	Lead     chamber
	Second   chamber
	Neither  bool // neither chamber handles this activity
	Received bool // waiting for an advisor
	Assigned bool // a case is open, in an advisor's hands
	InCharge bool // the advisor took it in charge
	// Holder is the chamber that holds the case now: the lead chamber,
	// unless an advisor handed the case over to the other one (Moved).
	Holder chamber
	Moved  bool
	// Confidential: a difficulty report, of which the page shows only
	// that it was received and where it went (app.RequestStatus).
	Confidential bool
	// Journey is where a creation project stands in the chambers'
	// creation journey, once its advisor moved it along (nil before).
	Journey *journeyStep
	// Closed: the case ended; Outcome says how (also for a business
	// registered and followed up).
	Closed  bool
	Outcome string
	// Sessions are the meetings and trainings the project holder was
	// registered to, soonest first.
	Sessions []sessionLine
	// Buyer: a buyer's search, which shows how many listings its daily
	// digests proposed (View.ProposedListings).
	Buyer bool
}

// sessionLine is a session the project holder was registered to.
type sessionLine struct {
	What, Title, Place, Chamber, At string
	StartsAt                        time.Time
	Past                            bool
}

// sessionKinds say what each kind of session is, at the start of a line.
var sessionKinds = map[string]string{"information_meeting": "Réunion d'information", "training": "Formation"}

// sessionsOf lists the sessions as the page shows them at now.
func sessionsOf(ss []app.SessionView, now time.Time) []sessionLine {
	out := make([]sessionLine, 0, len(ss))
	for _, s := range ss {
		what := sessionKinds[s.Kind]
		if what == "" {
			what = "Session"
		}
		out = append(out, sessionLine{What: what, Title: s.Title, Place: s.Place, Chamber: s.Chamber,
			At: s.StartsAt.UTC().Format(time.RFC3339), StartsAt: s.StartsAt, Past: !s.StartsAt.After(now)})
	}
	return out
}

// journeyStep is a stage of the creation journey as the page shows it.
type journeyStep struct {
	Rank, Of    int
	Label, Next string
}

// journeyOf places the request's stage in the journey (nil: none).
func journeyOf(stage string) *journeyStep {
	rank, of, label, next, ok := request.JourneyStep(stage)
	if !ok {
		return nil
	}
	return &journeyStep{Rank: rank, Of: of, Label: label, Next: next}
}

// chamber names a chamber for the applicant.
type chamber struct {
	Code string // "CMA"
	Name string // "chambre de métiers et de l'artisanat", to go in a sentence
}

var chamberNames = map[string]string{
	"CCI": "chambre de commerce et d'industrie",
	"CMA": "chambre de métiers et de l'artisanat",
}

func chamberOf(code string) chamber {
	if code == "" {
		return chamber{}
	}
	name, ok := chamberNames[code]
	if !ok {
		name = code
	}
	return chamber{Code: code, Name: name}
}

// Title is the name at the start of a line: "Chambre de métiers…".
func (c chamber) Title() string {
	if c.Name == "" {
		return ""
	}
	return strings.ToUpper(c.Name[:1]) + c.Name[1:]
}

// kindNames say what each kind of request is.
var kindNames = map[string]string{
	request.KindCreation:      "Projet de création d'entreprise",
	request.KindTakeoverOffer: "Entreprise à céder",
	request.KindBuyerSearch:   "Recherche d'une entreprise à reprendre",
	request.KindDifficulty:    "Signalement de difficultés",
}

func (s *site) status(w http.ResponseWriter, r *http.Request) {
	v, err := s.Status.Get(r.Context(), r.PathValue("id"))
	switch {
	case errors.Is(err, app.ErrNotFound):
		s.renderError(w, r, http.StatusNotFound, errorPage{Heading: "Demande introuvable",
			Text: "Aucune demande ne correspond à ce lien de suivi. Vérifiez qu'il est complet : il se termine par une suite de chiffres et de lettres.",
			Back: "/"})
		return
	case err != nil:
		s.Log.ErrorContext(r.Context(), "read request status", "err", err)
		s.renderError(w, r, http.StatusServiceUnavailable, errorPage{Heading: "Service momentanément indisponible",
			Text: "Le suivi de votre demande est momentanément indisponible. Réessayez dans un instant.", Back: r.URL.Path})
		return
	}
	p := statusPage{View: v, Kind: kindNames[v.Kind], Just: r.URL.Query().Has("envoyee"),
		Link: statusPath(v.RequestID), Lead: chamberOf(v.Routing.LeadChamber), Second: chamberOf(v.Routing.SecondaryChamber),
		Neither: v.Routing.LeadChamber == "", Received: v.Status == request.StatusReceived,
		Assigned: v.Status == request.StatusAssigned, InCharge: v.Status == request.StatusInCharge,
		Holder: chamberOf(v.Routing.LeadChamber), Confidential: v.Kind == request.KindDifficulty,
		Journey: journeyOf(v.Stage), Closed: v.Status == request.StatusClosed, Outcome: request.OutcomeText(v.Outcome),
		Sessions: sessionsOf(v.Sessions, time.Now()), Buyer: v.Kind == request.KindBuyerSearch || v.ProposedListings > 0}
	if v.Chamber != "" && v.Chamber != v.Routing.LeadChamber {
		p.Holder, p.Moved = chamberOf(v.Chamber), true
	}
	if p.Kind == "" {
		p.Kind = "Demande"
	}
	if r.Host != "" {
		scheme := "https"
		if r.TLS == nil && r.Header.Get("X-Forwarded-Proto") != "https" {
			scheme = "http"
		}
		p.Link = scheme + "://" + r.Host + p.Link
	}
	w.Header().Set("X-Robots-Tag", "noindex, nofollow")
	s.render(w, r, http.StatusOK, "status", layout{Title: "Suivi de votre demande", Main: p})
}
