package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"

	"github.com/ccicma/platform/pkg/httpserver"

	"github.com/ccicma/platform/services/advisor-desk/internal/app"
	"github.com/ccicma/platform/services/advisor-desk/internal/domain/notification"
)

// Values of the inbox's "etat" filter.
const (
	stateAll    = "toutes"
	stateUnread = "non-lues"
)

// inboxPage is the data of inbox.html.
type inboxPage struct {
	Name, Chamber string
	Items         []item
	Unread        int
	LastID        int64
	UnreadOnly    bool
	Domain        string
	Domains       []notification.Domain
	Token         string
	Return        string // this page's URL, where a form sends the advisor back
	Stream        string // the API's event stream of the advisor
	// Mail are the e-mail choices, the advisor's checked (none: no form);
	// MailSaved confirms a choice just made.
	Mail      []mailChoice
	MailSaved bool
}

// item is one notification on the page.
type item struct {
	notification.Notification
	DomainLabel   string
	Token, Return string // of its mark-read form
}

// filterOf reads the query: ok=false on an unknown value.
func filterOf(q url.Values) (notification.Filter, bool) {
	f := notification.Filter{Domain: q.Get("domaine")}
	switch q.Get("etat") {
	case "", stateAll:
	case stateUnread:
		f.UnreadOnly = true
	default:
		return f, false
	}
	return f, f.Validate() == nil
}

// returnURL is the inbox URL of a filter.
func returnURL(f notification.Filter) string {
	q := url.Values{}
	if f.UnreadOnly {
		q.Set("etat", stateUnread)
	}
	if f.Domain != "" {
		q.Set("domaine", f.Domain)
	}
	if len(q) == 0 {
		return "/boite"
	}
	return "/boite?" + q.Encode()
}

func (s *site) inbox(w http.ResponseWriter, r *http.Request) {
	p, token, ok := s.session(r)
	if !ok {
		clearCookie(w, r, SessionCookie, "/")
		http.Redirect(w, r, "/connexion", http.StatusSeeOther)
		return
	}
	f, ok := filterOf(r.URL.Query())
	if !ok {
		s.renderError(w, r, http.StatusBadRequest, "Filtre inconnu", "Ce filtre de la boîte de réception n'existe pas.")
		return
	}
	in, err := s.Inbox.Read(r.Context(), p.Subject, f)
	if err != nil {
		s.Log.ErrorContext(r.Context(), "read inbox", "err", err)
		s.renderError(w, r, http.StatusServiceUnavailable, "Service momentanément indisponible", "Réessayez dans quelques instants.")
		return
	}
	page := inboxPage{Name: p.Subject, Chamber: p.Chamber, Unread: in.Unread, LastID: in.LastID, UnreadOnly: f.UnreadOnly,
		Domain: f.Domain, Domains: notification.Domains(), Token: token, Return: returnURL(f),
		Stream: "/api/v1/advisors/" + url.PathEscape(p.Subject) + "/notifications/stream"}
	if a, err := s.Directory.Get(r.Context(), p.Subject); err == nil {
		page.Name = a.FullName
	}
	if s.Mail != nil {
		if mode, _, err := s.Mail.Get(r.Context(), p.Subject); err == nil {
			page.Mail, page.MailSaved = mailChoices(mode), r.URL.Query().Get("courriels") == "enregistre"
		}
	}
	labels := map[string]string{}
	for _, d := range page.Domains {
		labels[d.Code] = d.Label
	}
	for _, n := range in.Items {
		page.Items = append(page.Items, item{Notification: n, DomainLabel: labels[notification.DomainOf(n.Kind)],
			Token: token, Return: page.Return})
	}
	s.render(w, r, http.StatusOK, "inbox", layout{Title: "Boîte de réception", Signed: true, Token: token, Main: page})
}

// markRead marks notifications read: the "id" fields, or all with "tout".
// A form post gets the inbox back; a script (Accept: application/json)
// gets the unread count.
func (s *site) markRead(w http.ResponseWriter, r *http.Request) {
	asJSON := r.Header.Get("Accept") == "application/json"
	p, _, ok := s.session(r)
	if !ok {
		if asJSON {
			httpserver.WriteProblem(w, r, httpserver.Problem{Status: http.StatusUnauthorized, Title: "Authentification requise"})
			return
		}
		http.Redirect(w, r, "/connexion", http.StatusSeeOther)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxForm)
	var ids []int64
	err := r.ParseForm()
	switch {
	case err != nil:
		err = errBadIDs
	case !s.validToken("session", sessionValue(r), r.PostForm.Get(csrfField)):
		err = errForged
	default:
		ids, err = markForm(r.PostForm)
	}
	if err != nil {
		s.refuse(w, r, asJSON, err)
		return
	}
	unread, err := s.MarkRead.Mark(r.Context(), p.Subject, ids)
	if err != nil {
		s.Log.ErrorContext(r.Context(), "mark read", "err", err)
		s.renderError(w, r, http.StatusServiceUnavailable, "Service momentanément indisponible", "Réessayez dans quelques instants.")
		return
	}
	if asJSON {
		httpserver.WriteJSON(w, http.StatusOK, map[string]int{"unread": unread})
		return
	}
	back := "/boite"
	if f, ok := filterOf(queryOf(r.PostForm.Get("retour"))); ok {
		back = returnURL(f) // rebuilt, never echoed: no open redirect
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
}

var (
	errForged = errors.New("form token missing or wrong")
	errBadIDs = errors.New("bad notification ids")
)

// markForm reads the ids to mark; none with "tout" means all.
func markForm(form url.Values) ([]int64, error) {
	raw := form["id"]
	if len(raw) > app.MaxMarked || (len(raw) == 0 && form.Get("tout") == "") {
		return nil, errBadIDs
	}
	ids := make([]int64, 0, len(raw))
	for _, v := range raw {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			return nil, errBadIDs
		}
		ids = append(ids, n)
	}
	return ids, nil
}

func (s *site) refuse(w http.ResponseWriter, r *http.Request, asJSON bool, err error) {
	status, title, detail := http.StatusBadRequest, "Demande invalide", "Les notifications à marquer sont mal désignées."
	if errors.Is(err, errForged) {
		status, title, detail = http.StatusForbidden, "Demande refusée", "Le formulaire a expiré ou ne vient pas de ce site : rechargez la page."
	}
	if asJSON {
		httpserver.WriteProblem(w, r, httpserver.Problem{Status: status, Title: title, Detail: detail})
		return
	}
	s.renderError(w, r, status, title, detail)
}

// queryOf is the query of a return URL of the inbox, or none.
func queryOf(ret string) url.Values {
	u, err := url.Parse(ret)
	if err != nil || u.Path != "/boite" || u.Host != "" {
		return url.Values{}
	}
	return u.Query()
}
