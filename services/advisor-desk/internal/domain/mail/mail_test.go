package mail_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/ccicma/platform/services/advisor-desk/internal/domain/mail"
)

func TestParseMode(t *testing.T) {
	for _, s := range []string{"each", "digest", "none"} {
		if m, err := mail.ParseMode(s); err != nil || string(m) != s {
			t.Errorf("ParseMode(%q) = %q, %v", s, m, err)
		}
	}
	for _, s := range []string{"", "EACH", "daily", "each "} {
		if _, err := mail.ParseMode(s); !errors.Is(err, mail.ErrInvalidMode) {
			t.Errorf("ParseMode(%q) = %v, want ErrInvalidMode", s, err)
		}
	}
}

func TestDigestLatest(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	d := mail.Digest{Hour: 8, Zone: paris}
	tests := []struct {
		now    time.Time
		moment time.Time
		date   string
	}{
		// Summer (UTC+2): 08:00 in Paris is 06:00 UTC.
		{time.Date(2026, 7, 10, 6, 0, 0, 0, time.UTC), time.Date(2026, 7, 10, 6, 0, 0, 0, time.UTC), "2026-07-10"},
		{time.Date(2026, 7, 10, 5, 59, 0, 0, time.UTC), time.Date(2026, 7, 9, 6, 0, 0, 0, time.UTC), "2026-07-09"},
		// Winter (UTC+1): 07:30 UTC is 08:30 in Paris.
		{time.Date(2026, 1, 15, 7, 30, 0, 0, time.UTC), time.Date(2026, 1, 15, 7, 0, 0, 0, time.UTC), "2026-01-15"},
		// Late evening UTC is already the next day in Paris.
		{time.Date(2026, 1, 15, 23, 30, 0, 0, time.UTC), time.Date(2026, 1, 15, 7, 0, 0, 0, time.UTC), "2026-01-15"},
		// The day clocks go forward (29 March 2026).
		{time.Date(2026, 3, 29, 6, 0, 0, 0, time.UTC), time.Date(2026, 3, 29, 6, 0, 0, 0, time.UTC), "2026-03-29"},
	}
	for _, tt := range tests {
		m, date := d.Latest(tt.now)
		if !m.Equal(tt.moment) || date != tt.date {
			t.Errorf("Latest(%v) = %v %s, want %v %s", tt.now, m, date, tt.moment, tt.date)
		}
	}
}

func TestCompose(t *testing.T) {
	paris, _ := time.LoadLocation("Europe/Paris")
	c := mail.Composer{BaseURL: "https://desk.example.org", Zone: paris}
	at := time.Date(2026, 5, 4, 7, 5, 0, 0, time.UTC)
	each := mail.Outgoing{ID: 42, Kind: mail.KindEach, Name: "Léa Dubois", Address: "lea@example.org",
		Items: []mail.Item{{Title: "Nouveau dossier <urgent>", Body: "Projet & co", Link: "/dossiers/creation/c1", CreatedAt: at}}}
	m, ok := c.Compose(each)
	if !ok {
		t.Fatal("nothing composed")
	}
	for _, want := range []string{"Bonjour Léa Dubois,", "Nouveau dossier <urgent> (04/05/2026 09:05)", "Projet & co",
		"Voir : https://desk.example.org/dossiers/creation/c1"} {
		if !strings.Contains(m.Text, want) {
			t.Errorf("text lacks %q:\n%s", want, m.Text)
		}
	}
	if m.Subject != "[CCI-CMA] Nouveau dossier <urgent>" || m.To != "lea@example.org" || m.ToName != "Léa Dubois" {
		t.Errorf("subject %q, to %q <%s>", m.Subject, m.ToName, m.To)
	}
	if !strings.Contains(m.HTML, "Nouveau dossier &lt;urgent&gt;") || !strings.Contains(m.HTML, `href="https://desk.example.org/dossiers/creation/c1"`) {
		t.Errorf("HTML not escaped or without link:\n%s", m.HTML)
	}

	digest := each
	digest.Kind, digest.CoversUntil = mail.KindDigest, at
	digest.Items = append(digest.Items, mail.Item{Title: "Rappel", Body: "b", Link: "/dossiers/creation/c2", CreatedAt: at})
	m, _ = c.Compose(digest)
	if m.Subject != "[CCI-CMA] Récapitulatif du 04/05/2026 : 2 notifications" || !strings.Contains(m.Text, "/dossiers/creation/c2") {
		t.Errorf("digest: subject %q, text:\n%s", m.Subject, m.Text)
	}

	if _, ok := c.Compose(mail.Outgoing{ID: 1, Kind: mail.KindDigest}); ok {
		t.Error("an e-mail reporting nothing was composed")
	}
}
