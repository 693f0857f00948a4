package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/ccicma/platform/pkg/auth"

	"github.com/ccicma/platform/services/advisor-desk/internal/adapters/peers"
	"github.com/ccicma/platform/services/advisor-desk/internal/domain/casefile"
)

// The chambers' sessions (collective information meetings, trainings),
// which creation-support owns: the "Sessions" page lists the upcoming
// ones of the advisor's chamber and lets them plan one; a case's page
// shows the sessions the case is registered to and registers it.

// doneSession: a session was planned (the sessions page), or the case
// registered to one (the case page).
const doneSession = "session"

// Field ids of the planning form, and creation-support's names of them.
var planFields = fieldIDs{"kind": "type-session", "title": "intitule", "starts_at": "date-session", "place": "lieu",
	"capacity": "places"}

// enrolField is the id of the case page's select of a session.
const enrolField = "session-inscription"

// parisZone is the zone an advisor's date and time are read in (the
// zone database is embedded by pkg/dsfr).
func parisZone() *time.Location {
	if loc, err := time.LoadLocation("Europe/Paris"); err == nil {
		return loc
	}
	return time.UTC
}

// sessionRoutes serves the sessions page and the case page's
// registration. Without CaseFiles there is neither.
func (s *site) sessionRoutes(mux *http.ServeMux) {
	if s.Cases == nil {
		return
	}
	mux.HandleFunc("GET /sessions", s.sessionsPage)
	mux.HandleFunc("POST /sessions", s.planSession)
	mux.HandleFunc("POST /dossiers/creation/{id}/sessions", s.enrolCase)
}

// sessionsView is the data of sessions.html.
type sessionsView struct {
	Chamber  string
	Sessions []sessionLine
	// Missing says why the sessions are not listed (a refusal, an outage).
	Missing string
	// Plan shows the planning form: creation-support lets a chamber's
	// advisors and managers plan.
	Plan   bool
	Kinds  []casefile.SessionKind
	Form   sessionForm
	Errors map[string]string
	Alert  *alert
	Done   string
	Token  string
}

// sessionLine is one upcoming session.
type sessionLine struct {
	Kind, Title, Place          string
	StartsAt                    time.Time
	Capacity, Registered, Seats int
	Full                        bool
}

// sessionForm is the planning form as sent.
type sessionForm struct {
	Kind, Title, Day, Hour, Place, Seats string
}

// sessionInputField is an input of the planning form, with its error
// and the bound of a text (its length) or a number.
type sessionInputField struct {
	ID, Label, Hint, Type, Value, Error string
	Max                                 int
}

func sessionInput(id, label, hint, typ, value string, errs map[string]string) sessionInputField {
	f := sessionInputField{ID: id, Label: label, Hint: hint, Type: typ, Value: value, Error: errs[id]}
	switch typ {
	case "text":
		f.Max = casefile.MaxSessionText
	case "number":
		f.Max = casefile.MaxSessionSeats
	}
	return f
}

// plansSessions mirrors creation-support's rule, to show the form: an
// advisor or a manager of a chamber. creation-support decides.
func plansSessions(p auth.Principal) bool {
	return p.Chamber != "" && (p.Has(auth.RoleAdvisor) || p.Has(auth.RoleManager))
}

// signedIn checks the session of a page that is not a case's; it
// redirects to sign-in when it returns false.
func (s *site) signedIn(w http.ResponseWriter, r *http.Request) (caseRequest, bool) {
	p, tok, ok := s.session(r)
	if !ok {
		clearCookie(w, r, SessionCookie, "/")
		http.Redirect(w, r, "/connexion", http.StatusSeeOther)
		return caseRequest{}, false
	}
	return caseRequest{p: p, formToken: tok, bearer: sessionValue(r)}, true
}

func (s *site) sessionsPage(w http.ResponseWriter, r *http.Request) {
	c, ok := s.signedIn(w, r)
	if !ok {
		return
	}
	v := sessionsView{}
	if r.URL.Query().Get("fait") == doneSession {
		v.Done = "La session est planifiée : les conseillers de la chambre peuvent y inscrire leurs dossiers."
	}
	s.showSessions(w, r, c, http.StatusOK, v)
}

