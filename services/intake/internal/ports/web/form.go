package web

import (
	"context"
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

	"github.com/ccicma/platform/services/intake/internal/app"
	"github.com/ccicma/platform/services/intake/internal/domain/request"
)

// Names of the controls that are not fields of the request.
const (
	tokenField    = "form_token" // the idempotency key of this form
	honeypotField = "website"    // hidden from people; bots fill it
	actionField   = "action"     // which submit button was pressed
)

// actionSend is the submit button that sends the request; the others look
// something up (without JavaScript) and bring the form back.
const actionSend = "send"

var tokenPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{22}$`)

// newToken returns a fresh form token: 128 random bits.
func newToken() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // never fails (crypto/rand)
	return base64.RawURLEncoding.EncodeToString(b)
}

// form is what every request form's page holds besides its fields.
type form struct {
	ID     string // element id of the <form>, e.g. "cession-form"
	Path   string // where it is posted, e.g. "/cession"
	Token  string
	Errors []summaryItem
	// Alert is a message about the whole form (not one field).
	Alert string

	fields []*field  // in page order
	ref    Reference // for the look-ups
}

// fill sets every field from the posted values (none for a new form).
func (f *form) fill(v url.Values) {
	if v == nil {
		return
	}
	for _, fl := range f.fields {
		fl.set(v)
	}
}

// field returns the field a problem is about: the field of that name, or
// of the nearest enclosing name ("search.sectors[2]" is about
// "search.sectors"); nil if none.
func (f *form) field(name string) *field {
	for name != "" {
		for _, fl := range f.fields {
			if fl.Name == name {
				return fl
			}
		}
		i := strings.LastIndexAny(name, ".[")
		if i < 0 {
			break
		}
		name = name[:i]
	}
	return nil
}

// setProblems puts each problem beside its field, worded by message (nil:
// the field's wording), and lists them all in the summary, in page order.
func (f *form) setProblems(ps request.Problems, message func(request.Problem, *field) string) {
	var orphans []summaryItem
	for _, pr := range ps {
		fl := f.field(pr.Field)
		if fl == nil {
			orphans = append(orphans, summaryItem{Href: "#" + f.ID, Message: pr.Message})
			continue
		}
		msg := ""
		if message != nil {
			msg = message(pr, fl)
		}
		if msg == "" {
			msg = fl.message(pr)
		}
		if strings.Contains(fl.Error, msg) {
			continue // the same words twice help no one
		}
		if fl.Error != "" {
			fl.Error += " "
		}
		fl.Error += msg
	}
	for _, fl := range f.fields {
		if fl.Error != "" {
			f.Errors = append(f.Errors, summaryItem{Href: "#" + fl.AnchorID(), Message: fl.Error})
		}
	}
	f.Errors = append(f.Errors, orphans...)
}

// requestForm is the page of one kind of request, built from what was
// posted.
type requestForm[In any] interface {
	base() *form
	// lookup runs a look-up button (a NAF search, the communes of a
	// postcode...) and tells whether action was one.
	lookup(action string) bool
	// input is the request as the use case takes it.
	input() In
	// invalid sets the problems the use case found.
	invalid(ps request.Problems)
}

// formSpec describes a request form: where it lives and what it submits.
type formSpec[In any] struct {
	name  string // for logs
	path  string
	page  string // template
	title string
	build func(v url.Values, token string) requestForm[In]
	// submit is the use case.
	submit func(ctx context.Context, in In, idem *app.Idempotency) (app.Submitted, error)
}

// handleForm serves a request form: GET shows it empty, POST looks things
// up or sends the request.
func handleForm[In any](mux *http.ServeMux, s *site, spec formSpec[In]) {
	mux.HandleFunc("GET "+spec.path, func(w http.ResponseWriter, r *http.Request) {
		s.renderForm(w, r, http.StatusOK, spec.page, spec.title, spec.build(nil, newToken()))
	})
	mux.HandleFunc("POST "+spec.path, func(w http.ResponseWriter, r *http.Request) { submitForm(s, w, r, spec) })
}

func (s *site) renderForm(w http.ResponseWriter, r *http.Request, status int, page, title string, p interface{ base() *form }) {
	s.render(w, r, status, page, layout{Title: title, ErrorCount: len(p.base().Errors), Main: p})
}

func submitForm[In any](s *site, w http.ResponseWriter, r *http.Request, spec formSpec[In]) {
	v, ok := s.parseForm(w, r, spec.path)
	if !ok {
		return
	}
	if v.Get(honeypotField) != "" {
		// A bot: it gets the answer it expects, and nothing is stored.
		s.Log.InfoContext(r.Context(), "form honeypot filled, submission dropped", "form", spec.name)
		s.render(w, r, http.StatusOK, "sent", layout{Title: "Demande envoyée"})
		return
	}
	token := v.Get(tokenField)
	if !tokenPattern.MatchString(token) {
		token = newToken() // for the next post; this one cannot be deduplicated
	}
	p := spec.build(v, token)
	render := func(status int) { s.renderForm(w, r, status, spec.page, spec.title, p) }
	if action := v.Get(actionField); action != actionSend && p.lookup(action) {
		render(http.StatusOK)
		return
	}
	in := p.input()
	var idem *app.Idempotency
	if token == v.Get(tokenField) {
		idem = formIdempotency(token, in)
	}
	out, err := spec.submit(r.Context(), in, idem)
	var ps request.Problems
	switch {
	case err == nil:
		http.Redirect(w, r, statusPath(out.RequestID)+"?envoyee=1", http.StatusSeeOther)
	case errors.As(err, &ps):
		p.invalid(ps)
		render(http.StatusUnprocessableEntity)
	case errors.Is(err, app.ErrIdempotencyConflict):
		// This form was sent already, then changed (the back button): a
		// new token makes the next click a new request, by choice.
		p.base().Token = newToken()
		p.base().Alert = "Ce formulaire a déjà servi à envoyer une demande, avec d'autres informations. " +
			"Vérifiez celles-ci puis cliquez à nouveau sur « Envoyer ma demande » pour envoyer une nouvelle demande."
		render(http.StatusConflict)
	default:
		// Never what was typed: a difficulty report is confidential.
		s.Log.ErrorContext(r.Context(), "submit form", "form", spec.name, "err", err)
		p.base().Alert = "Le service est momentanément indisponible : votre demande n'a pas été enregistrée. " +
			"Vos informations sont conservées ci-dessous ; réessayez dans un instant."
		render(http.StatusServiceUnavailable)
	}
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

// formIdempotency makes the form token the submission's idempotency key:
// the same form posted twice with the same values is one request.
func formIdempotency(token string, in any) *app.Idempotency {
	canonical, _ := json.Marshal(in) // strings, numbers, lists and maps: cannot fail
	fp := sha256.Sum256(canonical)
	return &app.Idempotency{Key: "form-" + token, Fingerprint: fp[:]}
}

// numState is how a number field read.
type numState int

const (
	numOK    numState = iota
	numEmpty          // nothing typed
	numBad            // not a whole number
)

// Spaces people put in numbers: "150 000", with a no-break or a narrow
// no-break space as a word processor writes them.
var numberSpaces = strings.NewReplacer(" ", "", "\u00a0", "", "\u202f", "", "€", "")

// thousandsDots is a number grouped by dots, "150.000".
var thousandsDots = regexp.MustCompile(`^\d{1,3}(\.\d{3})+$`)

// intValue reads a whole number typed in f ("150 000", "150 000 €",
// "150.000"). An empty or unreadable field gives -1, out of every range on
// purpose: the use case then reports it along with every other problem and
// stores nothing, and f words the problem (Missing, NotNumber). When
// optional, an empty field reads as 0.
func intValue(f *field, emptyIsZero bool) int64 {
	s := numberSpaces.Replace(f.trimmed())
	if thousandsDots.MatchString(s) {
		s = strings.ReplaceAll(s, ".", "")
	}
	if s == "" {
		if emptyIsZero {
			return 0
		}
		f.num = numEmpty
		return -1
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		f.num = numBad
		return -1
	}
	return n
}

// codes splits a list of codes typed in a field: separated by commas,
// semicolons, spaces or line breaks.
func codes(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool {
		return r == ',' || r == ';' || r == '\n' || r == '\r' || r == '\t' || r == ' ' || r == '\u00a0'
	})
}

// addCodes appends to a list typed in a field the picked codes it lacks
// (same compares codes as typed and picked), one a line when the list is
// written one a line.
func addCodes(typed string, picked []string, same func(a, b string) bool) string {
	have := codes(typed)
	out := strings.TrimRight(typed, " ,;\r\n\t")
	sep := ", "
	if strings.Contains(out, "\n") {
		sep = "\n"
	}
	for _, p := range picked {
		dup := false
		for _, h := range have {
			dup = dup || same(h, p)
		}
		if dup || p == "" {
			continue
		}
		have = append(have, p)
		if out != "" {
			out += sep
		}
		out += p
	}
	return out
}

// listCodes formats codes for a message: « 99 », « AB ».
func listCodes(cs []string) string {
	quoted := make([]string, len(cs))
	for i, c := range cs {
		quoted[i] = "« " + c + " »"
	}
	return strings.Join(quoted, ", ")
}
