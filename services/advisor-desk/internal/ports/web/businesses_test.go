package web

import (
	"context"
	"errors"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/ccicma/platform/pkg/auth"

	"github.com/ccicma/platform/services/advisor-desk/internal/adapters/peers"
)

const businessNumber = "0190b3c4-0000-7000-8000-0000000000b1"

// sampleBusiness is a business as difficulty-alert's view sends it.
func sampleBusiness() *peers.PreventionBusiness {
	scored := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	return &peers.PreventionBusiness{BusinessID: businessNumber, Score: 56, Level: "moderate", LevelLabel: "risque modéré",
		Trend: 12, TrendDays: 30, ScoredAt: &scored,
		Explanation: "Décisions de justice : 44 points (1 signal, le 14 janvier 2026) ; Autodiagnostic : 12 points (1 signal, le 20 novembre 2026). Total : 56 points, risque modéré.",
		Contributions: []peers.ScoreContribution{
			{Theme: "court_events", ThemeLabel: "Décisions de justice", Points: 44, Uncapped: 44, Signals: 1, Latest: "2026-01-14"},
			{Theme: "self_assessment", ThemeLabel: "Autodiagnostic", Points: 12, Uncapped: 30, Capped: true, Signals: 1, Latest: "2026-11-20"}},
		Court: &peers.CourtState{Procedure: "redressement_judiciaire", ProcedureLabel: "Redressement judiciaire", Since: "2026-01-14"},
		Signals: []peers.PreventionSignal{
			{Source: "self_report", SourceLabel: "Autodiagnostic du dirigeant", Kind: "self_diagnosis_call_back",
				KindLabel: "Autodiagnostic : rappel demandé", Theme: "self_assessment", ThemeLabel: "Autodiagnostic",
				OccurredOn: "2026-11-20", Strength: 70, ExpiresOn: "2027-05-20"},
			{Source: "bodacc", SourceLabel: "BODACC", Kind: "court_judgment", KindLabel: "Jugement publié au BODACC",
				Theme: "court_events", ThemeLabel: "Décisions de justice", OccurredOn: "2026-01-14", Strength: 80, ExpiresOn: "2027-01-14",
				ProcedureLabel: "Redressement judiciaire"}}}
}

// The case page shows its business's score and signals: level, points,
// trend, the explanation, the contributions by theme, the court state
// apart, the signals with their French labels, and a link to the
// business's page by number; a case whose business is unknown says so.
func TestPreventionPageScore(t *testing.T) {
	const id = "0190b3c4-0000-7000-8000-00000000000c"
	pc := peers.PreventionCase{CaseID: id, Status: "taken_in_charge", StatusLabel: "Pris en charge", Business: sampleBusiness()}
	body := preventionPageOf(t, pc, preventionView{Cell: true})
	for _, want := range []string{"Score et signaux", "risque modéré", "56 points", "+12 points en 30 jours",
		pc.Business.Explanation, "Procédure collective en cours", "Redressement judiciaire depuis le 14 janvier 2026",
		"<td>Décisions de justice</td><td>44</td>", "12 (plafond atteint, 30 avant plafond)",
		"Autodiagnostic : rappel demandé", "Jugement publié au BODACC : Redressement judiciaire", "<td>70/100</td>",
		"20 mai 2027", `href="/prevention/entreprises/` + businessNumber + `"`} {
		if !strings.Contains(body, want) {
			t.Errorf("the case page lacks %q", want)
		}
	}
	// An assigned advisor outside the cell: no link to the page they may
	// not open.
	if body := preventionPageOf(t, pc, preventionView{}); strings.Contains(body, "/prevention/entreprises/") ||
		!strings.Contains(body, pc.Business.Explanation) {
		t.Error("an advisor outside the cell is offered the business's page, or not shown the score")
	}
	pc.Business = nil
	body = preventionPageOf(t, pc, preventionView{})
	if !strings.Contains(body, "pas encore identifiée") || strings.Contains(body, "Explication du score") {
		t.Error("a case without a known business shows a score")
	}
}

