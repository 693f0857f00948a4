package web

import (
	"errors"
	"fmt"
	"math"
	"net/http"
	"strings"

	"github.com/ccicma/platform/services/advisor-desk/internal/domain/credential"
)

// maxForm bounds a form's body.
const maxForm = 16 << 10

// signInPage is the data of signin.html.
type signInPage struct {
	Login string
	Token string
	Error string // shown above the form, announced on load
}

func (s *site) signInPage(w http.ResponseWriter, r *http.Request) {
	if _, _, ok := s.session(r); ok {
		http.Redirect(w, r, "/boite", http.StatusSeeOther)
		return
	}
	s.renderSignIn(w, r, http.StatusOK, signInPage{})
}

func (s *site) renderSignIn(w http.ResponseWriter, r *http.Request, status int, p signInPage) {
	p.Token = s.token("login", loginValue(w, r))
	s.render(w, r, status, "signin", layout{Title: "Connexion", Errors: p.Error != "", Main: p})
}

func (s *site) signIn(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxForm)
	if err := r.ParseForm(); err != nil {
		s.renderSignIn(w, r, http.StatusBadRequest, signInPage{Error: "Le formulaire envoyé est invalide."})
		return
	}
	login := strings.TrimSpace(r.PostForm.Get("identifiant"))
	if len(login) > credential.MaxLoginLength {
		login = login[:credential.MaxLoginLength]
	}
	c, err := r.Cookie(loginCookie)
	if err != nil || !s.validToken("login", c.Value, r.PostForm.Get(csrfField)) {
		s.renderSignIn(w, r, http.StatusForbidden, signInPage{Login: login,
			Error: "Le formulaire a expiré ou ne vient pas de ce site : saisissez à nouveau votre mot de passe."})
		return
	}
	ok, wait, succeeded := s.attempts.take(login)
	if !ok {
		mins := max(int(math.Ceil(wait.Minutes())), 1)
		w.Header().Set("Retry-After", fmt.Sprint(int(math.Ceil(wait.Seconds()))))
		s.renderSignIn(w, r, http.StatusTooManyRequests, signInPage{Login: login,
			Error: fmt.Sprintf("Trop de tentatives pour cet identifiant : réessayez dans %d minute%s.", mins, plural(mins))})
		return
	}
	tok, a, err := s.SignIn.SignIn(r.Context(), login, r.PostForm.Get("mot_de_passe"))
	switch {
	case errors.Is(err, credential.ErrBadCredentials):
		s.renderSignIn(w, r, http.StatusUnauthorized, signInPage{Login: login, Error: "Identifiant ou mot de passe incorrect."})
		return
	case err != nil:
		succeeded() // the service failed, not the advisor
		s.Log.ErrorContext(r.Context(), "web sign-in", "err", err)
		s.renderError(w, r, http.StatusServiceUnavailable, "Service momentanément indisponible", "Réessayez dans quelques instants.")
		return
	}
	succeeded()
	s.Log.InfoContext(r.Context(), "advisor signed in to the web desk", "advisor_id", a.AdvisorID, "expires_at", tok.ExpiresAt)
	clearCookie(w, r, loginCookie, "/connexion")
	setSession(w, r, tok)
	http.Redirect(w, r, "/boite", http.StatusSeeOther)
}

// signOut forgets the session in the browser. The token stays valid until
// it expires (it is not revocable), which its short life bounds.
func (s *site) signOut(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxForm)
	_, tok, ok := s.session(r)
	if ok && (r.ParseForm() != nil || !s.validToken("session", sessionValue(r), r.PostForm.Get(csrfField)) || tok == "") {
		s.renderError(w, r, http.StatusForbidden, "Demande refusée", "Le formulaire a expiré ou ne vient pas de ce site.")
		return
	}
	clearCookie(w, r, SessionCookie, "/")
	http.Redirect(w, r, "/connexion", http.StatusSeeOther)
}

func sessionValue(r *http.Request) string {
	if c, err := r.Cookie(SessionCookie); err == nil {
		return c.Value
	}
	return ""
}

func plural(n int) string {
	if n > 1 {
		return "s"
	}
	return ""
}
