package service

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/ccicma/platform/pkg/auth"
	"github.com/ccicma/platform/pkg/platform"
	"github.com/ccicma/platform/pkg/refdata"

	"github.com/ccicma/platform/services/advisor-desk/internal/adapters/postgres"
	"github.com/ccicma/platform/services/advisor-desk/internal/app"
	webport "github.com/ccicma/platform/services/advisor-desk/internal/ports/web"
)

// DemoPassword is the web desk's password of every advisor of a
// development platform (ADVISOR_DESK_DEV_SIGNIN) who has none yet: the
// demo advisors sign in at /connexion with their id (or e-mail) and it.
const DemoPassword = "Demo-Conseil-91" //nolint:gosec // G101: a published demo password, set only on development platforms

// deskExtras is what the case pages need beyond the inbox: the reference
// data that names codes, and the resolver of WithPeers (nil: the
// configured URLs).
type deskExtras struct {
	places *refdata.Data
	peers  func(string) string
	// mail sets the advisor's e-mail preference from the inbox.
	mail webport.MailPreferences
}

// webDesk seeds the demo passwords and returns the web desk: sign-in at
// /connexion, the inbox at /boite. It runs only with the development
// issuer, which signs the sessions' tokens.
func webDesk(ctx context.Context, cfg Config, store *postgres.Store, issuer *auth.Issuer, verifier *auth.Verifier,
	rt *platform.Runtime, x deskExtras) (http.Handler, error) {
	now := func() time.Time { return time.Now().UTC() }
	n, err := app.SeedDemoPasswords{Passwords: store, Now: now}.Seed(ctx, DemoPassword)
	if err != nil {
		return nil, fmt.Errorf("seed demo passwords: %w", err)
	}
	rt.Log.Info("web desk enabled with demo passwords", "advisors_given_one", n)
	web := webport.Routes{
		SignIn:    app.PasswordSignIn{Credentials: store, Issuer: issuer},
		Verifier:  verifier,
		Inbox:     app.ReadInbox{Inboxes: store},
		MarkRead:  app.MarkRead{Inboxes: store, Now: now},
		Directory: app.ReadDirectory{Directory: store},
		Cases:     caseFiles(cfg, rt, x.peers),
		Places:    x.places,
		Mail:      x.mail,
		Limits:    webport.Limits{PerClient: cfg.RateLimit},
		Log:       rt.Log,
	}
	return web.Handler()
}