func TestTrendAndCourtText(t *testing.T) {
	for points, want := range map[int]string{12: "+12 points en 30 jours", 1: "+1 point en 30 jours", 0: "stable", -5: "−5 points en 30 jours"} {
		if got := trendText(points, 30); got != want {
			t.Errorf("trendText(%d) = %q, want %q", points, got, want)
		}
	}
	if got := courtText(&peers.CourtState{ProcedureLabel: "Sauvegarde", Since: "2026-03-01"}); got != "Sauvegarde depuis le 1er mars 2026" {
		t.Errorf("courtText = %q", got)
	}
	if courtText(nil) != "" {
		t.Error("no court state, some text")
	}
}

// principals names the tokens of the tests.
type principals map[string]auth.Principal

func (p principals) Verify(_ context.Context, raw string) (auth.Principal, error) {
	if pr, ok := p[raw]; ok {
		return pr, nil
	}
	return auth.Principal{}, errors.New("unknown token")
}

// cellFiles answers as difficulty-alert does: the cell's list and
// business pages for a cell member's token, 403 for anyone else; it
// records the calls.
type cellFiles struct {
	CaseFiles
	cell  string
	calls []string
	page  peers.BusinessPage
}

func (f *cellFiles) PreventionBusinesses(_ context.Context, token, level, after string, limit int) (peers.BusinessPage, error) {
	f.calls = append(f.calls, fmt.Sprintf("list level=%s after=%s limit=%d", level, after, limit))
	if token != f.cell {
		return peers.BusinessPage{}, &peers.Refused{Status: http.StatusForbidden, Detail: "Les scores des entreprises ne sont ouverts qu'à la cellule de prévention."}
	}
	return f.page, nil
}

func (f *cellFiles) PreventionBusiness(_ context.Context, token, id string) (peers.PreventionBusiness, error) {
	f.calls = append(f.calls, "business "+id)
	if token != f.cell {
		return peers.PreventionBusiness{}, &peers.Refused{Status: http.StatusForbidden}
	}
	return *sampleBusiness(), nil
}

