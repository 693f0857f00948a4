package httpapi

import (
	"context"
	"errors"
	"log/slog"
	"net/http"

	"github.com/ccicma/platform/pkg/auth"
	"github.com/ccicma/platform/pkg/httpserver"

	"github.com/ccicma/platform/services/advisor-desk/internal/domain/directory"
	"github.com/ccicma/platform/services/advisor-desk/internal/domain/mail"
)

// MailPreferences reads and sets advisors' e-mail preferences
// (app.MailPreference).
type MailPreferences interface {
	Get(ctx context.Context, advisorID string) (mail.Mode, bool, error)
	Set(ctx context.Context, advisorID, mode string) (mail.Mode, error)
}

// MailPreferenceRoutes serves an advisor's own e-mail preference: each
// notification, a daily digest, or none. Nobody else reads or sets it,
// not even a manager or an admin.
type MailPreferenceRoutes struct {
	Preferences MailPreferences
	Auth        interface {
		Require(http.Handler) http.Handler
	}
	Log *slog.Logger
}

const mailPreferencePath = "/api/v1/advisors/{id}/mail-preference"

// Register adds the routes to mux.
func (rt MailPreferenceRoutes) Register(mux *http.ServeMux) {
	mux.Handle("GET "+mailPreferencePath, rt.Auth.Require(http.HandlerFunc(rt.get)))
	mux.Handle("PUT "+mailPreferencePath, rt.Auth.Require(http.HandlerFunc(rt.put)))
}

type mailPreferenceBody struct {
	AdvisorID string `json:"advisor_id"`
	Mode      string `json:"mode"`
	// Chosen is false while the advisor follows the service's default.
	Chosen bool `json:"chosen"`
}

// self answers 403 unless the principal is the advisor of the path.
func (rt MailPreferenceRoutes) self(w http.ResponseWriter, r *http.Request) (string, bool) {
	id := r.PathValue("id")
	p, ok := auth.FromContext(r.Context())
	if !ok || p.Subject != id {
		auth.Forbid(w, r, "Vous ne pouvez consulter ou modifier que votre propre préférence de courriel.")
		return "", false
	}
	return id, true
}

func (rt MailPreferenceRoutes) get(w http.ResponseWriter, r *http.Request) {
	id, ok := rt.self(w, r)
	if !ok {
		return
	}
	mode, chosen, err := rt.Preferences.Get(r.Context(), id)
	if err != nil {
		rt.fail(w, r, err)
		return
	}
	httpserver.WriteJSON(w, http.StatusOK, mailPreferenceBody{AdvisorID: id, Mode: string(mode), Chosen: chosen})
}

func (rt MailPreferenceRoutes) put(w http.ResponseWriter, r *http.Request) {
	id, ok := rt.self(w, r)
	if !ok {
		return
	}
	var req struct {
		Mode string `json:"mode"`
	}
	if !httpserver.ReadJSON(w, r, 1<<10, &req) {
		return
	}
	mode, err := rt.Preferences.Set(r.Context(), id, req.Mode)
	if err != nil {
		rt.fail(w, r, err)
		return
	}
	rt.Log.InfoContext(r.Context(), "mail preference set", "advisor_id", id, "mode", mode)
	httpserver.WriteJSON(w, http.StatusOK, mailPreferenceBody{AdvisorID: id, Mode: string(mode), Chosen: true})
}

func (rt MailPreferenceRoutes) fail(w http.ResponseWriter, r *http.Request, err error) {
	switch {
	case errors.Is(err, mail.ErrInvalidMode):
		httpserver.WriteProblem(w, r, httpserver.Problem{Status: http.StatusUnprocessableEntity, Title: "Préférence invalide",
			Errors: []httpserver.FieldError{{Field: "mode", Code: "invalid",
				Message: "Valeurs possibles : each (un courriel par notification), digest (récapitulatif quotidien), none (aucun courriel)."}}})
	case errors.Is(err, directory.ErrUnknown):
		httpserver.WriteProblem(w, r, httpserver.Problem{Status: http.StatusNotFound, Title: "Conseiller inconnu"})
	default:
		rt.Log.ErrorContext(r.Context(), "mail preference", "err", err)
		httpserver.WriteProblem(w, r, httpserver.Problem{Status: http.StatusServiceUnavailable, Title: "Service momentanément indisponible"})
	}
}
