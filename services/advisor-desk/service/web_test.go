package service_test

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ccicma/platform/pkg/auth"
	"github.com/ccicma/platform/pkg/events"
	"github.com/ccicma/platform/pkg/testkit"

	"github.com/ccicma/platform/services/advisor-desk/service"
)

// browserish is an HTTP client with a cookie jar that shows redirects
// instead of following them, as a browser session of the web desk.
type browserish struct {
	t    *testing.T
	d    *desk
	c    *http.Client
	base *url.URL
}

func (d *desk) browser(t *testing.T) *browserish {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	base, _ := url.Parse(d.URL)
	return &browserish{t: t, d: d, base: base, c: &http.Client{Jar: jar, Timeout: testkit.Wait,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

type webAnswer struct {
	status int
	header http.Header
	body   string
}

func (b *browserish) do(req *http.Request) webAnswer {
	b.t.Helper()
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		b.t.Fatal(err)
	}
	return webAnswer{status: resp.StatusCode, header: resp.Header, body: string(raw)}
}

func (b *browserish) get(path string) webAnswer {
	b.t.Helper()
	req, err := http.NewRequestWithContext(b.d.Ctx, http.MethodGet, b.d.URL+path, nil)
	if err != nil {
		b.t.Fatal(err)
	}
	return b.do(req)
}

func (b *browserish) post(path string, form url.Values, header ...string) webAnswer {
	b.t.Helper()
	req, err := http.NewRequestWithContext(b.d.Ctx, http.MethodPost, b.d.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return b.do(req)
}

var jetonField = regexp.MustCompile(`name="jeton" value="([^"]+)"`)

// formToken is the form token of the page at path.
func (b *browserish) formToken(path string) string {
	b.t.Helper()
	p := b.get(path)
	m := jetonField.FindStringSubmatch(p.body)
	if p.status != http.StatusOK || m == nil {
		b.t.Fatalf("GET %s: %d, no form token in\n%s", path, p.status, p.body)
	}
	return m[1]
}

// signIn signs in through the sign-in form and checks the session cookie.
func (b *browserish) signIn(login, password string) webAnswer {
	b.t.Helper()
	tok := b.formToken("/connexion")
	return b.post("/connexion", url.Values{"identifiant": {login}, "mot_de_passe": {password}, "jeton": {tok}})
}

func (b *browserish) session() string {
	for _, c := range b.c.Jar.Cookies(b.base) {
		if c.Name == "desk_session" {
			return c.Value
		}
	}
	return ""
}

func sessionCookie(h http.Header) *http.Cookie {
	for _, c := range (&http.Response{Header: h}).Cookies() {
		if c.Name == "desk_session" {
			return c
		}
	}
	return nil
}

func TestWebSignIn(t *testing.T) {
	t.Parallel()
	// The per-address limit is tested below; this test signs in often.
	d := startDesk(t, func(c *service.Config) { c.RateLimitBurst = 100 })

	t.Run("good password: an HttpOnly, SameSite=Strict session cookie holding a token", func(t *testing.T) {
		b := d.browser(t)
		signin := b.get("/connexion")
		if signin.status != http.StatusOK || !strings.Contains(signin.body, `<label class="fr-label" for="mot-de-passe">Mot de passe</label>`) ||
			!strings.Contains(signin.body, `lang="fr"`) {
			t.Fatalf("sign-in page: %d\n%s", signin.status, signin.body)
		}
		got := b.signIn("LEA.DUBOIS@cma-idf.example", service.DemoPassword) // by e-mail, any case
		c := sessionCookie(got.header)
		if got.status != http.StatusSeeOther || got.header.Get("Location") != "/boite" || c == nil {
			t.Fatalf("sign-in: %d to %q, cookie %v", got.status, got.header.Get("Location"), c)
		}
		if !c.HttpOnly || c.SameSite != http.SameSiteStrictMode || c.Path != "/" || c.Secure || c.MaxAge <= 0 {
			t.Errorf("session cookie %+v: want HttpOnly, SameSite=Strict, Path=/, not Secure over plain HTTP, a lifetime", c)
		}
		// The cookie holds a token the API takes as a bearer: of cma-91-001.
		var p page
		if status, _ := d.get(t, c.Value, "/api/v1/advisors/cma-91-001/notifications", &p); status != http.StatusOK {
			t.Errorf("the session's token is refused by the API: %d", status)
		}
		// Signed in, the sign-in page sends to the inbox.
		if again := b.get("/connexion"); again.status != http.StatusSeeOther || again.header.Get("Location") != "/boite" {
			t.Errorf("signed-in GET /connexion: %d %q", again.status, again.header.Get("Location"))
		}
	})

	t.Run("refusals set no session", func(t *testing.T) {
		for _, tc := range []struct{ name, login, password string }{
			{"wrong password", "cma-91-001", "not-the-password"},
			{"unknown advisor", "cma-91-404", service.DemoPassword},
			{"inactive advisor", "cma-91-005", service.DemoPassword},
			{"empty password", "cma-91-001", ""},
		} {
			b := d.browser(t)
			got := b.signIn(tc.login, tc.password)
			if got.status != http.StatusUnauthorized || sessionCookie(got.header) != nil ||
				!strings.Contains(got.body, "Identifiant ou mot de passe incorrect.") || !strings.Contains(got.body, `role="alert"`) {
				t.Errorf("%s: %d, session %v\n%s", tc.name, got.status, sessionCookie(got.header), got.body)
			}
		}
	})

	t.Run("CSRF: a form without its token, or from another site, is refused", func(t *testing.T) {
		b := d.browser(t)
		b.get("/connexion") // the pre-session cookie, but not its token
		got := b.post("/connexion", url.Values{"identifiant": {"cma-91-001"}, "mot_de_passe": {service.DemoPassword}, "jeton": {"forged"}})
		if got.status != http.StatusForbidden || sessionCookie(got.header) != nil {
			t.Errorf("forged token: %d, session %v", got.status, sessionCookie(got.header))
		}
		tok := b.formToken("/connexion")
		got = b.post("/connexion", url.Values{"identifiant": {"cma-91-001"}, "mot_de_passe": {service.DemoPassword}, "jeton": {tok}},
			"Sec-Fetch-Site", "cross-site", "Origin", "https://evil.example")
		if got.status != http.StatusForbidden || sessionCookie(got.header) != nil {
			t.Errorf("cross-site post: %d, session %v", got.status, sessionCookie(got.header))
		}
		// The token of one browser's pre-session is no good in another.
		other := d.browser(t)
		other.get("/connexion")
		got = other.post("/connexion", url.Values{"identifiant": {"cma-91-001"}, "mot_de_passe": {service.DemoPassword}, "jeton": {tok}})
		if got.status != http.StatusForbidden {
			t.Errorf("another browser's token: %d", got.status)
		}
	})

	t.Run("failed attempts per login are limited", func(t *testing.T) {
		b := d.browser(t)
		for i := range 5 {
			if got := b.signIn("cci-91-002", "wrong-password"); got.status != http.StatusUnauthorized {
				t.Fatalf("attempt %d: %d", i+1, got.status)
			}
		}
		// The right password now waits too, from another browser as well.
		got := d.browser(t).signIn("CCI-91-002", service.DemoPassword)
		if got.status != http.StatusTooManyRequests || got.header.Get("Retry-After") == "" || sessionCookie(got.header) != nil ||
			!strings.Contains(got.body, "Trop de tentatives") {
			t.Errorf("sixth attempt: %d Retry-After %q", got.status, got.header.Get("Retry-After"))
		}
		// Other advisors are not affected.
		if got := d.browser(t).signIn("cci-91-001", service.DemoPassword); got.status != http.StatusSeeOther {
			t.Errorf("another advisor: %d", got.status)
		}
	})

	t.Run("sign-out forgets the session, with the session's form token only", func(t *testing.T) {
		b := d.browser(t)
		if got := b.signIn("cma-91-002", service.DemoPassword); got.status != http.StatusSeeOther {
			t.Fatalf("sign-in: %d", got.status)
		}
		if got := b.post("/deconnexion", url.Values{"jeton": {"forged"}}); got.status != http.StatusForbidden || b.session() == "" {
			t.Errorf("forged sign-out: %d, session kept %v", got.status, b.session() != "")
		}
		tok := b.formToken("/boite")
		got := b.post("/deconnexion", url.Values{"jeton": {tok}})
		if got.status != http.StatusSeeOther || got.header.Get("Location") != "/connexion" || b.session() != "" {
			t.Errorf("sign-out: %d to %q, session left %v", got.status, got.header.Get("Location"), b.session() != "")
		}
		if got := b.get("/boite"); got.status != http.StatusSeeOther || got.header.Get("Location") != "/connexion" {
			t.Errorf("inbox after sign-out: %d %q", got.status, got.header.Get("Location"))
		}
	})
}

func TestWebSignInLimitPerAddress(t *testing.T) {
	t.Parallel()
	d := startDesk(t, func(c *service.Config) { c.RateLimitPerMinute, c.RateLimitBurst = 1, 2 })
	b := d.browser(t)
	tok := b.formToken("/connexion")
	form := url.Values{"identifiant": {"cma-91-001"}, "mot_de_passe": {"wrong-password"}, "jeton": {tok}}
	for i := range 2 {
		if got := b.post("/connexion", form); got.status != http.StatusUnauthorized {
			t.Fatalf("attempt %d: %d", i+1, got.status)
		}
	}
	form.Set("identifiant", "cci-91-001") // another login, the same address
	if got := b.post("/connexion", form); got.status != http.StatusTooManyRequests || got.header.Get("Retry-After") == "" {
		t.Errorf("third attempt from one address: %d, Retry-After %q", got.status, got.header.Get("Retry-After"))
	}
}

func TestWebInbox(t *testing.T) {
	t.Parallel()
	d := startDesk(t)
	mine := caseOpened(t, events.ChamberCMA, "cma-91-001", "91")
	theirs := caseOpened(t, events.ChamberCCI, "cci-91-001", "91")
	d.Publish(t, mine)
	d.CaughtUp(t, d.Publish(t, theirs))

	anonymous := d.browser(t)
	if got := anonymous.get("/boite"); got.status != http.StatusSeeOther || got.header.Get("Location") != "/connexion" {
		t.Errorf("inbox without a session: %d to %q, want a redirect to /connexion", got.status, got.header.Get("Location"))
	}
	anonymous.c.Jar.SetCookies(anonymous.base, []*http.Cookie{{Name: "desk_session", Value: d.forge(t, auth.Principal{Subject: "cma-91-001", Chamber: "CMA", Roles: []auth.Role{auth.RoleAdvisor}},
		func(o *auth.IssuerOptions) { o.Now = func() time.Time { return time.Now().Add(-2 * time.Hour) } })}})
	if got := anonymous.get("/boite"); got.status != http.StatusSeeOther || got.header.Get("Location") != "/connexion" {
		t.Errorf("inbox with an expired session: %d to %q", got.status, got.header.Get("Location"))
	}

	b := d.browser(t)
	if got := b.signIn("cma-91-001", service.DemoPassword); got.status != http.StatusSeeOther {
		t.Fatalf("sign-in: %d", got.status)
	}
	inbox := b.get("/boite")
	caseLink := `href="/dossiers/creation/` + mine.Subject + `"`
	if inbox.status != http.StatusOK || !strings.Contains(inbox.body, caseLink) || !strings.Contains(inbox.body, "1 notification non lue") ||
		!strings.Contains(inbox.body, "Léa Dubois") || !strings.Contains(inbox.body, `aria-live="polite"`) {
		t.Fatalf("inbox: %d\n%s", inbox.status, inbox.body)
	}
	if strings.Contains(inbox.body, theirs.Subject) {
		t.Error("the inbox shows another advisor's notification")
	}
	if csp := inbox.header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") || inbox.header.Get("Cache-Control") != "no-store" {
		t.Errorf("inbox headers: CSP %q, Cache-Control %q", csp, inbox.header.Get("Cache-Control"))
	}

	t.Run("filters", func(t *testing.T) {
		for path, want := range map[string]string{
			"/boite?domaine=takeover":                 "Aucune notification pour ce filtre",
			"/boite?domaine=creation&etat=non-lues":   caseLink,
			"/boite?etat=toutes&domaine=":             caseLink,
			"/boite?domaine=difficulty&etat=non-lues": "Aucune notification pour ce filtre",
		} {
			if got := b.get(path); got.status != http.StatusOK || !strings.Contains(got.body, want) {
				t.Errorf("%s: %d, want %q", path, got.status, want)
			}
		}
		for _, path := range []string{"/boite?domaine=secret", "/boite?etat=lues"} {
			if got := b.get(path); got.status != http.StatusBadRequest {
				t.Errorf("%s: %d, want 400", path, got.status)
			}
		}
	})

	t.Run("mark read needs the session's form token", func(t *testing.T) {
		id := regexp.MustCompile(`name="id" value="(\d+)"`).FindStringSubmatch(inbox.body)
		if id == nil {
			t.Fatal("no mark-read form on the inbox")
		}
		if got := b.post("/boite/lu", url.Values{"id": {id[1]}}); got.status != http.StatusForbidden {
			t.Errorf("mark read without a token: %d", got.status)
		}
		// Another advisor's form token is no good with this session.
		other := d.browser(t)
		other.signIn("cci-91-001", service.DemoPassword)
		if got := b.post("/boite/lu", url.Values{"id": {id[1]}, "jeton": {other.formToken("/boite")}}); got.status != http.StatusForbidden {
			t.Errorf("mark read with another session's token: %d", got.status)
		}
		if got := b.get("/boite"); !strings.Contains(got.body, "1 notification non lue") {
			t.Fatal("a refused mark-read changed the count")
		}
		tok := b.formToken("/boite")
		got := b.post("/boite/lu", url.Values{"id": {id[1]}, "jeton": {tok}, "retour": {"https://evil.example/boite?etat=non-lues"}})
		if got.status != http.StatusSeeOther || got.header.Get("Location") != "/boite" {
			t.Errorf("mark read: %d to %q, want /boite (a foreign return URL is dropped)", got.status, got.header.Get("Location"))
		}
		after := b.get("/boite?etat=non-lues")
		if !strings.Contains(after.body, "Aucune notification non lue") || strings.Contains(after.body, caseLink) {
			t.Errorf("after mark read, unread view:\n%s", after.body)
		}
		// Marking another advisor's notification changes nothing of theirs.
		var theirID int64
		if err := d.DB.QueryRow(d.Ctx, `SELECT id FROM advisor_desk.notifications WHERE source_event = $1`, theirs.ID).Scan(&theirID); err != nil {
			t.Fatal(err)
		}
		js := b.post("/boite/lu", url.Values{"id": {strconv.FormatInt(theirID, 10)}, "jeton": {tok}}, "Accept", "application/json")
		if js.status != http.StatusOK || strings.TrimSpace(js.body) != `{"unread":0}` {
			t.Errorf("JSON mark read: %d %s", js.status, js.body)
		}
		var readAt *time.Time
		if err := d.DB.QueryRow(d.Ctx, `SELECT read_at FROM advisor_desk.notifications WHERE id = $1`, theirID).Scan(&readAt); err != nil || readAt != nil {
			t.Errorf("another advisor's notification marked read (%v)", err)
		}
	})

	t.Run("the API keeps to bearer tokens; the stream also takes the cookie", func(t *testing.T) {
		cookie := &http.Cookie{Name: "desk_session", Value: b.session()}
		for _, tc := range []struct {
			path string
			want int
		}{
			{"/api/v1/advisors/cma-91-001/notifications", http.StatusUnauthorized},
			{"/api/v1/advisors/cma-91-001/notifications/stream", http.StatusOK},
			{"/api/v1/advisors/cci-91-001/notifications/stream", http.StatusForbidden},
		} {
			ctx, cancel := context.WithTimeout(d.Ctx, testkit.Wait)
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet, d.URL+tc.path, nil)
			req.AddCookie(cookie)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				cancel()
				t.Fatal(err)
			}
			if resp.StatusCode != tc.want {
				t.Errorf("%s with the session cookie: %d, want %d", tc.path, resp.StatusCode, tc.want)
			}
			if resp.StatusCode == http.StatusOK {
				// The stream replays the advisor's notification.
				sc := bufio.NewScanner(resp.Body)
				found := false
				for sc.Scan() && !found {
					found = strings.HasPrefix(sc.Text(), "data: ") && strings.Contains(sc.Text(), mine.Subject)
				}
				if !found {
					t.Errorf("stream with the cookie did not send the notification")
				}
			}
			resp.Body.Close()
			cancel()
		}
	})
}

