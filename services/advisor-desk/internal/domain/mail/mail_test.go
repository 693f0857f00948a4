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

func TestRetryPolicy(t *testing.T) {
	p := mail.RetryPolicy{Base: 30 * time.Second, Max: 10 * time.Minute, MaxAttempts: 5}
	now := time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		name      string
		attempt   int
		permanent bool
		jitter    float64
		status    string
		delay     time.Duration
	}{
		{"first failure waits the base", 1, false, 0, mail.StatusPending, 30 * time.Second},
		{"then doubles", 3, false, 0, mail.StatusPending, 2 * time.Minute},
		{"jitter adds up to half", 2, false, 0.5, mail.StatusPending, 75 * time.Second},
		{"capped", 4, false, 0, mail.StatusPending, 4 * time.Minute},
		{"given up after the last attempt", 5, false, 0, mail.StatusFailed, 0},
		{"a final refusal is not retried", 1, true, 0, mail.StatusFailed, 0},
	}
	for _, tt := range tests {
		o := p.After(tt.attempt, now, tt.permanent, tt.jitter, "smtp 451")
		if o.Status != tt.status || o.Error != "smtp 451" {
			t.Errorf("%s: outcome %+v, want status %s", tt.name, o, tt.status)
		}
		if tt.status == mail.StatusPending && o.NextAttempt.Sub(now) != tt.delay {
			t.Errorf("%s: retry after %v, want %v", tt.name, o.NextAttempt.Sub(now), tt.delay)
		}
	}
	if d := (mail.RetryPolicy{Base: time.Minute, Max: 5 * time.Minute, MaxAttempts: 99}).Delay(30, 0.99); d > 5*time.Minute*3/2 {
		t.Errorf("delay after many failures %v: not capped", d)
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
	c := mail.Composer{BaseURL: "https://desk.example.org", Domain: "desk.example.org", Zone: paris}
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
	if m.Subject != "[CCI-CMA] Nouveau dossier <urgent>" || m.MessageID != "mail-42@desk.example.org" || m.To != "lea@example.org" {
		t.Errorf("subject %q, id %q, to %q", m.Subject, m.MessageID, m.To)
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
