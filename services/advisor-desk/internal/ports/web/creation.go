package web

import (
	"net/http"
	"net/url"
	"time"

	"github.com/ccicma/platform/services/advisor-desk/internal/adapters/peers"
	"github.com/ccicma/platform/services/advisor-desk/internal/domain/casefile"
)

// Values of the creation page's "fait" parameter, set by the redirect
// after an action: the page says what was done (a fixed text, never the
// parameter echoed).
const (
	doneTaken    = "prise-en-charge"
	doneHandBack = "rendu"
	doneStage    = "etape"
	doneNext     = "action"
	doneNote     = "note"
)

var doneTexts = map[string]string{
	doneTaken:    "Vous avez pris ce dossier en charge.",
	doneHandBack: "Le dossier a été rendu : le service de création d'entreprise l'a confié à un autre conseiller.",
	doneStage:    "Le dossier a changé d'étape.",
	doneNext:     "La prochaine action est enregistrée.",
	doneNote:     "La note est ajoutée au dossier.",
	doneFacts:    "Les informations de l'étape sont enregistrées.",
	doneSession:  "Le dossier est inscrit à la session : le porteur de projet en reçoit la confirmation par courriel, puis un rappel la veille.",

	// The outcomes' (outcomes.go).
	doneRegistered: "L'immatriculation est enregistrée : le dossier passe au suivi post-création.",
	doneAbandoned:  "Le dossier est clos : le projet est abandonné.",
	doneRedirected: "Le dossier est clos et redirigé vers la reprise : une recherche de repreneur est ouverte en brouillon pour un conseiller transmission.",
	doneCheckpoint: "Le point de suivi est enregistré.",
}

// creationView is the data of creation.html.
type creationView struct {
	Case                        peers.CreationCase
	Status, NAF, Commune        string
	Advisor, Secondary          string
	HandBacks                   []handBackLine
	Contact                     contact
	Actions                     bool // the advisor may take it or hand it back
	Reasons                     []casefile.HandBackReason
	MaxComment                  int
	Token, TakeURL, HandBackURL string
	Done                        string
	Alert                       *alert
	Reason, Comment             string // the hand-back form as sent, after a refusal
	Journey                     journeyView
	// Chronology is everything the reader may see that happened to the
	// case, oldest first.
	Chronology []chronologyLine
	Sessions   caseSessions
	// Concern: the concerns raised about the business during the
	// post-creation follow-up, and the form (concern.go).
	Concern concernForm
}

type handBackLine struct {
	Advisor, Chamber, Reason, Comment string
	ToOther                           bool
	At                                time.Time
}

// alert is a refusal shown above the forms: an error summary whose
// Fields link to the fields they name (their ids in the page).
type alert struct {
	Title  string
	Text   string
	Fields []peers.FieldError
}

// fieldIDs maps an owning service's field names to the ids of a form's
// fields, so that its errors link to them.
type fieldIDs map[string]string

// inPage renames the fields of errs to their ids in the page; a field the
// form does not have keeps no link.
func (ids fieldIDs) inPage(errs []peers.FieldError) []peers.FieldError {
	out := make([]peers.FieldError, len(errs))
	for i, e := range errs {
		e.Field = ids[e.Field]
		out[i] = e
	}
	return out
}

var handBackFields = fieldIDs{"reason": "motif", "comment": "commentaire"}

func (s *site) creationPage(w http.ResponseWriter, r *http.Request) {
	c, ok := s.caseStart(w, r)
	if !ok {
		return
	}
	done := r.URL.Query().Get("fait")
	s.showCreation(w, r, c, http.StatusOK, creationView{Done: doneTexts[done]}, done == doneHandBack)
}