// TestWebMailPreference: the inbox offers the advisor their e-mail choice,
// the current one checked; a choice posted with the session's form token
// is stored (the API reads it back), a forged post or an unknown choice
// changes nothing.
func TestWebMailPreference(t *testing.T) {
	t.Parallel()
	d := startDesk(t)
	b := d.browser(t)
	if got := b.signIn("cma-91-002", service.DemoPassword); got.status != http.StatusSeeOther {
		t.Fatalf("sign-in: %d", got.status)
	}
	checked := regexp.MustCompile(`value="(each|digest|none)" checked`)
	inbox := b.get("/boite")
	if m := checked.FindStringSubmatch(inbox.body); m == nil || m[1] != "each" {
		t.Fatalf("the inbox's e-mail choice: %v, want each (the default) checked", m)
	}
	tok := jetonField.FindStringSubmatch(inbox.body)[1]
	mode := func() string {
		t.Helper()
		req, _ := http.NewRequestWithContext(d.Ctx, http.MethodGet, d.URL+"/api/v1/advisors/cma-91-002/mail-preference", nil)
		req.Header.Set("Authorization", "Bearer "+b.session())
		got := b.do(req)
		m := regexp.MustCompile(`"mode":"(\w+)"`).FindStringSubmatch(got.body)
		if got.status != http.StatusOK || m == nil {
			t.Fatalf("mail preference API: %d %s", got.status, got.body)
		}
		return m[1]
	}
	if got := b.post("/boite/courriels", url.Values{"courriels": {"digest"}, "jeton": {"forged"}}); got.status != http.StatusForbidden || mode() != "each" {
		t.Errorf("forged post: %d, mode %s; want 403 and nothing stored", got.status, mode())
	}
	if got := b.post("/boite/courriels", url.Values{"courriels": {"sms"}, "jeton": {tok}}); got.status != http.StatusUnprocessableEntity || mode() != "each" {
		t.Errorf("unknown choice: %d, mode %s; want 422 and nothing stored", got.status, mode())
	}
	got := b.post("/boite/courriels", url.Values{"courriels": {"digest"}, "jeton": {tok}})
	if got.status != http.StatusSeeOther || got.header.Get("Location") != "/boite?courriels=enregistre" {
		t.Fatalf("choice: %d to %q", got.status, got.header.Get("Location"))
	}
	if mode() != "digest" {
		t.Fatalf("stored mode %s, want digest", mode())
	}
	page := b.get("/boite?courriels=enregistre")
	if m := checked.FindStringSubmatch(page.body); m == nil || m[1] != "digest" || !strings.Contains(page.body, "Votre choix est enregistré.") {
		t.Errorf("inbox after the choice: %v checked\n%s", m, page.body)
	}
}
