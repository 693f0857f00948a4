package web

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ccicma/platform/services/advisor-desk/internal/adapters/peers"
)

func TestSortLines(t *testing.T) {
	day := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	lines := []caseLine{
		{ID: "none-old", WaitingSince: day},
		{ID: "late", WaitingSince: day.AddDate(0, 0, 3), Next: &peers.NextAction{Due: "2026-12-02"}},
		{ID: "soon", WaitingSince: day.AddDate(0, 0, 1), Next: &peers.NextAction{Due: "2026-12-20"}},
		{ID: "none-new", WaitingSince: day.AddDate(0, 0, 5)},
	}
	ids := func(ls []caseLine) []string {
		var out []string
		for _, l := range ls {
			out = append(out, l.ID)
		}
		return out
	}
	sortLines(lines, sortDue)
	if got, want := ids(lines), []string{"late", "soon", "none-old", "none-new"}; !slices.Equal(got, want) {
		t.Errorf("by due date: %v, want %v", got, want)
	}
	sortLines(lines, sortWaiting)
	if got, want := ids(lines), []string{"none-old", "soon", "late", "none-new"}; !slices.Equal(got, want) {
		t.Errorf("by waiting time: %v, want %v", got, want)
	}
}

func TestWaitingText(t *testing.T) {
	for d, want := range map[time.Duration]string{
		time.Hour: "depuis moins d'un jour", 30 * time.Hour: "depuis 1 jour", 10 * 24 * time.Hour: "depuis 10 jours",
	} {
		if got := waitingText(d); got != want {
			t.Errorf("waitingText(%v) = %q, want %q", d, got, want)
		}
	}
}

func TestStageFilter(t *testing.T) {
	for _, s := range []string{"", "opened", "diagnosis", "follow_up"} {
		if !validStageFilter(s) {
			t.Errorf("stage %q refused", s)
		}
	}
	for _, s := range []string{"closed", "<script>", "Diagnosis"} {
		if validStageFilter(s) {
			t.Errorf("stage %q accepted", s)
		}
	}
}

// An overdue next action says so in words, not in colour alone; the
// table has its caption and header scopes.
func TestMyCasesPageOverdue(t *testing.T) {
	s := &site{Routes: Routes{Log: slog.New(slog.DiscardHandler)}, pages: parsePages(newStatic())}
	v := myCasesView{Sort: sortDue, SortWaitingURL: myCasesURL("", sortWaiting), Cases: []caseLine{
		{ID: "0190b3c4-0000-7000-8000-000000000001", Short: "0190b3c4", Link: "/dossiers/creation/0190b3c4-0000-7000-8000-000000000001",
			Stage: "Formation", Waiting: "depuis 3 jours", Next: &peers.NextAction{Label: "Rappeler", Due: "2026-11-30", Overdue: true}},
		{ID: "0190b3c4-0000-7000-8000-000000000002", Short: "0190b3c4", Link: "/dossiers/creation/0190b3c4-0000-7000-8000-000000000002",
			Stage: "Accueil", Waiting: "depuis 1 jour", Next: &peers.NextAction{Label: "Relire", Due: "2026-12-30"}},
	}}
	w := httptest.NewRecorder()
	s.render(w, httptest.NewRequest(http.MethodGet, "/dossiers/creation", nil), http.StatusOK, "mycases",
		layout{Title: "Mes dossiers de création", Signed: true, Main: v})
	body := w.Body.String()
	for _, want := range []string{`<time datetime="2026-11-30">30/11/2026</time> <span class="fr-badge fr-badge--sm fr-badge--error">En retard</span>`,
		"<caption>2 dossiers", `<th scope="row">`, "Échéance (tri actuel)", `href="/dossiers/creation?tri=attente"`} {
		if !strings.Contains(body, want) {
			t.Errorf("the page lacks %q:\n%s", want, body)
		}
	}
	if n := strings.Count(body, "En retard"); n != 1 {
		t.Errorf("%d cases said overdue, want 1", n)
	}
}
