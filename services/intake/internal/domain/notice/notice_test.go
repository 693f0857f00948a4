package notice_test

import (
	"strings"
	"testing"
	"time"

	"github.com/ccicma/platform/pkg/events"

	"github.com/ccicma/platform/services/intake/internal/domain/notice"
	"github.com/ccicma/platform/services/intake/internal/domain/request"
)

var composer = notice.Composer{BaseURL: "https://demarches.example/", Territory: "de l'Essonne", ContactDays: 10}

func req(kind string, rt events.Routing) notice.Request {
	return notice.Request{ID: "01900000-0000-7000-8000-000000000001", Kind: kind, Routing: rt, FirstName: "Inès",
		LastName: "Moreau", Email: "ines@example.fr", SubmittedAt: time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)}
}

func TestKeyRoundTrip(t *testing.T) {
	for _, k := range []notice.Key{
		{RequestID: "abc"},
		{RequestID: "abc", Step: notice.Step{Status: request.StatusInCharge, Chamber: "CMA"}},
		{RequestID: "abc", Step: notice.Step{Status: request.StatusInCharge, Chamber: "CMA", Stage: "funding"}},
		{RequestID: "abc", SessionID: "s1"},
		{RequestID: "abc", SessionID: "s1", Reminder: true},
		{RequestID: "abc", MatchID: "m1"},
		{RequestID: "abc", DigestDay: "2026-12-08"},
	} {
		got, err := notice.ParseKey(k.String())
		if err != nil || got != k {
			t.Errorf("ParseKey(%q) = %+v, %v; want %+v", k.String(), got, err, k)
		}
	}
	for _, bad := range []string{"", "receipt:", "n:12", "step:abc", "step:abc::CMA", "receipt:a:b", "session:abc:s1", "session:abc:s1:later", "intro:abc", "intro::m1",
		"digest:abc", "digest:abc:08/12/2026", "digest::2026-12-08"} {
		if _, err := notice.ParseKey(bad); err == nil {
			t.Errorf("ParseKey(%q) accepted", bad)
		}
	}
}

// TestDifficultyIsDiscreet: whatever the routing, a difficulty report's
// receipt names only chambers, and it has no follow-ups.
func TestDifficultyIsDiscreet(t *testing.T) {
	for _, tc := range []struct {
		rt      events.Routing
		subject string
	}{
		{events.Routing{LeadChamber: "CCI", SecondaryChamber: "CMA", Reason: "Difficultés : restauration"}, "Votre demande à la CCI et à la CMA de l'Essonne"},
		{events.Routing{LeadChamber: "CMA", Reason: "Difficultés"}, "Votre demande à la CMA de l'Essonne"},
		{events.Routing{Reason: "Profession libérale en difficulté"}, "Votre demande aux chambres CCI et CMA de l'Essonne"},
		{events.Routing{LeadChamber: "CCI", OutOfTerritory: true, Reason: "Hors territoire"}, "Votre demande à la CCI"},
	} {
		m := composer.Receipt(req(request.KindDifficulty, tc.rt))
		if m.Subject != tc.subject {
			t.Errorf("subject %q, want %q", m.Subject, tc.subject)
		}
		all := strings.ToLower(m.Subject + m.Text + m.HTML)
		for _, w := range []string{"difficult", "prévention", "signalement", "libérale", "territoire"} {
			if strings.Contains(all, w) {
				t.Errorf("routing %+v: the receipt says %q", tc.rt, w)
			}
		}
		for _, st := range []request.Status{request.StatusAssigned, request.StatusInCharge, request.StatusClosed} {
			if _, ok := composer.FollowUp(req(request.KindDifficulty, tc.rt), notice.Step{Status: st, Chamber: "CCI"}); ok {
				t.Errorf("a difficulty report has a follow-up for %s", st)
			}
		}
	}
}

func TestReceiptParts(t *testing.T) {
	r := req(request.KindTakeoverOffer, events.Routing{LeadChamber: "CMA", SecondaryChamber: "CCI", Reason: "Activité artisanale (10.71C)", OutOfTerritory: true})
	m := composer.Receipt(r)
	link := "https://demarches.example/suivi/" + r.ID
	for _, want := range []string{"Bonjour Inès Moreau,", "07/12/2026", r.ID, link, "(CMA) ; la chambre de commerce et d'industrie (CCI) y est associée.",
		"Pourquoi cette chambre : Activité artisanale (10.71C).", "hors de notre territoire", "vous contactera sous 10 jours ouvrés"} {
		if !strings.Contains(m.Text, want) {
			t.Errorf("text lacks %q:\n%s", want, m.Text)
		}
	}
	if !strings.Contains(m.HTML, `<html lang="fr">`) || !strings.Contains(m.HTML, `href="`+link+`"`) {
		t.Errorf("HTML part:\n%s", m.HTML)
	}
	if m.To != "ines@example.fr" || m.ToName != "Inès Moreau" {
		t.Errorf("recipient %q %q", m.ToName, m.To)
	}
	uncommitted := composer
	uncommitted.ContactDays = 0
	if m := uncommitted.Receipt(r); strings.Contains(m.Text, "jours ouvrés") || !strings.Contains(m.Text, "vous contactera par courriel") {
		t.Errorf("without a commitment the receipt states a delay:\n%s", m.Text)
	}
}

