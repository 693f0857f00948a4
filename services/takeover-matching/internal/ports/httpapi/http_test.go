package httpapi_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ccicma/platform/pkg/auth"
	"github.com/ccicma/platform/pkg/directory/projection"
	"github.com/ccicma/platform/pkg/events"
	"github.com/ccicma/platform/pkg/inbox"
	"github.com/ccicma/platform/pkg/outbox"
	"github.com/ccicma/platform/pkg/testkit"

	"github.com/ccicma/platform/services/takeover-matching/internal/adapters/postgres"
	"github.com/ccicma/platform/services/takeover-matching/internal/app"
	"github.com/ccicma/platform/services/takeover-matching/internal/domain/takeover"
	"github.com/ccicma/platform/services/takeover-matching/internal/ports/httpapi"
	"github.com/ccicma/platform/services/takeover-matching/migrations"
)

type noWake struct{}

func (noWake) Wake() {}

// fixture is the API over a real store holding a few offers, searches and
// the matches the use cases proposed between them.
type fixture struct {
	url    string
	key    ed25519.PrivateKey
	issuer *auth.Issuer
	ids    map[string]string // offer and search names -> ids
	pool   *pgxpool.Pool
	store  *postgres.Store
}

const issuerName = "https://sso.test/realms/ccicma"

func setup(t *testing.T) *fixture {
	t.Helper()
	ctx := testkit.Context(t)
	pool := testkit.NewSchemas(t, "takeover_matching").Pool(t, outbox.Migrations(), inbox.Migrations(),
		projection.Migrations(), migrations.Set())
	store := postgres.New(pool, noWake{})
	f := &fixture{ids: map[string]string{}, pool: pool, store: store}
	f.register(t, ctx, store)

	var err error
	if _, f.key, err = ed25519.GenerateKey(rand.Reader); err != nil {
		t.Fatal(err)
	}
	f.issuer, err = auth.NewIssuer(auth.IssuerOptions{Issuer: issuerName, Audience: "ccicma", Key: f.key})
	if err != nil {
		t.Fatal(err)
	}
	concernAt := time.Now().UTC().Truncate(time.Microsecond)
	quiet := slog.New(slog.DiscardHandler)
	verifier, err := auth.NewStaticVerifier(auth.Config{Issuer: issuerName}, f.issuer.JWKS(), quiet)
	if err != nil {
		t.Fatal(err)
	}
	complete := app.CompleteSearch{Searches: store, RegionOf: regionOf, Matcher: matcher(t), NewID: newID,
		Now:       func() time.Time { return time.Now().UTC() },
		IsNAF:     func(id string) bool { return id == "10.7" || id == "10.71" },
		IsCommune: func(code string) bool { return code == "91228" }}
	routes := httpapi.Routes{Offers: app.ReadOffers{Files: store, Private: store, Concerns: store}, Searches: app.ReadSearches{Files: store, Private: store},
		Matches: app.ReadMatches{Files: store}, Completer: complete, Auth: verifier, Log: quiet,
		Lifecycle: app.NewLifecycleActions(store, matcher(t), func() time.Time { return time.Now().UTC() }, newID),
		Stepper:   app.TakeMatchStep{Introductions: store, Now: func() time.Time { return time.Now().UTC() }},
		Care:      app.NewCareActions(store, func() time.Time { return time.Now().UTC() }),
		// One instant for every concern: the same-day repeat cannot
		// straddle midnight.
		Concerns: app.RaiseOfferConcern{Concerns: store, Now: func() time.Time { return concernAt }, NewID: newID}}
	srv := httptest.NewServer(routes.Handler())
	t.Cleanup(srv.Close)
	f.url = srv.URL
	return f
}

func newID() (string, error) { return uuid.Must(uuid.NewV7()).String(), nil }

func regionOf(d string) string { return map[string]string{"91": "11"}[d] }

// matcher scores with the embedded rules.
func matcher(t *testing.T) takeover.Matcher {
	t.Helper()
	rules, err := takeover.EmbeddedRules()
	if err != nil {
		t.Fatal(err)
	}
	return takeover.Matcher{Rules: rules, Threshold: rules.Threshold()}
}

