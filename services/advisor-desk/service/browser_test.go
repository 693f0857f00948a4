package service_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/ccicma/platform/pkg/events"

	"github.com/ccicma/platform/services/advisor-desk/service"
)

// The browser test drives a real headless Chromium (Debian's chromium
// package; .ci/run installs it). Without a browser it fails: it is the
// only test of what an advisor actually sees.

func chromiumPath() (string, error) {
	if p := os.Getenv("CHROMIUM_PATH"); p != "" {
		return p, nil
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "headless-shell"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("no Chromium found (looked for $CHROMIUM_PATH, chromium, chromium-browser, google-chrome, headless-shell on PATH).\n" +
		"Fix: apt-get install -y chromium (bash .ci/run does it), or set CHROMIUM_PATH")
}

// tab starts a headless Chromium for the test and returns a tab of it; both
// end with the test.
func tab(t *testing.T) context.Context {
	t.Helper()
	path, err := chromiumPath()
	if err != nil {
		t.Fatalf("the browser test needs Chromium: %v", err)
	}
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(path),
		chromedp.Flag("headless", true),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("lang", "fr-FR"),
		chromedp.Env("LANGUAGE=fr", "LANG=fr_FR.UTF-8"),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 1000),
	)
	ctx, cancelCtx := chromedp.NewContext(alloc)
	// The first run starts the browser, which lives as long as ctx.
	if err := chromedp.Do(ctx); err != nil {
		cancelCtx()
		cancelAlloc()
		t.Fatalf("start %s: %v", path, err)
	}
	tctx, cancelTimeout := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(func() { cancelTimeout(); cancelCtx(); cancelAlloc() })
	return tctx
}

func do(t *testing.T, ctx context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatal(err)
	}
}

func get[T any](t *testing.T, ctx context.Context, a chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// screenshot saves a full-page PNG into $ADVISOR_DESK_WEB_SCREENSHOTS,
// when set, for a person to look at; nothing is saved otherwise.
func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	dir := os.Getenv("ADVISOR_DESK_WEB_SCREENSHOTS")
	if dir == "" {
		return
	}
	png := get(t, ctx, chromedp.FullScreenshot(100))
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

// waitFor polls a JavaScript condition in the page (a guard against a
// hang, not a timing assertion).
func waitFor(cond string) chromedp.Action[chromedp.Void] {
	return chromedp.Poll[chromedp.Void](cond, chromedp.WithPollingTimeout(wait))
}

// TestBrowserLiveInbox: an advisor signs in, opens the inbox, and a
// notification created while the page is open appears on it without a
// reload, with the unread count; marking it read works in the page.
func TestBrowserLiveInbox(t *testing.T) {
	t.Parallel()
	d := startDesk(t)
	ctx := tab(t)

	do(t, ctx,
		chromedp.Navigate(d.url+"/boite"), // no session: to the sign-in page
		chromedp.WaitVisible(chromedp.ID("identifiant")),
		chromedp.SendKeys(chromedp.ID("identifiant"), "cma-91-001"),
		chromedp.SendKeys(chromedp.ID("mot-de-passe"), service.DemoPassword),
	)
	screenshot(t, ctx, "signin")
	do(t, ctx,
		chromedp.Click(chromedp.CSS(`form[action="/connexion"] button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.ID("boite")),
		waitFor(`document.getElementById('boite').dataset.live === 'on'`),
	)
	if count := get(t, ctx, chromedp.Text(chromedp.ID("non-lues"))); count != "Aucune notification non lue" {
		t.Errorf("unread count on an empty inbox: %q", count)
	}
	// A mark in the page's JavaScript state: a reload would lose it.
	do(t, ctx, chromedp.Evaluate[chromedp.Void](`window.sameDocument = true`))

	// Another advisor's case, then this advisor's, opened while the page is
	// open, as creation-support publishes them.
	theirs := caseOpened(t, events.ChamberCCI, "cci-91-001", "91")
	mine := caseOpened(t, events.ChamberCMA, "cma-91-001", "91")
	d.publish(t, theirs, theirs.ID)
	d.publish(t, mine, mine.ID)
	link := `#notifications a[href="/dossiers/creation/` + mine.Subject + `"]`
	do(t, ctx, chromedp.WaitVisible(chromedp.CSS(link)))

	screenshot(t, ctx, "inbox-live")
	if same := get(t, ctx, chromedp.Evaluate[bool](`window.sameDocument === true`)); !same {
		t.Error("the page reloaded to show the notification")
	}
	if count := get(t, ctx, chromedp.Text(chromedp.ID("non-lues"))); count != "1 notification non lue" {
		t.Errorf("unread count after the notification: %q", count)
	}
	// The live region announces it (its text is set a moment after the
	// item appears, so that screen readers notice the change).
	if _, err := chromedp.Run(ctx, waitFor(`document.getElementById('annonces').textContent.includes('Nouvelle notification : Nouveau dossier de création')`)); err != nil {
		said := get(t, ctx, chromedp.Evaluate[string](`document.getElementById('annonces').textContent`))
		t.Errorf("live region says %q, want the new notification announced (%v)", said, err)
	}
	items := get(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll('#notifications li.dk-item').length`))
	if items != 1 || get(t, ctx, chromedp.Evaluate[bool](`document.body.textContent.includes('`+theirs.Subject+`')`)) {
		t.Errorf("%d items on the page; another advisor's notification must not be among them", items)
	}

	// Mark read, with the keyboard: the button's form posts in the page.
	do(t, ctx,
		chromedp.Focus(chromedp.CSS(`#notifications li.dk-item form.dk-mark button`)),
		chromedp.KeyEvent("\r"),
		waitFor(`document.querySelector('#notifications li.dk-item form.dk-mark') === null`),
	)
	if count := get(t, ctx, chromedp.Text(chromedp.ID("non-lues"))); count != "Aucune notification non lue" {
		t.Errorf("unread count after mark read: %q", count)
	}
	if focused := get(t, ctx, chromedp.Evaluate[string](`document.activeElement.id`)); !strings.HasPrefix(focused, "n-") {
		t.Errorf("focus on %q after mark read, want the notification's title", focused)
	}
	if same := get(t, ctx, chromedp.Evaluate[bool](`window.sameDocument === true`)); !same {
		t.Error("mark read reloaded the page")
	}
	var read bool
	if err := d.db.QueryRow(d.ctx, `SELECT read_at IS NOT NULL FROM advisor_desk.notifications WHERE source_event = $1`, mine.ID).Scan(&read); err != nil || !read {
		t.Errorf("notification not marked read in the store (%v)", err)
	}

	// A reload shows the same state from the server.
	do(t, ctx, chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS(link)))
	if count := get(t, ctx, chromedp.Text(chromedp.ID("non-lues"))); count != "Aucune notification non lue" {
		t.Errorf("unread count after a reload: %q", count)
	}
}
