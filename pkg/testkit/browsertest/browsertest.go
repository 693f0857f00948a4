// Package browsertest drives a real headless Chromium for the web tests of
// the services (Debian's chromium package, which
// deploy/devstack/ensure-deps.sh test, run by make test, installs). Without a
// browser a test fails and says how to get one: these tests are the only
// ones of what applicants and advisors actually see and do.
//
// One browser serves a test binary (started at the first Tab, ended by
// Main), each test working in tabs of its own.
package browsertest

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TabTimeout bounds a test's tab: a guard against a hung page, not a
// timing assertion.
const TabTimeout = 90 * time.Second

// browser is the Chromium process of the test binary.
var browser struct {
	once   sync.Once
	ctx    context.Context
	cancel func()
	err    error
}

// Main runs the tests, then ends the shared browser: call it from
// TestMain, so that no Chromium outlives the test binary.
func Main(m *testing.M) {
	code := m.Run()
	if browser.cancel != nil {
		browser.cancel()
	}
	os.Exit(code)
}

// Tab opens a tab of the shared browser for the test, closed when the test
// ends.
func Tab(t testing.TB) context.Context {
	t.Helper()
	browser.once.Do(func() { browser.ctx, browser.cancel, browser.err = start() })
	if browser.err != nil {
		t.Fatalf("browser tests need Chromium: %v", browser.err)
	}
	ctx, cancel := chromedp.NewContext(browser.ctx)
	ctx, cancelTimeout := context.WithTimeout(ctx, TabTimeout)
	t.Cleanup(func() { cancelTimeout(); cancel() })
	return ctx
}

// Do runs steps in the test's tab.
func Do(t testing.TB, ctx context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatal(err)
	}
}

// Get runs an action that reads something in the test's tab.
func Get[T any](t testing.TB, ctx context.Context, a chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// Screenshot saves a full-page PNG named name into the directory the
// environment variable dirVar names, when set, for a person to look at;
// nothing is saved otherwise.
func Screenshot(t testing.TB, ctx context.Context, dirVar, name string) {
	t.Helper()
	dir := os.Getenv(dirVar)
	if dir == "" {
		return
	}
	png := Get(t, ctx, chromedp.FullScreenshot(100))
	//nolint:gosec // G703: the directory is the developer's own choice (dirVar) and name the test's
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o600); err != nil {
		t.Fatal(err)
	}
}

// chromiumPath finds the browser: $CHROMIUM_PATH, or a Chromium on PATH.
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
		"Fix: apt-get install -y chromium (deploy/devstack/ensure-deps.sh test, run by make test, does it), or set CHROMIUM_PATH")
}

// start starts a headless Chromium in French, without the background
// connections a closed network refuses.
func start() (context.Context, func(), error) {
	path, err := chromiumPath()
	if err != nil {
		return nil, nil, err
	}
	dir, err := os.MkdirTemp("", "browsertest-chromium-")
	if err != nil {
		return nil, nil, err
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
		chromedp.UserDataDir(dir),
		chromedp.WindowSize(1280, 1000),
	)
	ctx, cancelCtx := chromedp.NewContext(alloc)
	cancel := func() {
		cancelCtx()
		cancelAlloc()
		_ = os.RemoveAll(dir)
	}
	// The first run starts the browser, which lives as long as the context
	// of that run: ctx, not one with a timeout.
	if err := chromedp.Do(ctx); err != nil {
		cancel()
		return nil, nil, fmt.Errorf("start %s: %w", path, err)
	}
	return ctx, cancel, nil
}
