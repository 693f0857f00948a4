package stack_test

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/ccicma/platform/pkg/testkit/browsertest"

	advisordesk "github.com/ccicma/platform/services/advisor-desk/service"
)

// The browser tests drive a real headless Chromium (pkg/testkit/browsertest);
// without one they fail and say how to get it.

func TestMain(m *testing.M) { browsertest.Main(m) }

// deskSignIn signs an advisor in through the desk's sign-in page, in the
// tab.
func deskSignIn(t *testing.T, ctx context.Context, desk, advisor string) {
	t.Helper()
	browsertest.Do(t, ctx,
		chromedp.Navigate(desk+"/connexion"),
		chromedp.WaitVisible(chromedp.ID("identifiant")),
		chromedp.SendKeys(chromedp.ID("identifiant"), advisor),
		chromedp.SendKeys(chromedp.ID("mot-de-passe"), advisordesk.DemoPassword),
		chromedp.Click(chromedp.CSS(`form[action="/connexion"] button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.ID("boite")),
	)
}

// submit opens the page at url (unless empty: the page open), sets the
// fields of its form posting to action and sends it; the page it comes
// back to shows what was done (the page opened shows no confirmation, so
// that the wait is for the answer's).
func submit(url, action string, fields map[string]string) []chromedp.Action[chromedp.Void] {
	var steps []chromedp.Action[chromedp.Void]
	if url != "" {
		steps = append(steps, chromedp.Navigate(url))
	}
	for id, value := range fields {
		steps = append(steps, chromedp.SetValue(chromedp.ID(id), value))
	}
	return append(steps,
		chromedp.Click(chromedp.CSS(`form[action$="`+action+`"] button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`.fr-alert--success`)),
	)
}

// TestBrowserCreationJourney: the CCI advisor of a case shared with the
// CMA signs in, opens "Mes dossiers", opens the case, takes it in charge,
// records what each stage needs and moves it through two stages, and adds
// a private note; the CMA advisor
// then sees the stage on the case page, and not the note.
func TestBrowserCreationJourney(t *testing.T) {
	r := startStack(t)
	desk := r.st.URL("advisor-desk")
	caseID, lead, other := sharedCase(t, r, "e2e-browser-journey-0001")
	link := "/dossiers/creation/" + caseID
	ctx := browsertest.Tab(t)

	deskSignIn(t, ctx, desk, lead)
	browsertest.Do(t, ctx,
		chromedp.Click(chromedp.CSS(`header a[href="/dossiers/creation"]`)),
		chromedp.WaitVisible(chromedp.ID("mes-dossiers")),
		chromedp.Click(chromedp.CSS(`#mes-dossiers a[href="`+link+`"]`)),
		chromedp.WaitVisible(chromedp.CSS(`form[action$="/prise-en-charge"]`)),
		chromedp.Click(chromedp.CSS(`form[action$="/prise-en-charge"] button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.ID("vers")),
	)
	// The welcome took place: its facts let the case move on.
	browsertest.Do(t, ctx, chromedp.Navigate(desk+link), chromedp.Click(chromedp.ID("accueil-individual")))
	browsertest.Do(t, ctx, submit("", "/faits", map[string]string{"date-accueil": "2026-11-02"})...)
	browsertest.Do(t, ctx, submit(desk+link, "/etape", map[string]string{"vers": "diagnosis"})...)
	if stage := browsertest.Get(t, ctx, chromedp.Text(chromedp.ID("etape-actuelle"))); stage != "Diagnostic et orientation" {
		t.Fatalf("stage after the first move: %q", stage)
	}
	browsertest.Do(t, ctx,
		chromedp.Navigate(desk+link),
		chromedp.Click(chromedp.ID("chambre-confirmee")),
		chromedp.Click(chromedp.ID("reglementee-non")),
	)
	browsertest.Do(t, ctx, submit("", "/faits", nil)...)
	browsertest.Do(t, ctx, submit(desk+link, "/etape", map[string]string{"vers": "training"})...)
	if stage := browsertest.Get(t, ctx, chromedp.Text(chromedp.ID("etape-actuelle"))); stage != "Formation" {
		t.Fatalf("stage after the second move: %q", stage)
	}
	const private = "Le porteur hésite entre deux locaux."
	browsertest.Do(t, ctx, submit(desk+link, "/notes", map[string]string{"note": private})...)
	if notes := browsertest.Get(t, ctx, chromedp.Text(chromedp.ID("chronologie"))); !strings.Contains(notes, private) || !strings.Contains(notes, "privée à la CCI") {
		t.Fatalf("notes after adding one: %q", notes)
	}

	// The CMA advisor, in the same browser once the CCI's signed out.
	browsertest.Do(t, ctx,
		chromedp.Click(chromedp.CSS(`form[action="/deconnexion"] button`)),
		chromedp.WaitVisible(chromedp.ID("identifiant")),
	)
	deskSignIn(t, ctx, desk, other)
	browsertest.Do(t, ctx, chromedp.Navigate(desk+link), chromedp.WaitVisible(chromedp.ID("etape-actuelle")))
	if stage := browsertest.Get(t, ctx, chromedp.Text(chromedp.ID("etape-actuelle"))); stage != "Formation" {
		t.Errorf("the CMA advisor sees the stage %q, want Formation", stage)
	}
	if page := browsertest.Get(t, ctx, chromedp.Text(chromedp.CSS("main"))); strings.Contains(page, private) {
		t.Errorf("the CMA advisor reads the CCI's private note:\n%s", page)
	}
}
