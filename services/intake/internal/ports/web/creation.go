package web

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/ccicma/platform/pkg/refdata"

	"github.com/ccicma/platform/services/intake/internal/app"
	"github.com/ccicma/platform/services/intake/internal/domain/request"
)

// Names of the controls that are not fields of the request.
const (
	tokenField    = "form_token" // the idempotency key of this form
	honeypotField = "website"    // hidden from people; bots fill it
	actionField   = "action"     // which submit button was pressed
	nafPickField  = "naf_pick"   // a NAF code chosen among suggestions
)

// The form's submit buttons: send the request, or (without JavaScript)
// look up NAF codes or the communes of a postcode and come back.
const (
	actionSend    = "send"
	actionNAF     = "naf"
	actionCommune = "commune"
)

// nafSuggestions is how many NAF sub-classes a search shows.
const nafSuggestions = 10

var tokenPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{22}$`)

// newToken returns a fresh form token: 128 random bits.
func newToken() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // never fails (crypto/rand)
	return base64.RawURLEncoding.EncodeToString(b)
}

// creationFields are the controls of the creation form, in page order.
type creationFields struct {
	FirstName, LastName, Email, Phone                    *field
	Description, NAF, LegalForm, PlannedStart, Headcount *field
	SIRET, Postcode, Commune                             *field
}

func (f creationFields) list() []*field {
	return []*field{f.FirstName, f.LastName, f.Email, f.Phone, f.Description, f.NAF, f.LegalForm,
		f.PlannedStart, f.Headcount, f.SIRET, f.Postcode, f.Commune}
}

// creationPage is the data of creation.html.
type creationPage struct {
	Token  string
	F      creationFields
	Errors []summaryItem
	// Alert is a message about the whole form (not one field).
	Alert string
	// NAFLabel names the activity of a valid NAF code.
	NAFLabel string
	// NAFQuery and NAFChoices are a NAF search and its results.
	NAFQuery    string
	NAFSearched bool
	NAFChoices  []option
	// CommuneName is the only commune of the postcode, when there is one.
	CommuneName string
	// CommuneSearched: the applicant asked for the communes of the postcode.
	CommuneSearched bool

	candidates []refdata.Commune // the communes of the postcode typed
	badCount   bool              // the headcount typed is not a number
}

// newCreationPage fills the form with the values posted (none for a new
// form) and looks up what they refer to.
func (s *site) newCreationPage(v url.Values, token string) *creationPage {
	get := func(name string) string { return v.Get(name) }
	p := &creationPage{Token: token, F: creationFields{
		FirstName: &field{Name: "applicant.first_name", Label: "Prénom", Type: "text", Autocomplete: "given-name", MaxLength: request.MaxNameLen},
		LastName:  &field{Name: "applicant.last_name", Label: "Nom", Type: "text", Autocomplete: "family-name", MaxLength: request.MaxNameLen},
		Email: &field{Name: "applicant.email", Label: "Adresse électronique", Type: "email", Autocomplete: "email",
			Hint: "Format attendu : nom@domaine.fr. Un conseiller vous écrira à cette adresse.", MaxLength: 254},
		Phone: &field{Name: "applicant.phone", Label: "Numéro de téléphone", Type: "tel", Autocomplete: "tel", Optional: true,
			Hint: "Exemple : 06 12 34 56 78", MaxLength: 20},
		Description: &field{Name: "project.description", Label: "Votre projet en quelques lignes", Type: "textarea",
			Hint:      fmt.Sprintf("Activité, clientèle, lieu, où vous en êtes (10 à %d caractères).", request.MaxDescriptionLen),
			MaxLength: request.MaxDescriptionLen},
		NAF: &field{Name: "project.naf_code", Label: "Activité principale (code NAF)", Type: "text", Optional: true, List: "naf-options",
			Hint: "Saisissez le code NAF si vous le connaissez (exemple : 10.71C), ou des mots-clés puis « Chercher l'activité ».", MaxLength: 100},
		LegalForm: &field{Name: "project.legal_form", Label: "Forme juridique envisagée", Type: "select", Optional: true, Options: legalFormOptions()},
		PlannedStart: &field{Name: "project.planned_start", Label: "Date de démarrage prévue", Type: "date", Optional: true,
			Hint: "Format attendu : JJ/MM/AAAA"},
		Headcount: &field{Name: "project.planned_headcount", Label: "Nombre de salariés prévus au démarrage", Type: "text", Inputmode: "numeric",
			Hint: "0 si vous démarrez seul ou seule.", MaxLength: 6},
		SIRET: &field{Name: "project.siret", Label: "Numéro SIRET", Type: "text", Inputmode: "numeric", Optional: true,
			Hint: "14 chiffres, seulement si une entreprise est déjà immatriculée pour ce projet.", MaxLength: 20},
		Postcode: &field{Name: "project.postcode", Label: "Code postal", Type: "text", Inputmode: "numeric", Autocomplete: "postal-code",
			Hint: "Code postal de la commune où l'entreprise sera installée, 5 chiffres.", MaxLength: 5},
		Commune: &field{Name: "project.commune_code", Label: "Commune", Type: "select",
			Hint: "Ce code postal couvre plusieurs communes : choisissez la vôtre."},
	}}
	for _, f := range p.F.list() {
		f.Value = get(f.Name)
	}
	if pick := get(nafPickField); pick != "" {
		p.F.NAF.Value = pick
	}
	if e, ok := s.Ref.NAF(p.F.NAF.Value); ok {
		p.NAFLabel = e.Label
	}
	p.setCommunes(s.Ref.CommunesByPostcode(strings.TrimSpace(p.F.Postcode.Value)))
	return p
}

// setCommunes offers the communes of the postcode: a select when there are
// several, the commune's name when there is one.
func (p *creationPage) setCommunes(cs []refdata.Commune) {
	p.candidates = cs
	f := p.F.Commune
	f.Options = []option{{Value: "", Label: "Sélectionner votre commune"}}
	known := false
	for _, c := range cs {
		f.Options = append(f.Options, option{Value: c.Code, Label: c.Name})
		known = known || c.Code == f.Value
	}
	// A commune of another postcode (the postcode changed since) or the
	// only commune of this one: the applicant has nothing to choose.
	if !known || len(cs) < 2 {
		f.Value = ""
	}
	f.Hidden = len(cs) < 2
	if len(cs) == 1 {
		p.CommuneName = cs[0].Name
	}
}

// searchNAF lists the sub-classes matching what the applicant typed.
func (p *creationPage) searchNAF(ref Reference) {
	p.NAFQuery = strings.TrimSpace(p.F.NAF.Value)
	p.NAFSearched = true
	for _, e := range ref.SearchNAF(p.NAFQuery, nafSuggestions) {
		p.NAFChoices = append(p.NAFChoices, option{Value: e.Code, Label: e.Code + " — " + e.Label})
	}
}

// input is the request as the use case takes it.
func (p *creationPage) input() request.CreationInput {
	v := func(f *field) string { return strings.TrimSpace(f.Value) }
	headcount := 0
	if h := strings.ReplaceAll(v(p.F.Headcount), " ", ""); h != "" {
		n, err := strconv.Atoi(h)
		if err != nil {
			// Out of range on purpose: the use case then reports it along
			// with every other problem, and stores nothing.
			n, p.badCount = -1, true
		}
		headcount = n
	}
	return request.CreationInput{
		FirstName: v(p.F.FirstName), LastName: v(p.F.LastName), Email: v(p.F.Email), Phone: v(p.F.Phone),
		Description: v(p.F.Description), NAFCode: v(p.F.NAF), LegalForm: v(p.F.LegalForm),
		Postcode: v(p.F.Postcode), CommuneCode: v(p.F.Commune), PlannedStart: isoDate(v(p.F.PlannedStart)),
		PlannedHeadcount: headcount, SIRET: v(p.F.SIRET),
	}
}

var frenchDatePattern = regexp.MustCompile(`^(\d{1,2})/(\d{1,2})/(\d{4})$`)

// isoDate reads a date typed JJ/MM/AAAA (browsers without a date picker)
// as AAAA-MM-JJ; anything else goes to the domain as typed.
func isoDate(s string) string {
	m := frenchDatePattern.FindStringSubmatch(s)
	if m == nil {
		return s
	}
	day, _ := strconv.Atoi(m[1])
	month, _ := strconv.Atoi(m[2])
	return fmt.Sprintf("%s-%02d-%02d", m[3], month, day)
}

// setProblems puts each problem beside its field and lists them all in
// the summary, in page order.
func (p *creationPage) setProblems(ps request.Problems) {
	byField := map[string]*field{}
	for _, f := range p.F.list() {
		byField[f.Name] = f
	}
	var orphans []summaryItem
	for _, pr := range ps {
		msg := p.message(pr)
		f, ok := byField[pr.Field]
		if !ok {
			orphans = append(orphans, summaryItem{Href: "#creation-form", Message: msg})
			continue
		}
		if f.Error != "" {
			f.Error += " "
		}
		f.Error += msg
	}
	for _, f := range p.F.list() {
		if f.Error != "" {
			p.Errors = append(p.Errors, summaryItem{Href: "#" + f.ID(), Message: f.Error})
		}
	}
	p.Errors = append(p.Errors, orphans...)
}

// message words a problem for this form, where the domain's wording is
// meant for API clients.
func (p *creationPage) message(pr request.Problem) string {
	switch {
	case pr.Field == p.F.Headcount.Name && p.badCount:
		return "Indiquez un nombre entier de salariés, 0 si vous démarrez seul ou seule."
	case pr.Field == p.F.Commune.Name && pr.Code == "ambiguous":
		return fmt.Sprintf("Ce code postal couvre %d communes : choisissez la vôtre dans la liste.", len(p.candidates))
	case pr.Field == p.F.PlannedStart.Name && pr.Code == "format":
		return "Indiquez une date valide, par exemple 01/03/2027."
	case pr.Field == p.F.NAF.Name && pr.Code == "unknown":
		if _, code := refdata.NormalizeNAF(p.F.NAF.Value); code {
			return "Code NAF inconnu dans la nomenclature NAF rév. 2 : vérifiez-le (exemple : 10.71C)."
		}
		if len(p.NAFChoices) > 0 {
			return "Choisissez votre activité dans la liste sous ce champ, ou saisissez un code NAF (exemple : 10.71C)."
		}
		return "Aucune activité ne correspond à ces mots : essayez-en d'autres, ou saisissez un code NAF (exemple : 10.71C)."
	}
	return pr.Message
}

func (s *site) creationForm(w http.ResponseWriter, r *http.Request) {
	s.renderCreation(w, r, http.StatusOK, s.newCreationPage(nil, newToken()))
}

func (s *site) renderCreation(w http.ResponseWriter, r *http.Request, status int, p *creationPage) {
	s.render(w, r, status, "creation", layout{Title: "Projet de création d'entreprise", ErrorCount: len(p.Errors), Main: p})
}

// parseForm reads a urlencoded form of at most MaxBody bytes; on failure
// it has answered.
func (s *site) parseForm(w http.ResponseWriter, r *http.Request, back string) (url.Values, bool) {
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/x-www-form-urlencoded" {
		s.renderError(w, r, http.StatusUnsupportedMediaType, errorPage{Heading: "Envoi non pris en charge",
			Text: "Ce formulaire s'envoie depuis la page du formulaire.", Back: back})
		return nil, false
	}
	r.Body = http.MaxBytesReader(w, r.Body, MaxBody)
	if err := r.ParseForm(); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			s.renderError(w, r, http.StatusRequestEntityTooLarge, errorPage{Heading: "Formulaire trop volumineux",
				Text: fmt.Sprintf("Le formulaire envoyé dépasse %d Ko : raccourcissez les textes saisis.", MaxBody>>10), Back: back})
			return nil, false
		}
		s.renderError(w, r, http.StatusBadRequest, errorPage{Heading: "Formulaire illisible",
			Text: "Le formulaire reçu est illisible. Rechargez la page et recommencez.", Back: back})
		return nil, false
	}
	return r.PostForm, true
}

func (s *site) submitCreation(w http.ResponseWriter, r *http.Request) {
	v, ok := s.parseForm(w, r, "/creation")
	if !ok {
		return
	}
	if v.Get(honeypotField) != "" {
		// A bot: it gets the answer it expects, and nothing is stored.
		s.Log.InfoContext(r.Context(), "form honeypot filled, submission dropped", "form", "creation")
		s.render(w, r, http.StatusOK, "sent", layout{Title: "Demande envoyée"})
		return
	}
	token := v.Get(tokenField)
	var idem *app.Idempotency
	if !tokenPattern.MatchString(token) {
		token = newToken() // for the next post; this one cannot be deduplicated
	}
	p := s.newCreationPage(v, token)
	switch v.Get(actionField) {
	case actionNAF:
		p.searchNAF(s.Ref)
		s.renderCreation(w, r, http.StatusOK, p)
		return
	case actionCommune:
		p.CommuneSearched = true
		s.renderCreation(w, r, http.StatusOK, p)
		return
	}
	in := p.input()
	if token == v.Get(tokenField) {
		idem = formIdempotency(token, in)
	}
	out, err := s.Creation.Submit(r.Context(), in, idem)
	var ps request.Problems
	switch {
	case err == nil:
		http.Redirect(w, r, statusPath(out.RequestID)+"?envoyee=1", http.StatusSeeOther)
	case errors.As(err, &ps):
		if p.NAFLabel == "" && strings.TrimSpace(p.F.NAF.Value) != "" {
			p.searchNAF(s.Ref) // words rather than a code: offer the matches
		}
		p.setProblems(ps)
		s.renderCreation(w, r, http.StatusUnprocessableEntity, p)
	case errors.Is(err, app.ErrIdempotencyConflict):
		// This form was sent already, then changed (the back button): a
		// new token makes the next click a new request, by choice.
		p.Token = newToken()
		p.Alert = "Ce formulaire a déjà servi à envoyer une demande, avec d'autres informations. " +
			"Vérifiez celles-ci puis cliquez à nouveau sur « Envoyer ma demande » pour envoyer une nouvelle demande."
		s.renderCreation(w, r, http.StatusConflict, p)
	default:
		s.Log.ErrorContext(r.Context(), "submit creation form", "err", err)
		p.Alert = "Le service est momentanément indisponible : votre demande n'a pas été enregistrée. " +
			"Vos informations sont conservées ci-dessous ; réessayez dans un instant."
		s.renderCreation(w, r, http.StatusServiceUnavailable, p)
	}
}

// formIdempotency makes the form token the submission's idempotency key:
// the same form posted twice with the same values is one request.
func formIdempotency(token string, in request.CreationInput) *app.Idempotency {
	canonical, _ := json.Marshal(in) // plain strings and ints: cannot fail
	fp := sha256.Sum256(canonical)
	return &app.Idempotency{Key: "form-" + token, Fingerprint: fp[:]}
}

// CommuneNotFound: the applicant asked for the communes of a postcode that
// has none.
func (p *creationPage) CommuneNotFound() bool { return p.CommuneSearched && len(p.candidates) == 0 }