// register feeds the use cases as intake would:
//   - "conf": a confidential CMA bakery; "public": a public CMA bakery
//     (both vetted and published, as "shared" and "lone")
//   - "fresh": a public CMA bakery submitted, not vetted yet
//   - "shared": a CCI shop shared with the CMA; "lone": a CCI restaurant
//   - "buyer": a CCI buyer of bakeries (matches conf and public)
//   - "farmer": a CMA buyer of farms (matches nothing)
//   - "draft", "draft2": CCI draft searches from redirected creation projects
func (f *fixture) register(t *testing.T, ctx context.Context, store *postgres.Store) {
	t.Helper()
	now := func() time.Time { return time.Now().UTC() }
	ro := app.RegisterOffer{Registry: store, RegionOf: regionOf, Matcher: matcher(t), Now: now, NewID: newID}
	rs := app.RegisterSearch{Registry: store, RegionOf: regionOf, Matcher: matcher(t), Now: now, NewID: newID}
	offer := func(name, lead, secondary, naf string, confidential bool) {
		p := events.TakeoverOfferSubmitted{RequestID: uuid.Must(uuid.NewV7()).String(), NAFCode: naf, Departement: "91",
			CommuneCode: "91228", SIRET: "35600000000048", Headcount: 4, RevenueBand: "300k_1m", GrossOperatingProfitBand: "25k_75k",
			AskingPrice: 250_000, DealTypes: []string{"fonds"}, Reason: "retirement", Timeline: "6m_12m",
			Routing: events.Routing{LeadChamber: lead, SecondaryChamber: secondary, RuleID: "r", EPCI: "200056232"}}
		if confidential {
			p.Confidential, p.CommuneCode, p.SIRET = true, "", ""
		}
		if err := ro.Handle(ctx, trigger(t), p); err != nil {
			t.Fatal(err)
		}
		o, ok, err := store.OfferByRequest(ctx, p.RequestID)
		if err != nil || !ok {
			t.Fatalf("offer %s: %v %v", name, ok, err)
		}
		f.ids[name] = o.ID
		if name != "fresh" {
			vet(t, ctx, store, o)
		}
	}
	search := func(name, lead string, sectors ...string) {
		p := events.TakeoverSearchSubmitted{RequestID: uuid.Must(uuid.NewV7()).String(), Sectors: sectors, Departements: []string{"91"},
			Mobility: "local", BudgetBand: "100k_300k", PersonalContributionBand: "50k_100k", HeadcountMin: 1, HeadcountMax: 9,
			DealTypes: []string{"fonds"}, Timeline: "6m_12m", Experience: "sector", Routing: events.Routing{LeadChamber: lead, RuleID: "r"}}
		if err := rs.Handle(ctx, trigger(t), p); err != nil {
			t.Fatal(err)
		}
		s, ok, err := store.SearchByRequest(ctx, p.RequestID)
		if err != nil || !ok {
			t.Fatalf("search %s: %v %v", name, ok, err)
		}
		f.ids[name] = s.ID
	}
	draft := func(name string) {
		p := events.CreationCaseRedirectedToTakeover{CaseID: uuid.Must(uuid.NewV7()).String(), RequestID: uuid.Must(uuid.NewV7()).String(),
			Chamber: "CCI", AdvisorID: "cci-91-c", NAFCode: "10.71C", CommuneCode: "91228", Departement: "91", RedirectedAt: now()}
		uc := app.OpenDraftSearch{Registry: store, RegionOf: regionOf, Now: now, NewID: newID}
		if err := uc.Handle(ctx, trigger(t), p); err != nil {
			t.Fatal(err)
		}
		s, ok, err := store.SearchByRequest(ctx, p.RequestID)
		if err != nil || !ok || s.Status != "draft" {
			t.Fatalf("draft %s: %+v %v %v", name, s, ok, err)
		}
		f.ids[name] = s.ID
	}
	draft("draft")
	draft("draft2")
	offer("conf", "CMA", "", "10.71C", true)
	offer("public", "CMA", "", "10.71D", false)
	offer("shared", "CCI", "CMA", "47.11F", false)
	offer("lone", "CCI", "", "56.10A", false)
	search("buyer", "CCI", "10.71")
	search("farmer", "CMA", "01")
	offer("fresh", "CMA", "", "10.71C", false) // submitted, not vetted
	for _, name := range []string{"conf", "public"} {
		ms, err := store.MatchesOfOffer(ctx, f.ids[name])
		if err != nil || len(ms) != 1 {
			t.Fatalf("matches of %s: %v %v", name, ms, err)
		}
		f.ids["match-"+name] = ms[0].ID
	}
}