// showSessions reads the chamber's upcoming sessions and renders the
// page with what v already holds (a confirmation, a refusal, the form as
// sent).
func (s *site) showSessions(w http.ResponseWriter, r *http.Request, c caseRequest, status int, v sessionsView) {
	list, err := s.Cases.Sessions(r.Context(), c.bearer, "")
	switch ref, refused := peers.AsRefused(err); {
	case refused && ref.Status == http.StatusUnauthorized:
		clearCookie(w, r, SessionCookie, "/")
		http.Redirect(w, r, "/connexion", http.StatusSeeOther)
		return
	case err == nil:
		for _, se := range list.Sessions {
			v.Sessions = append(v.Sessions, sessionLine{Kind: casefile.SessionKindLabel(se.Kind), Title: se.Title, Place: se.Place,
				StartsAt: se.StartsAt, Capacity: se.Capacity, Registered: se.Registered, Seats: se.Seats, Full: se.Seats == 0})
		}
	case refused:
		v.Missing = refusalText(ref)
		if status == http.StatusOK {
			status = ref.Status
		}
	default:
		s.Log.ErrorContext(r.Context(), "sessions page: creation-support unavailable", "err", err)
		v.Missing = "Le service qui détient les sessions ne répond pas. Réessayez dans quelques instants."
		status = http.StatusServiceUnavailable
	}
	v.Chamber, v.Plan, v.Token = c.p.Chamber, plansSessions(c.p) && v.Missing == "", c.formToken
	v.Kinds = casefile.SessionKinds()
	s.render(w, r, status, "sessions", layout{Title: "Sessions d'information et stages", Errors: v.Alert != nil, Signed: true,
		Token: c.formToken, Main: v})
}

// planSession plans a session from the form; creation-support checks it
// again (a session to come, in the advisor's chamber).
func (s *site) planSession(w http.ResponseWriter, r *http.Request) {
	c, ok := s.signedIn(w, r)
	if !ok {
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxForm)
	if r.ParseForm() != nil || !s.validToken("session", c.bearer, r.PostForm.Get(csrfField)) {
		s.renderCase(w, r, c, http.StatusForbidden, "error", "Demande refusée", errorPage{Heading: "Demande refusée",
			Text: "Le formulaire a expiré ou ne vient pas de ce site : rechargez la page des sessions."})
		return
	}
	form, plan, bad := parseSessionForm(r.PostForm)
	v := sessionsView{Form: form}
	if len(bad) > 0 {
		v.Alert = &alert{Title: "Le formulaire contient des erreurs", Fields: bad}
		v.Errors = fieldMessages(bad)
		s.showSessions(w, r, c, http.StatusUnprocessableEntity, v)
		return
	}
	_, err := s.Cases.PlanSession(r.Context(), c.bearer, plan)
	if err == nil {
		http.Redirect(w, r, "/sessions?fait="+doneSession, http.StatusSeeOther)
		return
	}
	ref, refused := peers.AsRefused(err)
	if !refused || (ref.Status != http.StatusForbidden && ref.Status != http.StatusUnprocessableEntity) {
		s.caseError(w, r, c, err)
		return
	}
	v.Alert = &alert{Title: ref.Title, Text: ref.Detail, Fields: planFields.inPage(ref.Fields)}
	v.Errors = fieldMessages(v.Alert.Fields)
	s.showSessions(w, r, c, ref.Status, v)
}

// parseSessionForm reads the planning form: the session to plan, or the
// errors of its fields (by id). The date and time are Paris's.
func parseSessionForm(form url.Values) (sessionForm, peers.SessionPlan, []peers.FieldError) {
	f := sessionForm{Kind: form.Get("type-session"), Title: strings.TrimSpace(form.Get("intitule")),
		Day: strings.TrimSpace(form.Get("date-session")), Hour: strings.TrimSpace(form.Get("heure-session")),
		Place: strings.TrimSpace(form.Get("lieu")), Seats: strings.TrimSpace(form.Get("places"))}
	var bad []peers.FieldError
	add := func(field, msg string) {
		bad = append(bad, peers.FieldError{Field: field, Code: "invalid", Message: msg})
	}
	if !slices.ContainsFunc(casefile.SessionKinds(), func(k casefile.SessionKind) bool { return k.Code == f.Kind }) {
		add("type-session", "Choisissez le type de session.")
	}
	if n := utf8.RuneCountInString(f.Title); n == 0 || n > casefile.MaxSessionText {
		add("intitule", "Indiquez l'intitulé de la session, en 200 caractères au plus.")
	}
	day, dayErr := time.Parse(time.DateOnly, f.Day)
	if dayErr != nil {
		add("date-session", "Indiquez la date de la session (jj/mm/aaaa).")
	}
	hour, hourErr := time.Parse("15:04", f.Hour)
	if hourErr != nil {
		add("heure-session", "Indiquez l'heure de début (hh:mm).")
	}
	if n := utf8.RuneCountInString(f.Place); n == 0 || n > casefile.MaxSessionText {
		add("lieu", "Indiquez le lieu de la session, en 200 caractères au plus.")
	}
	seats, err := strconv.Atoi(f.Seats)
	if err != nil || seats < 1 || seats > casefile.MaxSessionSeats {
		add("places", "Indiquez le nombre de places, entre 1 et 500.")
	}
	if len(bad) > 0 {
		return f, peers.SessionPlan{}, bad
	}
	starts := time.Date(day.Year(), day.Month(), day.Day(), hour.Hour(), hour.Minute(), 0, 0, parisZone())
	return f, peers.SessionPlan{Kind: f.Kind, Title: f.Title, StartsAt: starts, Place: f.Place, Capacity: seats}, nil
}

