package mailcatch_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	gomail "github.com/wneessen/go-mail"

	"github.com/ccicma/platform/pkg/mailcatch"
)

// send delivers one multipart e-mail to the catcher over real SMTP.
func send(t *testing.T, srv *mailcatch.Server, subject string) error {
	t.Helper()
	host, p, _ := strings.Cut(srv.Addr(), ":")
	port, err := strconv.Atoi(p)
	if err != nil {
		t.Fatal(err)
	}
	m := gomail.NewMsg()
	if err := m.From("Plateforme <noreply@example.org>"); err != nil {
		t.Fatal(err)
	}
	if err := m.To("camille@example.org"); err != nil {
		t.Fatal(err)
	}
	m.Subject(subject)
	m.SetBodyString(gomail.TypeTextPlain, "Bonjour,\nvotre demande est enregistrée.")
	m.AddAlternativeString(gomail.TypeTextHTML, "<p>Bonjour, votre demande est <strong>enregistrée</strong>.</p>")
	c, err := gomail.NewClient(host, gomail.WithPort(port), gomail.WithTLSPolicy(gomail.NoTLS),
		gomail.WithTimeout(10*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	return c.DialAndSend(m)
}

func get(t *testing.T, h http.Handler, path string) (int, string, http.Header) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	body, _ := io.ReadAll(rec.Result().Body)
	return rec.Code, string(body), rec.Result().Header
}

func TestCatchesAndShowsMessages(t *testing.T) {
	srv := mailcatch.Start(t)
	if err := send(t, srv, "Votre demande à la CCI et la CMA de l'Essonne"); err != nil {
		t.Fatal(err)
	}
	msgs := srv.Messages()
	if len(msgs) != 1 {
		t.Fatalf("caught %d messages, want 1", len(msgs))
	}
	m := msgs[0]
	if got := m.Header("Subject"); got != "Votre demande à la CCI et la CMA de l'Essonne" {
		t.Errorf("subject %q", got)
	}
	if !strings.Contains(m.Text(), "votre demande est enregistrée") || !strings.Contains(m.HTML(), "<strong>enregistrée</strong>") {
		t.Errorf("parts not decoded: text %q, html %q", m.Text(), m.HTML())
	}
	if len(m.To) != 1 || m.To[0] != "camille@example.org" {
		t.Errorf("recipients %v", m.To)
	}

	h := srv.Handler()
	code, body, _ := get(t, h, "/")
	if code != http.StatusOK || !strings.Contains(body, "Courriels envoyés par la plateforme (1)") ||
		!strings.Contains(body, "Votre demande à la CCI et la CMA de l&#39;Essonne") {
		t.Errorf("list page %d:\n%s", code, body)
	}
	if code, body, _ = get(t, h, "/1"); code != http.StatusOK || !strings.Contains(body, "votre demande est enregistrée") {
		t.Errorf("text page %d:\n%s", code, body)
	}
	code, body, hdr := get(t, h, "/1/html")
	if code != http.StatusOK || !strings.Contains(body, "<strong>") || !strings.Contains(hdr.Get("Content-Security-Policy"), "sandbox") {
		t.Errorf("html page %d %v:\n%s", code, hdr, body)
	}
	if code, _, _ = get(t, h, "/2"); code != http.StatusNotFound {
		t.Errorf("missing message answered %d, want 404", code)
	}
}

func TestRefusesOnRequest(t *testing.T) {
	srv := mailcatch.Start(t)
	srv.Refuse(451)
	if err := send(t, srv, "premier"); err == nil {
		t.Fatal("the refused message was accepted")
	}
	if err := send(t, srv, "second"); err != nil {
		t.Fatal(err)
	}
	if n, a := len(srv.Messages()), srv.Attempts(); n != 1 || a != 2 {
		t.Fatalf("kept %d messages of %d attempts, want 1 of 2", n, a)
	}
}