// vet publishes an offer as a manager of its chamber would, showing its
// département and class.
func vet(t *testing.T, ctx context.Context, store *postgres.Store, o takeover.Offer) {
	t.Helper()
	uc := app.VetOffer{Offers: store, Matcher: matcher(t), Now: func() time.Time { return time.Now().UTC() }, NewID: newID}
	manager := auth.Principal{Subject: "mgr", Chamber: o.Chamber, Roles: []auth.Role{auth.RoleManager}}
	if _, err := uc.Vet(ctx, manager, o.ID, vetting()); err != nil {
		t.Fatalf("vet %s: %v", o.ID, err)
	}
}

// vetting is a complete vetting: the file of a bakery, a teaser at class
// and département level.
func vetting() takeover.Vetting {
	return takeover.Vetting{File: takeover.File{Owner: "Gérant depuis 1998", Business: "Boulangerie", Customers: "Locale",
		Equipment: "Four 2019", Staff: "3 vendeuses", Results: "Stables", ReasonForSale: "Retraite", Revenue: 450_000,
		Profit: 60_000, Headcount: 4, Price: 250_000}, SectorLevel: "class", PlaceLevel: "departement",
		RevenueBand: "300k_1m", ProfitBand: "25k_75k", HeadcountBand: "3_5", PriceBand: "100k_300k",
		DealTypes: []string{"fonds"}, Timeline: "6m_12m"}
}