// desk serves the web desk over files, with the tokens "cell" (a
// prevention cell member) and "advisor".
func desk(t *testing.T, files CaseFiles) *httptest.Server {
	t.Helper()
	h, err := Routes{Verifier: principals{
		"cell":    {Subject: "cma-91-002", Chamber: "CMA", Roles: []auth.Role{auth.RoleAdvisor, auth.RolePreventionCell}},
		"advisor": {Subject: "cma-91-003", Chamber: "CMA", Roles: []auth.Role{auth.RoleAdvisor}},
	}, Directory: names{}, Cases: files}.Handler()
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

func getPage(t *testing.T, srv *httptest.Server, token, path string) (int, string) {
	t.Helper()
	status, _, body := sendPage(t, srv, token, http.MethodGet, path, nil)
	return status, body
}

// sendPage sends a request of token's session (a form when form is not
// nil) without following redirects, and returns the status, the
// Location and the page, unescaped.
func sendPage(t *testing.T, srv *httptest.Server, token, method, path string, form url.Values) (int, string, string) {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(t.Context(), method, srv.URL+path, body)
	if err != nil {
		t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	req.AddCookie(&http.Cookie{Name: SessionCookie, Value: token})
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Location"), html.UnescapeString(string(b))
}

// The cell's list: businesses by level with score, trend, court state,
// the open case and the business's page by number, the next page by
// score and number (never a SIREN in a URL); the menu links the list for
// cell members only; a non-cell advisor gets difficulty-alert's 403; bad
// parameters are 400 and go to no service.
func TestBusinessesPage(t *testing.T) {
	files := &cellFiles{cell: "cell"}
	for i := range businessPageSize {
		b := peers.BusinessSummary{BusinessID: fmt.Sprintf("0190b3c4-0000-7000-8000-0000000001%02d", i), SIREN: "830249439",
			Score: 80 - i, Level: "high", Trend: 12 - i}
		if i == 0 {
			b.Court = &peers.CourtState{ProcedureLabel: "Redressement judiciaire", Since: "2026-01-14"}
			b.OpenCaseID = "0190b3c4-0000-7000-8000-00000000000c"
		}
		files.page.Businesses = append(files.page.Businesses, b)
	}
	files.page.NextAfter = "31:830249439"
	srv := desk(t, files)

	status, body := getPage(t, srv, "cell", "/prevention/entreprises?niveau=fort")
	if status != 200 {
		t.Fatalf("cell: %d %s", status, body)
	}
	last := files.page.Businesses[businessPageSize-1]
	for _, want := range []string{"Risque fort : 50 entreprises", "80 points", "+12 points en 30 jours", "stable",
		"Redressement judiciaire depuis le 14 janvier 2026", `href="/dossiers/prevention/0190b3c4-0000-7000-8000-00000000000c"`,
		`href="/prevention/entreprises/0190b3c4-0000-7000-8000-000000000100"`, `href="/prevention/entreprises">Entreprises en difficulté</a>`,
		`href="/prevention/entreprises?apres=` + url.QueryEscape("31:"+last.BusinessID) + `&niveau=fort"`} {
		if !strings.Contains(body, want) {
			t.Errorf("the list lacks %q", want)
		}
	}
	if strings.Contains(body, "830249439") {
		t.Error("the list shows a SIREN")
	}
	if files.calls[0] != "list level=high after= limit=50" {
		t.Errorf("calls %v", files.calls)
	}
	status, _ = getPage(t, srv, "cell", "/prevention/entreprises?apres="+url.QueryEscape("31:"+last.BusinessID))
	if status != 200 || files.calls[1] != "list level= after=31:"+last.BusinessID+" limit=50" {
		t.Errorf("next page: %d %v", status, files.calls)
	}

	status, body = getPage(t, srv, "advisor", "/prevention/entreprises")
	if status != 403 || !strings.Contains(body, "cellule de prévention") || strings.Contains(body, `href="/prevention/entreprises">`) {
		t.Errorf("advisor: %d %s", status, body)
	}
	n := len(files.calls)
	for _, path := range []string{"/prevention/entreprises?niveau=orange", "/prevention/entreprises?apres=31:830249439"} {
		if status, _ := getPage(t, srv, "cell", path); status != 400 {
			t.Errorf("%s: %d", path, status)
		}
	}
	if len(files.calls) != n {
		t.Errorf("bad parameters went to difficulty-alert: %v", files.calls[n:])
	}
	if status, _ := getPage(t, srv, "", "/prevention/entreprises"); status != http.StatusSeeOther {
		t.Errorf("signed out: %d", status)
	}
}

// A business's page, by number: the explanation, contributions and
// signals; the cell only (difficulty-alert's 403 otherwise); an id that
// is not a number (a SIREN) goes to no service.
func TestBusinessPage(t *testing.T) {
	files := &cellFiles{cell: "cell"}
	srv := desk(t, files)
	status, body := getPage(t, srv, "cell", "/prevention/entreprises/"+businessNumber)
	if status != 200 {
		t.Fatalf("cell: %d %s", status, body)
	}
	for _, want := range []string{"Entreprise suivie", sampleBusiness().Explanation, "Contributions au score par thème",
		"Signaux en cours (2)", "Redressement judiciaire depuis le 14 janvier 2026", "Retour à la liste des entreprises"} {
		if !strings.Contains(body, want) {
			t.Errorf("the business page lacks %q", want)
		}
	}
	if status, _ := getPage(t, srv, "advisor", "/prevention/entreprises/"+businessNumber); status != 403 {
		t.Errorf("advisor: %d", status)
	}
	n := len(files.calls)
	if status, _ := getPage(t, srv, "cell", "/prevention/entreprises/830249439"); status != 404 || len(files.calls) != n {
		t.Errorf("a SIREN as number: %d %v", status, files.calls[n:])
	}
}
