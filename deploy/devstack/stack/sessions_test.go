package stack_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

// sessionOption finds the id of the session titled title among a case
// page's options.
func sessionOption(t *testing.T, p page, title string) string {
	t.Helper()
	m := regexp.MustCompile(`<option value="([0-9a-f-]{36})"[^>]*>[^<]*« ` + regexp.QuoteMeta(title) + ` »`).FindStringSubmatch(p.body)
	if m == nil {
		t.Fatalf("no session %q offered on the case page:\n%s", title, p.body)
	}
	return m[1]
}

// TestSessionsEndToEnd: a CCI advisor plans, through the desk's
// "Sessions" page, a meeting of one seat and a later one (the form's and
// creation-support's refusals said on their fields); the advisors of two
// cases register them from the case pages: the first gets the seat and
// sees the registration on the page, the second is told the session is
// full and offered the next one, and takes it. The CMA advisor the cases
// are shared with sees neither the CCI's sessions nor the registrations.
func TestSessionsEndToEnd(t *testing.T) {
	r := startStack(t)
	desk := r.st.URL("advisor-desk")
	first, leadFirst, cma := sharedCase(t, r, "e2e-sessions-0001")
	second, leadSecond, _ := sharedCase(t, r, "e2e-sessions-0002")
	const small, later = "Réunion d'information création — petit groupe", "Réunion d'information création — grand groupe"

	planner := signInDesk(t, desk, leadFirst)
	p := planner.do(http.MethodGet, "/sessions", nil)
	expect(t, "sessions page", p, http.StatusOK, `href="/sessions"`, "Sessions d'information et stages — CCI",
		"Votre chambre n'a aucune session à venir.", `<label class="fr-label" for="intitule">`, "Planifier la session")
	tok := planner.formToken(p)
	plan := func(title string, in time.Duration, seats string) page {
		at := time.Now().Add(in)
		return planner.do(http.MethodPost, "/sessions", url.Values{"jeton": {tok}, "type-session": {"information_meeting"},
			"intitule": {title}, "date-session": {at.Format(time.DateOnly)}, "heure-session": {"09:30"},
			"lieu": {"CCI Essonne, Évry-Courcouronnes"}, "places": {seats}})
	}
	expect(t, "plan without seats", plan(small, 240*time.Hour, "zéro"), http.StatusUnprocessableEntity,
		"Erreur — ", `href="#places"`, `id="places-erreur"`, `aria-describedby="places-erreur"`, `value="`+small+`"`)
	expect(t, "plan in the past", plan(small, -48*time.Hour, "1"), http.StatusUnprocessableEntity,
		`href="#date-session"`, "La session doit être à venir.", `id="date-session-erreur"`)
	done := plan(small, 240*time.Hour, "1")
	expect(t, "plan one seat", done, http.StatusSeeOther)
	if loc := done.header.Get("Location"); loc != "/sessions?fait=session" {
		t.Errorf("after planning: to %q", loc)
	}
	expect(t, "plan a later one", plan(later, 480*time.Hour, "20"), http.StatusSeeOther)
	expect(t, "sessions planned", planner.do(http.MethodGet, "/sessions?fait=session", nil), http.StatusOK,
		"La session est planifiée", "2 sessions à venir de votre chambre", small, later, "Réunion d'information collective")

	// The second case's advisor opens its page before the seat goes.
	b := signInDesk(t, desk, leadSecond)
	secondLink := "/dossiers/creation/" + second
	p = b.do(http.MethodGet, secondLink, nil)
	expect(t, "take the second case", b.do(http.MethodPost, secondLink+"/prise-en-charge", url.Values{"jeton": {b.formToken(p)}}),
		http.StatusSeeOther)
	p = b.do(http.MethodGet, secondLink, nil)
	expect(t, "second case's sessions", p, http.StatusOK, "Le dossier n'est inscrit à aucune session.",
		`<label class="fr-label" for="session-inscription">`)
	smallID, laterID := sessionOption(t, p, small), sessionOption(t, p, later)
	secondTok := b.formToken(p)

	// The first case takes the seat.
	a := signInDesk(t, desk, leadFirst)
	firstLink := "/dossiers/creation/" + first
	p = a.do(http.MethodGet, firstLink, nil)
	expect(t, "take the first case", a.do(http.MethodPost, firstLink+"/prise-en-charge", url.Values{"jeton": {a.formToken(p)}}),
		http.StatusSeeOther)
	p = a.do(http.MethodGet, firstLink, nil)
	firstTok := a.formToken(p)
	expect(t, "register without a session", a.do(http.MethodPost, firstLink+"/sessions", url.Values{"jeton": {firstTok}}),
		http.StatusUnprocessableEntity, `href="#session-inscription"`, `id="session-inscription-erreur"`)
	registered := a.do(http.MethodPost, firstLink+"/sessions", url.Values{"jeton": {firstTok}, "session": {smallID}})
	expect(t, "register the first case", registered, http.StatusSeeOther)
	if loc := registered.header.Get("Location"); loc != firstLink+"?fait=session" {
		t.Errorf("after registering: to %q", loc)
	}
	p = a.do(http.MethodGet, firstLink+"?fait=session", nil)
	expect(t, "first case registered", p, http.StatusOK, "Le dossier est inscrit à la session", `id="sessions-inscrit"`,
		"Réunion d'information collective « "+small+" »")
	if strings.Contains(p.body, `value="`+smallID+`"`) {
		t.Error("the case page offers the session the case is registered to")
	}

	// The second case is refused the full session and offered the next.
	full := b.do(http.MethodPost, secondLink+"/sessions", url.Values{"jeton": {secondTok}, "session": {smallID}})
	expect(t, "register to the full session", full, http.StatusConflict, "Session complète", "Il ne reste aucune place",
		"Prochaine session avec des places", `id="session-proposee"`, `<input type="hidden" name="session" value="`+laterID+`">`,
		"« "+later+" »", "Inscrire à cette session")
	expect(t, "take the next session", b.do(http.MethodPost, secondLink+"/sessions", url.Values{"jeton": {secondTok}, "session": {laterID}}),
		http.StatusSeeOther)
	expect(t, "second case registered", b.do(http.MethodGet, secondLink, nil), http.StatusOK, "« "+later+" »", `id="sessions-inscrit"`)
	expect(t, "sessions after the registrations", planner.do(http.MethodGet, "/sessions", nil), http.StatusOK, "Complète")

	// The CMA, which follows the cases too, sees neither the CCI's
	// sessions nor the registrations.
	o := signInDesk(t, desk, cma)
	p = o.do(http.MethodGet, "/sessions", nil)
	expect(t, "the CMA's sessions", p, http.StatusOK, "Sessions d'information et stages — CMA", "Votre chambre n'a aucune session à venir.")
	if strings.Contains(p.body, small) || strings.Contains(p.body, later) {
		t.Errorf("the CMA advisor sees the CCI's sessions:\n%s", p.body)
	}
	p = o.do(http.MethodGet, firstLink, nil)
	expect(t, "the CMA's case page", p, http.StatusOK, "Les inscriptions aux sessions font partie du suivi de la chambre qui mène le dossier.")
	if strings.Contains(p.body, small) {
		t.Errorf("the CMA advisor sees the CCI's registration:\n%s", p.body)
	}
}