func trigger(t *testing.T) events.Event {
	t.Helper()
	id := uuid.Must(uuid.NewV7()).String()
	ev, err := events.New("intake", id, "91", events.AdvisorUpdated{AdvisorID: "x", Revision: 1, Chamber: "CCI"}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return ev
}

func (f *fixture) token(t *testing.T, who string) string {
	t.Helper()
	principals := map[string]auth.Principal{
		"cma advisor": {Subject: "cma-91-003", Chamber: "CMA", Roles: []auth.Role{auth.RoleAdvisor}},
		"cci advisor": {Subject: "cci-91-003", Chamber: "CCI", Roles: []auth.Role{auth.RoleAdvisor}},
		"cma manager": {Subject: "cma-91-001", Chamber: "CMA", Roles: []auth.Role{auth.RoleManager}},
		"cci manager": {Subject: "cci-91-001", Chamber: "CCI", Roles: []auth.Role{auth.RoleManager}},
		"cci cell":    {Subject: "cci-91-002", Chamber: "CCI", Roles: []auth.Role{auth.RolePreventionCell}},
	}
	switch who {
	case "none":
		return ""
	case "garbage":
		return "not.a.token"
	case "expired", "foreign key":
		// Each differs from a genuine token in one respect only: its
		// time, or its key (a new one under the genuine key's kid).
		return testkit.Forge(t, auth.IssuerOptions{Issuer: issuerName, Audience: "ccicma", Key: f.key}, principals["cma advisor"],
			func(o *auth.IssuerOptions) {
				if who == "expired" {
					o.Now = func() time.Time { return time.Now().Add(-3 * time.Hour) }
				} else {
					o.Key, o.KeyID = nil, f.issuer.KeyID()
				}
			})
	}
	p, ok := principals[who]
	if !ok {
		t.Fatalf("unknown principal %q", who)
	}
	tok, err := f.issuer.Issue(p)
	if err != nil {
		t.Fatal(err)
	}
	return tok.AccessToken
}

// expand replaces {name} in a path by the id of that offer or search.
func (f *fixture) expand(path string) string {
	for name, id := range f.ids {
		path = strings.ReplaceAll(path, "{"+name+"}", id)
	}
	return path
}

func (f *fixture) get(t *testing.T, path, token string) (int, http.Header, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, f.url+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, string(b)
}

// identifying are the fields a teaser must never carry.
var identifying = []string{`"siret"`, `"commune_code"`, `"epci"`, `"request_id"`, `"asking_price"`, `"reason"`, `"headcount"`,
	"35600000000048", "91228", `"file"`, "Retraite", "Gérant", `"history"`}

// publicTeaser checks the teaser of the public bakery: a public offer
// too reaches the buyer's side as a teaser until the introduction.
func publicTeaser(t *testing.T, v map[string]any) {
	t.Helper()
	b, _ := json.Marshal(v)
	if v["view"] != "teaser" || strings.Contains(string(b), "35600000000048") || strings.Contains(string(b), "91228") ||
		v["request_id"] != nil || v["naf_code"] != "10.71" || v["sector_level"] != "class" {
		t.Errorf("want the public offer's teaser (its class, as vetted): %s", b)
	}
}

func teaser(t *testing.T, v map[string]any) {
	t.Helper()
	b, _ := json.Marshal(v)
	if v["view"] != "teaser" {
		t.Errorf("view %v, want teaser: %s", v["view"], b)
	}
	for _, field := range identifying {
		if strings.Contains(string(b), field) {
			t.Errorf("teaser carries %s: %s", field, b)
		}
	}
	// The listing was vetted to show its class and département: the
	// teaser shows the sector at that level, not the sub-class.
	if v["naf_code"] != "10.71" || v["sector_level"] != "class" || v["departement"] != "91" || v["place"] != "91" ||
		v["revenue_band"] != "300k_1m" || v["price_band"] != "100k_300k" || v["headcount_band"] != "3_5" {
		t.Errorf("teaser lacks its activity, place or bands: %s", b)
	}
}

func full(t *testing.T, v map[string]any) {
	t.Helper()
	if v["view"] != "full" || v["request_id"] == nil || v["asking_price"] == nil {
		t.Errorf("want the full offer: %v", v)
	}
}

func decode(t *testing.T, body string) map[string]any {
	t.Helper()
	var v map[string]any
	if err := json.Unmarshal([]byte(body), &v); err != nil {
		t.Fatalf("%v: %s", err, body)
	}
	return v
}

// ids lists the values of key in the objects of list.
func ids(v map[string]any, list, key string) []string {
	var out []string
	for _, x := range v[list].([]any) {
		out = append(out, x.(map[string]any)[key].(string))
	}
	return out
}

// TestAccessRules proves who may read which offer, search and match, both
// ways: 200 with the right view, 403 for a good token the rules refuse,
// 401 for a missing or bad token, 404 for what does not exist.
func TestAccessRules(t *testing.T) {
	t.Parallel()
	f := setup(t)
	tests := []struct {
		name   string
		as     string
		path   string
		status int
		check  func(t *testing.T, v map[string]any)
	}{
		// Offers, one by one.
		{"own chamber sees its confidential offer whole", "cma advisor", "/api/v1/takeover-offers/{conf}", 200, full},
		{"own chamber's manager too", "cma manager", "/api/v1/takeover-offers/{conf}", 200, full},
		{"the matched buyer's chamber sees the confidential offer as a teaser", "cci advisor", "/api/v1/takeover-offers/{conf}", 200, teaser},
		{"the matched buyer's chamber's manager: teaser", "cci manager", "/api/v1/takeover-offers/{conf}", 200, teaser},
		{"the matched buyer's chamber sees a public offer as a teaser before the introduction", "cci advisor", "/api/v1/takeover-offers/{public}", 200, func(t *testing.T, v map[string]any) {
			publicTeaser(t, v)
			if v["confidential"] != false {
				t.Errorf("a public offer's teaser says it is confidential: %v", v)
			}
		}},
		{"the secondary chamber sees a shared offer", "cma advisor", "/api/v1/takeover-offers/{shared}", 200, full},
		{"the lead chamber sees it", "cci advisor", "/api/v1/takeover-offers/{shared}", 200, full},
		{"the other chamber, no sharing, no match", "cma advisor", "/api/v1/takeover-offers/{lone}", 403, nil},
		{"the other chamber's manager, no sharing, no match", "cma manager", "/api/v1/takeover-offers/{lone}", 403, nil},
		{"the prevention cell sees no takeover file", "cci cell", "/api/v1/takeover-offers/{lone}", 403, nil},
		{"the prevention cell, not even through a match", "cci cell", "/api/v1/takeover-offers/{conf}", 403, nil},
		{"unknown offer", "cma advisor", "/api/v1/takeover-offers/" + uuid.Must(uuid.NewV7()).String(), 404, nil},
		{"not an id", "cma advisor", "/api/v1/takeover-offers/42", 404, nil},
		// Offers, listed.
		{"CMA's list: its own and the shared", "cma advisor", "/api/v1/takeover-offers", 200, func(t *testing.T, v map[string]any) {
			got := strings.Join(ids(v, "offers", "offer_id"), ",")
			want := strings.Join([]string{f.ids["conf"], f.ids["public"], f.ids["shared"], f.ids["fresh"]}, ",")
			if got != want {
				t.Errorf("offers %s, want %s", got, want)
			}
		}},
		{"CCI's list: its own only (a match is not ownership)", "cci advisor", "/api/v1/takeover-offers", 200, func(t *testing.T, v map[string]any) {
			got := strings.Join(ids(v, "offers", "offer_id"), ",")
			if want := f.ids["shared"] + "," + f.ids["lone"]; got != want {
				t.Errorf("offers %s, want %s", got, want)
			}
		}},
		{"paging", "cma advisor", "/api/v1/takeover-offers?limit=1&after={conf}", 200, func(t *testing.T, v map[string]any) {
			if got := ids(v, "offers", "offer_id"); len(got) != 1 || got[0] != f.ids["public"] || v["next_after"] != f.ids["public"] {
				t.Errorf("page %v", v)
			}
		}},
		{"the prevention cell lists nothing", "cci cell", "/api/v1/takeover-offers", 403, nil},
		{"bad paging parameters", "cma advisor", "/api/v1/takeover-offers?limit=0&after=x", 400, func(t *testing.T, v map[string]any) {
			if b, _ := json.Marshal(v["errors"]); !strings.Contains(string(b), `"field":"limit"`) || !strings.Contains(string(b), `"field":"after"`) {
				t.Errorf("errors %s do not name limit and after", b)
			}
		}},
		// The marketplace: the published listings of both chambers, the
		// other chamber's as their teaser; filters on what a teaser shows.
		{"the marketplace: the other chamber's listings as teasers", "cci advisor", "/api/v1/takeover-offers?scope=market", 200, func(t *testing.T, v map[string]any) {
			got := strings.Join(ids(v, "offers", "offer_id"), ",")
			if want := strings.Join([]string{f.ids["conf"], f.ids["public"], f.ids["shared"], f.ids["lone"]}, ","); got != want {
				t.Errorf("market %s, want %s (the unvetted offer left out)", got, want)
			}
			for _, o := range v["offers"].([]any) {
				o := o.(map[string]any)
				switch o["offer_id"] {
				case f.ids["conf"], f.ids["public"]:
					teaser(t, o)
				default:
					full(t, o)
				}
			}
		}},
		{"the marketplace, filtered", "cci advisor", "/api/v1/takeover-offers?scope=market&naf=10&departement=91&deal_type=fonds&price_band=100k_300k&chamber=CMA", 200, func(t *testing.T, v map[string]any) {
			if got, want := strings.Join(ids(v, "offers", "offer_id"), ","), f.ids["conf"]+","+f.ids["public"]; got != want {
				t.Errorf("market %s, want %s", got, want)
			}
		}},
		{"the marketplace hides what the teaser does not show", "cci advisor", "/api/v1/takeover-offers?scope=market&naf=10.71C", 200, func(t *testing.T, v map[string]any) {
			if got := v["offers"].([]any); len(got) != 0 {
				t.Errorf("a sub-class finds listings that show their class only: %v", got)
			}
		}},
		{"own offers by status", "cma advisor", "/api/v1/takeover-offers?status=submitted", 200, func(t *testing.T, v map[string]any) {
			if got := ids(v, "offers", "offer_id"); len(got) != 1 || got[0] != f.ids["fresh"] {
				t.Errorf("submitted offers %v", got)
			}
		}},
		{"bad filters", "cma advisor", "/api/v1/takeover-offers?scope=all&status=open&chamber=X&naf=00.1&departement=20&deal_type=x&price_band=cheap", 400, func(t *testing.T, v map[string]any) {
			b, _ := json.Marshal(v["errors"])
			for _, field := range []string{"scope", "status", "chamber", "naf", "departement", "deal_type", "price_band"} {
				if !strings.Contains(string(b), `"field":"`+field+`"`) {
					t.Errorf("errors %s do not name %s", b, field)
				}
			}
		}},
		{"the marketplace shows published listings only", "cma advisor", "/api/v1/takeover-offers?scope=market&status=paused", 400, nil},
		{"the prevention cell has no marketplace", "cci cell", "/api/v1/takeover-offers?scope=market", 403, nil},
		{"the marketplace of searches: open ones of both chambers, no request of another's", "cma advisor", "/api/v1/buyer-searches?scope=market", 200, func(t *testing.T, v map[string]any) {
			if got, want := strings.Join(ids(v, "searches", "search_id"), ","), f.ids["buyer"]+","+f.ids["farmer"]; got != want {
				t.Fatalf("market %s, want %s (drafts left out)", got, want)
			}
			for _, x := range v["searches"].([]any) {
				x := x.(map[string]any)
				if (x["search_id"] == f.ids["buyer"]) != (x["request_id"] == nil) {
					t.Errorf("request of %v: %v", x["search_id"], x["request_id"])
				}
			}
		}},
		{"searches, filtered", "cma advisor", "/api/v1/buyer-searches?scope=market&naf=10.71C&budget_band=100k_300k", 200, func(t *testing.T, v map[string]any) {
			if got := ids(v, "searches", "search_id"); len(got) != 1 || got[0] != f.ids["buyer"] {
				t.Errorf("searches %v", got)
			}
		}},
		{"own searches: drafts", "cci advisor", "/api/v1/buyer-searches?status=draft", 200, func(t *testing.T, v map[string]any) {
			if got := ids(v, "searches", "search_id"); len(got) != 2 {
				t.Errorf("drafts %v", got)
			}
		}},
		// Searches.
		{"own chamber sees its search", "cci advisor", "/api/v1/buyer-searches/{buyer}", 200, nil},
		{"the matched offer's chamber sees the search", "cma advisor", "/api/v1/buyer-searches/{buyer}", 200, nil},
		{"the other chamber, no match", "cci advisor", "/api/v1/buyer-searches/{farmer}", 403, nil},
		{"the prevention cell", "cci cell", "/api/v1/buyer-searches/{buyer}", 403, nil},
		{"unknown search", "cci advisor", "/api/v1/buyer-searches/" + uuid.Must(uuid.NewV7()).String(), 404, nil},
		{"CMA's searches", "cma advisor", "/api/v1/buyer-searches", 200, func(t *testing.T, v map[string]any) {
			if got := ids(v, "searches", "search_id"); len(got) != 1 || got[0] != f.ids["farmer"] {
				t.Errorf("searches %v", got)
			}
		}},
		// Matches.
		{"the offer's chamber sees the match with the whole offer", "cma advisor", "/api/v1/matches?offer_id={conf}", 200, func(t *testing.T, v map[string]any) {
			ms := v["matches"].([]any)
			if len(ms) != 1 || ms[0].(map[string]any)["search_id"] != f.ids["buyer"] {
				t.Fatalf("matches %v", ms)
			}
			full(t, ms[0].(map[string]any)["offer"].(map[string]any))
		}},
		{"the buyer's chamber sees the match with a teaser", "cci advisor", "/api/v1/matches?offer_id={conf}", 200, func(t *testing.T, v map[string]any) {
			ms := v["matches"].([]any)
			if len(ms) != 1 {
				t.Fatalf("matches %v", ms)
			}
			teaser(t, ms[0].(map[string]any)["offer"].(map[string]any))
		}},
		{"the buyer's matches: teasers of both before the introduction", "cci advisor", "/api/v1/matches?search_id={buyer}", 200, func(t *testing.T, v map[string]any) {
			ms := v["matches"].([]any)
			if len(ms) != 2 {
				t.Fatalf("%d matches, want 2", len(ms))
			}
			for _, m := range ms {
				m := m.(map[string]any)
				switch m["offer_id"] {
				case f.ids["conf"]:
					teaser(t, m["offer"].(map[string]any))
				case f.ids["public"]:
					publicTeaser(t, m["offer"].(map[string]any))
				default:
					t.Errorf("unexpected match %v", m)
				}
			}
		}},
		{"a side seen directly, without matches: empty", "cci advisor", "/api/v1/matches?offer_id={lone}", 200, func(t *testing.T, v map[string]any) {
			if len(v["matches"].([]any)) != 0 {
				t.Errorf("matches %v", v["matches"])
			}
		}},
		{"one match by id: the offer's chamber, with the whole offer", "cma advisor", "/api/v1/matches/{match-conf}", 200, func(t *testing.T, v map[string]any) {
			if v["match_id"] != f.ids["match-conf"] || v["search_id"] != f.ids["buyer"] || v["offer_id"] != f.ids["conf"] {
				t.Fatalf("match %v", v)
			}
			full(t, v["offer"].(map[string]any))
			explained(t, v)
		}},
		{"one match by id: the buyer's chamber, with a teaser", "cci advisor", "/api/v1/matches/{match-conf}", 200, func(t *testing.T, v map[string]any) {
			teaser(t, v["offer"].(map[string]any))
			explained(t, v)
		}},
		{"one match by id: a public offer as a teaser to the buyer's chamber before the introduction", "cci manager", "/api/v1/matches/{match-public}", 200, func(t *testing.T, v map[string]any) {
			publicTeaser(t, v["offer"].(map[string]any))
		}},
		{"one match by id: the prevention cell", "cci cell", "/api/v1/matches/{match-conf}", 403, nil},
		{"one match by id: unknown", "cma advisor", "/api/v1/matches/" + uuid.Must(uuid.NewV7()).String(), 404, nil},
		{"one match by id: not an id", "cma advisor", "/api/v1/matches/42", 404, nil},
		{"a side not seen and no match seen", "cma advisor", "/api/v1/matches?offer_id={lone}", 403, nil},
		{"the prevention cell", "cci cell", "/api/v1/matches?search_id={buyer}", 403, nil},
		{"neither side named", "cma advisor", "/api/v1/matches", 400, func(t *testing.T, v map[string]any) {
			if b, _ := json.Marshal(v["errors"]); !strings.Contains(string(b), `"field":"offer_id"`) {
				t.Errorf("errors %s", b)
			}
		}},
		{"both sides named", "cma advisor", "/api/v1/matches?offer_id={conf}&search_id={buyer}", 400, nil},
		{"unknown side", "cma advisor", "/api/v1/matches?search_id=" + uuid.Must(uuid.NewV7()).String(), 404, nil},
		// Not authenticated.
		{"no token", "none", "/api/v1/takeover-offers/{conf}", 401, nil},
		{"garbage token", "garbage", "/api/v1/takeover-offers", 401, nil},
		{"expired token", "expired", "/api/v1/matches?offer_id={conf}", 401, nil},
		{"token signed by another key under the issuer's kid", "foreign key", "/api/v1/buyer-searches/{buyer}", 401, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, h, body := f.get(t, f.expand(tt.path), f.token(t, tt.as))
			if status != tt.status {
				t.Fatalf("status %d, want %d: %s", status, tt.status, body)
			}
			switch {
			case status == 401 && !strings.HasPrefix(h.Get("WWW-Authenticate"), `Bearer realm="ccicma"`):
				t.Errorf("401 without a Bearer challenge: %q", h.Get("WWW-Authenticate"))
			case status >= 400 && h.Get("Content-Type") != "application/problem+json":
				t.Errorf("%d as %q, want a problem", status, h.Get("Content-Type"))
			case status == 403 && strings.Contains(body, "91228"):
				t.Errorf("a refusal leaks data: %s", body)
			}
			if tt.check != nil {
				tt.check(t, decode(t, body))
			}
		})
	}
}

// explained checks that a match answered says how it was scored: the
// rules' version, each criterion's points adding up to the score, and the
// sentence (the buyer's class of bakeries, in the offer's département).
func explained(t *testing.T, v map[string]any) {
	t.Helper()
	const why = "même classe d'activité (10.71), même département, prix dans le budget avec un apport de 30 %, " +
		"effectif dans la fourchette recherchée, même échéance, expérience du secteur"
	if v["rules_version"] != "2026.1" || v["explanation"] != why {
		t.Fatalf("match rules %v, explanation %q; want %q", v["rules_version"], v["explanation"], why)
	}
	cs := v["contributions"].([]any)
	sum := 0.0
	for _, c := range cs {
		sum += c.(map[string]any)["points"].(float64)
	}
	first := cs[0].(map[string]any)
	if len(cs) != 6 || sum != v["score"].(float64) || first["criterion"] != "sector" || first["level"] != "class" ||
		first["points"].(float64) != 30 || first["max_points"].(float64) != 35 {
		t.Fatalf("contributions %v for score %v", cs, v["score"])
	}
}
