package web

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net/http"
	"time"

	"github.com/ccicma/platform/pkg/auth"
)

// Cookie names: the session (the signed token) and the pre-session of the
// sign-in form (a random value its form token is bound to).
const (
	SessionCookie = "desk_session"
	loginCookie   = "desk_login"
	csrfField     = "jeton"
)

func formKey(k []byte) ([]byte, error) {
	if len(k) > 0 {
		return k, nil
	}
	k = make([]byte, 32)
	if _, err := rand.Read(k); err != nil {
		return nil, errors.New("web: no randomness for the form key")
	}
	return k, nil
}

// token is the form token of a purpose ("session", "login") bound to a
// cookie's value.
func (s *site) token(purpose, value string) string {
	m := hmac.New(sha256.New, s.key)
	m.Write([]byte(purpose))
	m.Write([]byte{0})
	m.Write([]byte(value))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// validToken compares in constant time.
func (s *site) validToken(purpose, value, got string) bool {
	return value != "" && hmac.Equal([]byte(s.token(purpose, value)), []byte(got))
}

// session returns the principal of the request's session cookie and its
// form token.
func (s *site) session(r *http.Request) (auth.Principal, string, bool) {
	c, err := r.Cookie(SessionCookie)
	if err != nil || c.Value == "" {
		return auth.Principal{}, "", false
	}
	p, err := s.Verifier.Verify(r.Context(), c.Value)
	if err != nil {
		s.Log.DebugContext(r.Context(), "session refused", "err", err)
		return auth.Principal{}, "", false
	}
	return p, s.token("session", c.Value), true
}

// setSession sets the session cookie. The desk's cookies are always
// HttpOnly and SameSite=Strict, and Secure when the request came over TLS:
// the desk also serves plain-http development platforms (devstack), where a
// browser would never send a Secure cookie back.
func setSession(w http.ResponseWriter, r *http.Request, tok auth.Token) {
	//nolint:gosec // G124: Secure follows the connection, see above
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: tok.AccessToken, Path: "/", Expires: tok.ExpiresAt,
		MaxAge: tok.ExpiresIn, HttpOnly: true, Secure: r.TLS != nil, SameSite: http.SameSiteStrictMode})
}

func clearCookie(w http.ResponseWriter, r *http.Request, name, path string) {
	//nolint:gosec // G124: Secure follows the connection, see setSession
	http.SetCookie(w, &http.Cookie{Name: name, Value: "", Path: path, MaxAge: -1, HttpOnly: true, Secure: r.TLS != nil,
		SameSite: http.SameSiteStrictMode})
}

// loginValue returns the pre-session value of the sign-in form, set anew
// when the browser has none.
func loginValue(w http.ResponseWriter, r *http.Request) string {
	if c, err := r.Cookie(loginCookie); err == nil && len(c.Value) == 22 {
		return c.Value
	}
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	v := base64.RawURLEncoding.EncodeToString(b)
	//nolint:gosec // G124: Secure follows the connection, see setSession
	http.SetCookie(w, &http.Cookie{Name: loginCookie, Value: v, Path: "/connexion", MaxAge: int(time.Hour / time.Second),
		HttpOnly: true, Secure: r.TLS != nil, SameSite: http.SameSiteStrictMode})
	return v
}

// StreamSession lets the API's event stream take the session cookie: a
// browser's EventSource sends cookies but no Authorization header. A
// request that brings its own token (header or access_token) keeps it.
// Only the stream, a read, takes the cookie; the API's other routes keep
// to bearer tokens, so the cookie never authorises a change there.
func StreamSession(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") == "" && !r.URL.Query().Has("access_token") {
			if c, err := r.Cookie(SessionCookie); err == nil && c.Value != "" {
				r = r.Clone(r.Context())
				r.Header.Set("Authorization", "Bearer "+c.Value)
			}
		}
		next.ServeHTTP(w, r)
	})
}
