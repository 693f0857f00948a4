package web

import (
	"context"
	"errors"
	"net/http"

	"github.com/ccicma/platform/services/advisor-desk/internal/domain/mail"
)

// MailPreferences reads and sets an advisor's own e-mail preference
// (app.MailPreference).
type MailPreferences interface {
	Get(ctx context.Context, advisorID string) (mail.Mode, bool, error)
	Set(ctx context.Context, advisorID, mode string) (mail.Mode, error)
}

// mailChoice is one choice of the inbox's e-mail form.
type mailChoice struct {
	Mode    mail.Mode
	Label   string
	Checked bool
}

// mailChoices are the e-mail form's choices, current one checked.
func mailChoices(current mail.Mode) []mailChoice {
	out := []mailChoice{
		{Mode: mail.ModeEach, Label: "Un courriel à chaque notification"},
		{Mode: mail.ModeDigest, Label: "Un résumé quotidien"},
		{Mode: mail.ModeNone, Label: "Aucun courriel (la boîte seulement)"},
	}
	for i := range out {
		out[i].Checked = out[i].Mode == current
	}
	return out
}

// setMail stores the advisor's choice posted by the inbox's e-mail form
// and sends them back to the inbox, which confirms it.
func (s *site) setMail(w http.ResponseWriter, r *http.Request) {
	p, _, ok := s.session(r)
	if !ok {
		http.Redirect(w, r, "/connexion", http.StatusSeeOther)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxForm)
	if err := r.ParseForm(); err != nil {
		s.renderError(w, r, http.StatusBadRequest, "Demande invalide", "Le formulaire n'a pas pu être lu.")
		return
	}
	if !s.validToken("session", sessionValue(r), r.PostForm.Get(csrfField)) {
		s.refuse(w, r, false, errForged)
		return
	}
	_, err := s.Mail.Set(r.Context(), p.Subject, r.PostForm.Get("courriels"))
	switch {
	case errors.Is(err, mail.ErrInvalidMode):
		s.renderError(w, r, http.StatusUnprocessableEntity, "Choix inconnu", "Choisissez l'une des trois façons de recevoir vos notifications.")
		return
	case err != nil:
		s.Log.ErrorContext(r.Context(), "set mail preference", "err", err)
		s.renderError(w, r, http.StatusServiceUnavailable, "Service momentanément indisponible", "Réessayez dans quelques instants.")
		return
	}
	http.Redirect(w, r, "/boite?courriels=enregistre", http.StatusSeeOther)
}
