package auth

import (
	"errors"
	"net/http"
	"strings"

	"github.com/golang-jwt/jwt/v5"

	"github.com/ccicma/platform/pkg/httpserver"
)

// Realm names the protection space in WWW-Authenticate challenges.
const Realm = "ccicma"

// queryParam carries the token on event-stream routes only (RFC 6750 §2.3).
const queryParam = "access_token"

// Require admits only requests with a valid bearer token in the
// Authorization header, and puts their Principal in the context
// (FromContext). Others get a 401 problem with a WWW-Authenticate
// challenge.
func (v *Verifier) Require(next http.Handler) http.Handler { return v.require(next, false) }

// RequireStream is Require for server-sent event routes, which also accept
// the token as ?access_token=: a browser's EventSource cannot send headers.
// A URL is more exposed than a header (history, proxies' logs, Referer), so
// only these routes take it: the platform logs route patterns, never query
// strings; the parameter is removed from the request before the handler
// runs; and the response forbids sending it on as a Referer. Tokens are
// short-lived, and the stream ends when its token expires.
func (v *Verifier) RequireStream(next http.Handler) http.Handler { return v.require(next, true) }

func (v *Verifier) require(next http.Handler, allowQuery bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw, fromQuery, bad := bearerToken(r, allowQuery)
		if bad != "" {
			challenge(w, r, http.StatusBadRequest, "invalid_request", bad, "Requête d'authentification invalide",
				"Le jeton d'accès doit être envoyé d'une seule façon.")
			return
		}
		if raw == "" {
			challenge(w, r, http.StatusUnauthorized, "", "", "Authentification requise",
				"Un jeton d'accès est requis (en-tête Authorization: Bearer).")
			return
		}
		p, err := v.Verify(r.Context(), raw)
		if err != nil {
			// The reason is logged for diagnosis; the token never is.
			v.log.DebugContext(r.Context(), "bearer token refused", "err", err)
			desc, detail := "The access token is invalid", "Le jeton d'accès est invalide."
			switch {
			case errors.Is(err, jwt.ErrTokenExpired):
				desc, detail = "The access token expired", "Le jeton d'accès a expiré."
			case errors.Is(err, jwt.ErrTokenNotValidYet), errors.Is(err, jwt.ErrTokenUsedBeforeIssued):
				desc, detail = "The access token is not valid yet", "Le jeton d'accès n'est pas encore valide."
			}
			challenge(w, r, http.StatusUnauthorized, "invalid_token", desc, "Authentification requise", detail)
			return
		}
		if fromQuery {
			w.Header().Set("Referrer-Policy", "no-referrer")
			r = stripQueryToken(r)
		}
		next.ServeHTTP(w, r.WithContext(WithPrincipal(r.Context(), p)))
	})
}

// bearerToken finds the token: the Authorization header, or (allowQuery)
// the access_token parameter. Other schemes count as no token. A request
// using both methods is refused (bad names the reason), as RFC 6750 asks.
func bearerToken(r *http.Request, allowQuery bool) (raw string, fromQuery bool, bad string) {
	if h := r.Header.Get("Authorization"); h != "" {
		scheme, token, ok := strings.Cut(h, " ")
		if ok && strings.EqualFold(scheme, "Bearer") {
			raw = strings.TrimSpace(token)
		}
	}
	if !allowQuery {
		return raw, false, ""
	}
	q, inQuery := r.URL.Query()[queryParam]
	switch {
	case !inQuery:
		return raw, false, ""
	case raw != "" || len(q) > 1:
		return "", false, "The access token was sent more than once"
	default:
		return q[0], true, ""
	}
}

// stripQueryToken returns r without the access_token parameter, so that
// nothing downstream can log or forward it.
func stripQueryToken(r *http.Request) *http.Request {
	r2 := r.Clone(r.Context())
	u := *r.URL
	q := u.Query()
	q.Del(queryParam)
	u.RawQuery = q.Encode()
	r2.URL = &u
	r2.RequestURI = u.RequestURI()
	return r2
}

// challenge answers 401 (or 400) with an RFC 6750 challenge and a problem.
// A request without credentials gets no error code (RFC 6750 §3.1).
func challenge(w http.ResponseWriter, r *http.Request, status int, code, desc, title, detail string) {
	c := `Bearer realm="` + Realm + `"`
	if code != "" {
		c += `, error="` + code + `", error_description="` + desc + `"`
	}
	w.Header().Set("WWW-Authenticate", c)
	httpserver.WriteProblem(w, r, httpserver.Problem{Status: status, Title: title, Detail: detail})
}

// Forbid answers 403: the advisor is authenticated but may not see this.
// detail says why, in French.
func Forbid(w http.ResponseWriter, r *http.Request, detail string) {
	httpserver.WriteProblem(w, r, httpserver.Problem{Status: http.StatusForbidden, Title: "Accès refusé", Detail: detail})
}