func TestFollowUpSteps(t *testing.T) {
	r := req(request.KindCreation, events.Routing{LeadChamber: "CMA"})
	for _, tc := range []struct {
		step    notice.Step
		outcome string
		subject string
		says    string
	}{
		{notice.Step{Status: request.StatusAssigned, Chamber: "CMA"}, "", "Votre demande est confiée à un conseiller de la CMA", "confiée à un conseiller de la chambre de métiers"},
		{notice.Step{Status: request.StatusAssigned, Chamber: "CCI"}, "", "Votre demande est confiée à un conseiller de la CCI", "réorientée vers la chambre de commerce et d'industrie (CCI)"},
		{notice.Step{Status: request.StatusInCharge, Chamber: "CMA"}, "", "Votre demande est prise en charge par la CMA", "a pris en charge"},
		{notice.Step{Status: request.StatusClosed, Chamber: "CMA"}, "registered", "Votre dossier à la CMA est clos", "immatriculée"},
	} {
		r.Outcome = tc.outcome
		m, ok := composer.FollowUp(r, tc.step)
		if !ok || m.Subject != tc.subject || !strings.Contains(m.Text, tc.says) || !strings.Contains(m.HTML, r.ID) {
			t.Errorf("step %+v: ok %v, subject %q, text:\n%s", tc.step, ok, m.Subject, m.Text)
		}
	}
	if _, ok := composer.FollowUp(r, notice.Step{Status: request.StatusReceived, Chamber: "CMA"}); ok {
		t.Error("a received step has a follow-up")
	}
}

// TestIntroductionMailNamesTheOtherChamberOnly: each side's e-mail names
// the other side's chamber and the way to the other party (the advisors),
// and an introduction the composer cannot word sends nothing.
func TestIntroductionMailNamesTheOtherChamberOnly(t *testing.T) {
	c := notice.Composer{BaseURL: "https://demarches.example", Territory: "de l'Essonne"}
	r := req(request.KindTakeoverOffer, events.Routing{LeadChamber: "CMA"})
	m, ok := c.IntroductionMail(r, notice.Introduction{MatchID: "m1", Side: notice.SideSeller, OtherChamber: "CCI"})
	if !ok || m.To != "ines@example.fr" || !strings.Contains(m.Text, "chambre de commerce et d'industrie (CCI)") ||
		!strings.Contains(m.Text, "Votre conseiller vous contactera") || !strings.Contains(m.Subject, "repreneur") {
		t.Errorf("seller's e-mail %q:\n%s", m.Subject, m.Text)
	}
	m, ok = c.IntroductionMail(req(request.KindBuyerSearch, events.Routing{LeadChamber: "CCI"}),
		notice.Introduction{MatchID: "m1", Side: notice.SideBuyer, OtherChamber: "CMA"})
	if !ok || !strings.Contains(m.Text, "chambre de métiers et de l'artisanat (CMA)") || !strings.Contains(m.Subject, "cédant") {
		t.Errorf("buyer's e-mail %q:\n%s", m.Subject, m.Text)
	}
	for _, in := range []notice.Introduction{{Side: notice.SideBuyer}, {Side: "x", OtherChamber: "CMA"}} {
		if _, ok := c.IntroductionMail(r, in); ok {
			t.Errorf("an e-mail for %+v", in)
		}
	}
}

// TestDigestDay: the day's digest is due from the hour in Paris time,
// summer and winter alike, and names the matches proposed before it.
func TestDigestDay(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		now    time.Time
		day    string
		cutoff time.Time
		due    bool
	}{
		{time.Date(2026, 12, 8, 6, 59, 0, 0, time.UTC), "2026-12-08", time.Date(2026, 12, 8, 7, 0, 0, 0, time.UTC), false},
		{time.Date(2026, 12, 8, 7, 0, 0, 0, time.UTC), "2026-12-08", time.Date(2026, 12, 8, 7, 0, 0, 0, time.UTC), true},
		{time.Date(2026, 7, 1, 6, 30, 0, 0, time.UTC), "2026-07-01", time.Date(2026, 7, 1, 6, 0, 0, 0, time.UTC), true},
		{time.Date(2026, 12, 8, 23, 30, 0, 0, time.UTC), "2026-12-09", time.Date(2026, 12, 9, 7, 0, 0, 0, time.UTC), false},
	} {
		day, cutoff, due := notice.DigestDay(tc.now, 8, paris)
		if day != tc.day || !cutoff.Equal(tc.cutoff) || due != tc.due {
			t.Errorf("DigestDay(%s) = %s, %s, %v; want %s, %s, %v", tc.now, day, cutoff, due, tc.day, tc.cutoff, tc.due)
		}
	}
}

// TestDigestMailWithoutListings: no listing, no e-mail; an unknown code
// is left out rather than shown raw.
func TestDigestMailWithoutListings(t *testing.T) {
	c := notice.Composer{BaseURL: "https://x.example"}
	if _, ok := c.DigestMail(req(request.KindBuyerSearch, events.Routing{LeadChamber: "CCI"}), nil); ok {
		t.Error("a digest without listings")
	}
	m, ok := c.DigestMail(req(request.KindBuyerSearch, events.Routing{LeadChamber: "CCI"}),
		[]notice.Listing{{Sector: "47.11", SectorLevel: "class", RevenueBand: "bogus", DealTypes: []string{"x"}, Score: 80}})
	if !ok {
		t.Fatal("no digest")
	}
	if strings.Contains(m.Text, "bogus") || strings.Contains(m.Text, "Type de cession") ||
		!strings.Contains(m.Text, "Commerce ; réparation d'automobiles et de motocycles") || !strings.Contains(m.Text, "80 sur 100") {
		t.Errorf("digest without labels:\n%s", m.Text)
	}
}
