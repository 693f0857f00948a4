package service_test

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/ccicma/platform/pkg/events"
	"github.com/ccicma/platform/pkg/testkit"
	"github.com/ccicma/platform/pkg/testkit/browsertest"

	"github.com/ccicma/platform/services/advisor-desk/service"
)

// The browser test drives a real headless Chromium (pkg/testkit/browsertest);
// without one it fails and says how to get it.

func TestMain(m *testing.M) { browsertest.Main(m) }

// screenshot saves a PNG into $ADVISOR_DESK_WEB_SCREENSHOTS, when set.
func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	browsertest.Screenshot(t, ctx, "ADVISOR_DESK_WEB_SCREENSHOTS", name)
}

// waitFor polls a JavaScript condition in the page (a guard against a
// hang, not a timing assertion).
func waitFor(cond string) chromedp.Action[chromedp.Void] {
	return chromedp.Poll[chromedp.Void](cond, chromedp.WithPollingTimeout(testkit.Wait))
}

// TestBrowserLiveInbox: an advisor signs in, opens the inbox, and a
// notification created while the page is open appears on it without a
// reload, with the unread count; marking it read works in the page.
func TestBrowserLiveInbox(t *testing.T) {
	t.Parallel()
	d := startDesk(t)
	ctx := browsertest.Tab(t)

	browsertest.Do(t, ctx,
		chromedp.Navigate(d.URL+"/boite"), // no session: to the sign-in page
		chromedp.WaitVisible(chromedp.ID("identifiant")),
		chromedp.SendKeys(chromedp.ID("identifiant"), "cma-91-001"),
		chromedp.SendKeys(chromedp.ID("mot-de-passe"), service.DemoPassword),
	)
	screenshot(t, ctx, "signin")
	browsertest.Do(t, ctx,
		chromedp.Click(chromedp.CSS(`form[action="/connexion"] button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.ID("boite")),
		waitFor(`document.getElementById('boite').dataset.live === 'on'`),
	)
	if count := browsertest.Get(t, ctx, chromedp.Text(chromedp.ID("non-lues"))); count != "Aucune notification non lue" {
		t.Errorf("unread count on an empty inbox: %q", count)
	}
	// A mark in the page's JavaScript state: a reload would lose it.
	browsertest.Do(t, ctx, chromedp.Evaluate[chromedp.Void](`window.sameDocument = true`))

	// Another advisor's case, then this advisor's, opened while the page is
	// open, as creation-support publishes them.
	theirs := caseOpened(t, events.ChamberCCI, "cci-91-001", "91")
	mine := caseOpened(t, events.ChamberCMA, "cma-91-001", "91")
	d.Publish(t, theirs)
	d.Publish(t, mine)
	link := `#notifications a[href="/dossiers/creation/` + mine.Subject + `"]`
	browsertest.Do(t, ctx, chromedp.WaitVisible(chromedp.CSS(link)))

	screenshot(t, ctx, "inbox-live")
	if same := browsertest.Get(t, ctx, chromedp.Evaluate[bool](`window.sameDocument === true`)); !same {
		t.Error("the page reloaded to show the notification")
	}
	if count := browsertest.Get(t, ctx, chromedp.Text(chromedp.ID("non-lues"))); count != "1 notification non lue" {
		t.Errorf("unread count after the notification: %q", count)
	}
	// The live region announces it (its text is set a moment after the
	// item appears, so that screen readers notice the change).
	if _, err := chromedp.Run(ctx, waitFor(`document.getElementById('annonces').textContent.includes('Nouvelle notification : Nouveau dossier de création')`)); err != nil {
		said := browsertest.Get(t, ctx, chromedp.Evaluate[string](`document.getElementById('annonces').textContent`))
		t.Errorf("live region says %q, want the new notification announced (%v)", said, err)
	}
	items := browsertest.Get(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll('#notifications li.dk-item').length`))
	if items != 1 || browsertest.Get(t, ctx, chromedp.Evaluate[bool](`document.body.textContent.includes('`+theirs.Subject+`')`)) {
		t.Errorf("%d items on the page; another advisor's notification must not be among them", items)
	}

	// Mark read, with the keyboard: the button's form posts in the page.
	browsertest.Do(t, ctx,
		chromedp.Focus(chromedp.CSS(`#notifications li.dk-item form.dk-mark button`)),
		chromedp.KeyEvent("\r"),
		waitFor(`document.querySelector('#notifications li.dk-item form.dk-mark') === null`),
	)
	if count := browsertest.Get(t, ctx, chromedp.Text(chromedp.ID("non-lues"))); count != "Aucune notification non lue" {
		t.Errorf("unread count after mark read: %q", count)
	}
	if focused := browsertest.Get(t, ctx, chromedp.Evaluate[string](`document.activeElement.id`)); !strings.HasPrefix(focused, "n-") {
		t.Errorf("focus on %q after mark read, want the notification's title", focused)
	}
	if same := browsertest.Get(t, ctx, chromedp.Evaluate[bool](`window.sameDocument === true`)); !same {
		t.Error("mark read reloaded the page")
	}
	var read bool
	if err := d.DB.QueryRow(d.Ctx, `SELECT read_at IS NOT NULL FROM advisor_desk.notifications WHERE source_event = $1`, mine.ID).Scan(&read); err != nil || !read {
		t.Errorf("notification not marked read in the store (%v)", err)
	}

	// A reload shows the same state from the server.
	browsertest.Do(t, ctx, chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS(link)))
	if count := browsertest.Get(t, ctx, chromedp.Text(chromedp.ID("non-lues"))); count != "Aucune notification non lue" {
		t.Errorf("unread count after a reload: %q", count)
	}
}