// caseSessions is the case page's "Sessions" section: the sessions the
// case is registered to, and, for its advisor while it is in the
// journey, the form that registers it to one of the chamber's.
type caseSessions struct {
	// Shown: the reader reads the case's follow-up, sessions included.
	Shown bool
	Lines []enrolmentLine
	// Register shows the form; Options are the chamber's upcoming
	// sessions with seats the case is not registered to (none: Missing
	// or an invitation to plan one).
	Register bool
	Options  []sessionOption
	Missing  string
	// Next is the session offered after a full one was refused.
	Next       *sessionOption
	Chosen     string
	Errors     map[string]string
	URL, Token string
}

type enrolmentLine struct {
	Kind, Title, Place, Chamber string
	StartsAt                    time.Time
}

// sessionOption is a session the case may be registered to.
type sessionOption struct {
	ID, Kind, Title, Place string
	StartsAt               time.Time
	Seats                  int
}

func optionOf(se peers.Session) sessionOption {
	return sessionOption{ID: se.ID, Kind: casefile.SessionKindLabel(se.Kind), Title: se.Title, Place: se.Place,
		StartsAt: se.StartsAt, Seats: se.Seats}
}

// sessionsOf fills v from the case and, for its advisor while it is in
// the journey, the chamber's sessions it may be registered to.
func (s *site) sessionsOf(ctx context.Context, c caseRequest, cs peers.CreationCase, v *caseSessions) {
	v.Shown = cs.Facts != nil
	registered := map[string]bool{}
	for _, e := range cs.Sessions {
		registered[e.SessionID] = true
		v.Lines = append(v.Lines, enrolmentLine{Kind: casefile.SessionKindLabel(e.Kind), Title: e.Title, Place: e.Place,
			Chamber: e.Chamber, StartsAt: e.StartsAt})
	}
	v.Register = cs.AdvisorID == c.p.Subject && cs.Status == casefile.StatusInProgress
	if !v.Register {
		return
	}
	v.URL, v.Token = "/dossiers/creation/"+url.PathEscape(cs.ID)+"/sessions", c.formToken
	list, err := s.Cases.Sessions(ctx, c.bearer, "")
	if err != nil {
		if _, refused := peers.AsRefused(err); !refused {
			s.Log.WarnContext(ctx, "case page: sessions unavailable", "err", err)
		}
		v.Missing = "Les sessions de votre chambre ne sont pas disponibles pour le moment."
		return
	}
	for _, se := range list.Sessions {
		if se.Seats > 0 && !registered[se.ID] {
			v.Options = append(v.Options, optionOf(se))
		}
	}
}

// enrolCase registers the case to the chosen session. A full session is
// said with the next one of its kind that has seats, offered in one
// click.
func (s *site) enrolCase(w http.ResponseWriter, r *http.Request) {
	c, ok := s.caseForm(w, r)
	if !ok {
		return
	}
	chosen := r.PostForm.Get("session")
	v := creationView{Sessions: caseSessions{Chosen: chosen}}
	if _, err := uuid.Parse(chosen); err != nil {
		bad := []peers.FieldError{{Field: enrolField, Code: "required", Message: "Choisissez la session à laquelle inscrire le porteur de projet."}}
		v.Sessions.Errors = fieldMessages(bad)
		s.refuseForm(w, r, c, v, bad)
		return
	}
	err := s.Cases.RegisterToSession(r.Context(), c.bearer, c.id, chosen)
	if full := (*peers.SessionFull)(nil); errors.As(err, &full) && full.Next != nil {
		next := optionOf(*full.Next)
		v.Sessions.Next = &next
		v.Alert = &alert{Title: full.Title, Text: full.Detail}
		s.showCreation(w, r, c, http.StatusConflict, v, false)
		return
	}
	s.afterAction(w, r, c, err, doneSession, v, fieldIDs{})
}