// showCreation reads the case and its applicant and renders the page with
// what v already holds (a confirmation, a refusal). After a hand-back the
// advisor may no longer see the case: they get the confirmation alone.
func (s *site) showCreation(w http.ResponseWriter, r *http.Request, c caseRequest, status int, v creationView, handedBack bool) {
	cs, err := s.Cases.CreationCase(r.Context(), c.bearer, c.id)
	if ref, refused := peers.AsRefused(err); refused && ref.Status == http.StatusForbidden && handedBack {
		s.renderCase(w, r, c, http.StatusOK, "error", "Dossier rendu", errorPage{Heading: "Dossier rendu",
			Text: "Le dossier a été rendu et confié à un autre conseiller ; il ne vous est plus accessible."})
		return
	}
	if err != nil {
		s.caseError(w, r, c, err)
		return
	}
	v.Case, v.Status = cs, casefile.Label("status", cs.Status)
	v.NAF, v.Commune = s.nafText(cs.NAFCode), s.communeText(cs.CommuneCode)
	v.Advisor, v.Secondary = s.advisorName(r.Context(), cs.AdvisorID), cs.SecondaryChamber
	for _, h := range cs.HandBacks {
		v.HandBacks = append(v.HandBacks, handBackLine{Advisor: s.advisorName(r.Context(), h.AdvisorID), Chamber: h.Chamber,
			Reason: casefile.Label("reason", h.Reason), Comment: h.Comment, ToOther: h.ToOtherChamber, At: h.At})
	}
	v.Contact = s.contactOf(r.Context(), c, cs.RequestID)
	v.Actions = cs.Waiting() && cs.AdvisorID == c.p.Subject
	v.Reasons, v.MaxComment, v.Token = casefile.HandBackReasons(), casefile.MaxComment, c.formToken
	base := "/dossiers/creation/" + url.PathEscape(cs.ID)
	v.TakeURL, v.HandBackURL = base+"/prise-en-charge", base+"/pas-pour-moi"
	s.journeyOf(r.Context(), c, cs, &v.Journey)
	v.Chronology = chronologyOf(cs, v.HandBacks, v.Journey)
	s.sessionsOf(r.Context(), c, cs, &v.Sessions)
	if v.Concern.Done == "" && r.URL.Query().Get("fait") == doneConcern {
		v.Concern.Done = concernDoneText
	}
	v.Concern = s.creationConcern(r.Context(), c, cs, v.Journey.Follow, v.Concern)
	// Errors titles the page "Erreur — …", so that a screen reader says at
	// once that the action was refused.
	s.render(w, r, status, "creation", layout{Title: "Dossier de création", Errors: v.Alert != nil, Signed: true, Token: c.formToken, Main: v})
}

// caseForm checks the session, the id and the form token of a case
// action; it answers when it returns false.
func (s *site) caseForm(w http.ResponseWriter, r *http.Request) (caseRequest, bool) {
	c, ok := s.caseStart(w, r)
	if !ok {
		return c, false
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxForm)
	if r.ParseForm() != nil || !s.validToken("session", c.bearer, r.PostForm.Get(csrfField)) {
		s.renderCase(w, r, c, http.StatusForbidden, "error", "Demande refusée", errorPage{Heading: "Demande refusée",
			Text: "Le formulaire a expiré ou ne vient pas de ce site : rechargez la page du dossier."})
		return c, false
	}
	return c, true
}

func (s *site) takeInCharge(w http.ResponseWriter, r *http.Request) {
	c, ok := s.caseForm(w, r)
	if !ok {
		return
	}
	s.afterAction(w, r, c, s.Cases.TakeInCharge(r.Context(), c.bearer, c.id), doneTaken, creationView{}, nil)
}

func (s *site) handBack(w http.ResponseWriter, r *http.Request) {
	c, ok := s.caseForm(w, r)
	if !ok {
		return
	}
	reason, comment, bad := handBackForm(r, casefile.ValidHandBackReason)
	v := creationView{Reason: reason, Comment: comment}
	if len(bad) > 0 {
		v.Alert = &alert{Title: "Le formulaire contient des erreurs", Fields: bad}
		s.showCreation(w, r, c, http.StatusUnprocessableEntity, v, false)
		return
	}
	s.afterAction(w, r, c, s.Cases.HandBack(r.Context(), c.bearer, c.id, reason, comment), doneHandBack, v, handBackFields)
}

// afterAction sends the advisor back to the case with a confirmation
// (303), or shows the owning service's refusal on the page, with its
// status: 403, 409, 422 above the forms, their fields named by ids;
// 404 and others as error pages.
func (s *site) afterAction(w http.ResponseWriter, r *http.Request, c caseRequest, err error, done string, v creationView, ids fieldIDs) {
	if err == nil {
		http.Redirect(w, r, "/dossiers/creation/"+url.PathEscape(c.id)+"?fait="+done, http.StatusSeeOther)
		return
	}
	ref, ok := peers.AsRefused(err)
	if !ok || (ref.Status != http.StatusForbidden && ref.Status != http.StatusConflict && ref.Status != http.StatusUnprocessableEntity) {
		s.caseError(w, r, c, err)
		return
	}
	v.Alert = &alert{Title: ref.Title, Text: ref.Detail, Fields: ids.inPage(ref.Fields)}
	v.Journey.Errors = fieldMessages(v.Alert.Fields)
	if v.Alert.Title == "" {
		v.Alert.Title = "Action refusée"
	}
	s.showCreation(w, r, c, ref.Status, v, false)
}
