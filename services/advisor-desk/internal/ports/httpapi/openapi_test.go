package httpapi_test

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ccicma/platform/pkg/auth"
	"github.com/ccicma/platform/pkg/events"
	"github.com/ccicma/platform/pkg/testkit/openapicheck"

	"github.com/ccicma/platform/services/advisor-desk/internal/adapters/live"
	"github.com/ccicma/platform/services/advisor-desk/internal/adapters/postgres"
	"github.com/ccicma/platform/services/advisor-desk/internal/app"
	"github.com/ccicma/platform/services/advisor-desk/internal/domain/directory"
	"github.com/ccicma/platform/services/advisor-desk/internal/domain/mail"
	"github.com/ccicma/platform/services/advisor-desk/internal/domain/notification"
	"github.com/ccicma/platform/services/advisor-desk/internal/ports/httpapi"
)

// TestOpenAPIPathsAreTheRoutes: an endpoint cannot be added, removed or
// renamed without the document following (the web desk's pages, served
// on the paths the API leaves, are not part of it), and the document is
// served.
func TestOpenAPIPathsAreTheRoutes(t *testing.T) {
	t.Parallel()
	verifier, err := auth.NewStaticVerifier(auth.Config{Issuer: issuerName}, []byte(`{"keys":[]}`), nil)
	if err != nil {
		t.Fatal(err)
	}
	openapicheck.AssertDocumentsRoutes(t, httpapi.OpenAPI(), ".", httpapi.Routes{Auth: verifier}.Handler(), "/")
}

// fullAPI serves every route of the API over a's database and issuer, as
// the service composes them in development (the sign-in and the keys
// included, the mail preference beside the others).
func fullAPI(t *testing.T, a *api) string {
	t.Helper()
	store := postgres.New(a.pool, nopWaker{})
	verifier, err := auth.NewStaticVerifier(auth.Config{Issuer: issuerName}, a.issuer.JWKS(), nil)
	if err != nil {
		t.Fatal(err)
	}
	ref, err := loadPlaces()
	if err != nil {
		t.Fatal(err)
	}
	now := func() time.Time { return clock }
	log := slog.New(slog.DiscardHandler)
	routes := httpapi.Routes{Notifications: app.ReadNotifications{Directory: store, Notifications: store}, Live: live.NewHub(), Auth: verifier, Log: log, Poll: 50 * time.Millisecond, Heartbeat: 50 * time.Millisecond,
		DevSignIn: app.DevSignIn{Directory: store, Issuer: a.issuer}, JWKS: a.issuer.JWKSHandler(),
		Directory: &httpapi.DirectoryRoutes{
			Read:    app.ReadDirectory{Directory: store},
			Put:     app.PutAdvisor{Directory: store, Places: ref, Now: now},
			Absence: app.SetAbsence{Directory: store, Now: now},
			Import:  app.ImportDirectory{Directory: store, Places: ref, Now: now},
			Auth:    verifier, Log: log,
		}}
	mux := http.NewServeMux()
	httpapi.MailPreferenceRoutes{Preferences: app.MailPreference{Modes: store, Default: mail.ModeEach, Now: now}, Auth: verifier, Log: log}.Register(mux)
	mux.Handle("/", routes.Handler())
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)

	// Two notifications for cma-91-003.
	for i := range 2 {
		p := events.AdvisorUpdated{AdvisorID: fmt.Sprintf("x-%d", i), Revision: 1, Chamber: "CMA"}
		ev, err := events.New("test", p.AdvisorID, "91", p, clock)
		if err != nil {
			t.Fatal(err)
		}
		d := notification.Draft{Kind: "intake.creation.submitted", Title: "Nouveau projet de création", Body: "Un projet à Évry.",
			Link: "/dossiers/creation/1", To: notification.Recipients{AdvisorID: "cma-91-003"}}
		if _, err := store.Store(a.ctx, ev, d, clock); err != nil {
			t.Fatal(err)
		}
	}
	return srv.URL
}

// TestOpenAPIAgainstRealHandlers sends valid and invalid requests of
// every operation through the real handlers, on Postgres, validates each
// request and answer against the document, and requires every operation
// to have given every answer the document lists (but two an import can
// give only when the connection breaks or another import races it), the
// 503 of a database gone included.
func TestOpenAPIAgainstRealHandlers(t *testing.T) {
	t.Parallel()
	a := startAPI(t)
	url := fullAPI(t, a)
	c := openapicheck.New(t, httpapi.OpenAPI())
	const (
		rejects   = openapicheck.Rejects
		unchecked = openapicheck.Unchecked
	)
	var (
		admin   = a.token(t, "admin-1", "CCI", auth.RoleAdmin)
		ines    = a.token(t, "cma-91-003", "CMA", auth.RoleAdvisor)
		manager = a.token(t, "cma-91-001", "CMA", auth.RoleAdvisor, auth.RoleManager)
		nobody  = a.token(t, "cma-91-999", "CMA", auth.RoleAdvisor)
	)
	until := func(d time.Duration) string { return `{"until":"` + clock.Add(d).Format(time.RFC3339) + `"}` }
	match := func(v string) http.Header { return http.Header{"If-Match": {v}} }
	const hugo = `{"chamber":"CCI","full_name":"Hugo Lambert","email":"hugo.lambert@cci-essonne.example","departements":["91"],
		"communes":["91228"],"specialities":["takeover"],"capacity":25,"active":true,"roles":["advisor"]}`
	inactive := strings.NewReplacer(`"active":true`, `"active":false`, "Hugo Lambert", "Zoé Blanc", "hugo.lambert", "zoe.blanc").Replace(hugo)
	const (
		inbox  = "/api/v1/advisors/cma-91-003/notifications"
		stream = "/api/v1/advisors/cma-91-003/notifications/stream"
		pref   = "/api/v1/advisors/cma-91-003/mail-preference"
		entry  = "/api/v1/directory/advisors/cci-91-010"
	)
	type call = openapicheck.Call
	calls := []struct {
		name string
		call
	}{
		{"the document", call{Method: "GET", Path: "/openapi.json", Status: 200}},
		{"the keys", call{Method: "GET", Path: "/.well-known/jwks.json", Status: 200}},

		{"own notifications", call{Method: "GET", Path: inbox, Token: ines, Status: 200}},
		{"own notifications, a page", call{Method: "GET", Path: inbox + "?after=1&limit=1", Token: ines, Status: 200}},
		{"a manager reads them", call{Method: "GET", Path: inbox, Token: manager, Status: 200}},
		{"notifications, bad paging", call{Method: "GET", Path: inbox + "?limit=0", Token: ines, Status: 400, Doc: rejects}},
		{"notifications without a token", call{Method: "GET", Path: inbox, Status: 401, Doc: rejects}},
		{"notifications with a bad token", call{Method: "GET", Path: inbox, Token: "not.a.token", Status: 401, Doc: unchecked}},
		{"another advisor's notifications", call{Method: "GET", Path: "/api/v1/advisors/cma-91-002/notifications", Token: ines, Status: 403}},
		{"an unknown advisor's own notifications", call{Method: "GET", Path: "/api/v1/advisors/cma-91-999/notifications", Token: nobody, Status: 404}},

		{"the stream", call{Method: "GET", Path: stream, Token: ines, Status: 200, Stream: 300 * time.Millisecond}},
		{"the stream, token in the query", call{Method: "GET", Path: stream + "?access_token=" + ines, Status: 200, Stream: 300 * time.Millisecond}},
		{"the stream, resumed", call{Method: "GET", Path: stream, Token: ines, Header: http.Header{"Last-Event-ID": {"1"}}, Status: 200, Stream: 200 * time.Millisecond}},
		{"the stream, token twice", call{Method: "GET", Path: stream + "?access_token=" + ines, Token: ines, Status: 400, Doc: unchecked}},
		{"the stream, bad after", call{Method: "GET", Path: stream + "?after=-1", Token: ines, Status: 400, Doc: rejects}},
		{"the stream without a token", call{Method: "GET", Path: stream, Status: 401, Doc: rejects}},
		{"another advisor's stream", call{Method: "GET", Path: "/api/v1/advisors/cma-91-002/notifications/stream", Token: ines, Status: 403}},
		{"an unknown advisor's own stream", call{Method: "GET", Path: "/api/v1/advisors/cma-91-999/notifications/stream", Token: nobody, Status: 404}},

		{"own mail preference", call{Method: "GET", Path: pref, Token: ines, Status: 200}},
		{"another's mail preference", call{Method: "GET", Path: pref, Token: manager, Status: 403}},
		{"an unknown advisor's mail preference", call{Method: "GET", Path: "/api/v1/advisors/cma-91-999/mail-preference", Token: nobody, Status: 404}},
		{"mail preference without a token", call{Method: "GET", Path: pref, Status: 401, Doc: rejects}},
		{"set the mail preference", call{Method: "PUT", Path: pref, Token: ines, Body: `{"mode":"digest"}`, Status: 200}},
		{"set an unknown mode", call{Method: "PUT", Path: pref, Token: ines, Body: `{"mode":"weekly"}`, Status: 422, Doc: rejects}},
		{"set with an unknown member", call{Method: "PUT", Path: pref, Token: ines, Body: `{"mode":"none","when":"now"}`, Status: 400, Doc: rejects}},
		{"set too much", call{Method: "PUT", Path: pref, Token: ines, Body: `{"mode":"` + strings.Repeat("x", 2000) + `"}`, Status: 413, Doc: rejects}},
		{"set as text", call{Method: "PUT", Path: pref, Token: ines, ContentType: "text/plain", Body: "none", Status: 415, Doc: unchecked}},
		{"set another's", call{Method: "PUT", Path: pref, Token: manager, Body: `{"mode":"none"}`, Status: 403}},
		{"set an unknown advisor's own", call{Method: "PUT", Path: "/api/v1/advisors/cma-91-999/mail-preference", Token: nobody, Body: `{"mode":"none"}`, Status: 404}},
		{"set without a token", call{Method: "PUT", Path: pref, Body: `{"mode":"none"}`, Status: 401, Doc: rejects}},

		{"the directory", call{Method: "GET", Path: "/api/v1/directory/advisors", Token: admin, Status: 200}},
		{"the directory, an advisor", call{Method: "GET", Path: "/api/v1/directory/advisors", Token: ines, Status: 403}},
		{"the directory without a token", call{Method: "GET", Path: "/api/v1/directory/advisors", Status: 401, Doc: rejects}},

		{"create an entry", call{Method: "PUT", Path: entry, Token: admin, Body: hugo, Status: 201}},
		{"the same entry again", call{Method: "PUT", Path: entry, Token: admin, Body: hugo, Status: 200}},
		{"replace it at its revision", call{Method: "PUT", Path: entry, Token: admin, Body: strings.Replace(hugo, "25", "35", 1), Header: match(`"1"`), Status: 200}},
		{"replace it at a stale revision", call{Method: "PUT", Path: entry, Token: admin, Body: hugo, Header: match(`"1"`), Status: 412}},
		{"an entry with an unknown member", call{Method: "PUT", Path: entry, Token: admin, Body: strings.Replace(hugo, `{`, `{"revision":7,`, 1), Status: 400, Doc: rejects}},
		{"an entry too large", call{Method: "PUT", Path: entry, Token: admin, Body: strings.Replace(hugo, "Hugo Lambert", strings.Repeat("H", 70_000), 1), Status: 413, Doc: rejects}},
		{"an entry as text", call{Method: "PUT", Path: entry, Token: admin, ContentType: "text/plain", Body: hugo, Status: 415, Doc: unchecked}},
		{"an entry out of the territory", call{Method: "PUT", Path: entry, Token: admin, Body: strings.Replace(hugo, `["91"]`, `["99"]`, 1), Status: 422}},
		{"an entry with a bad id", call{Method: "PUT", Path: "/api/v1/directory/advisors/X", Token: admin, Body: hugo, Status: 422, Doc: rejects}},
		{"an inactive entry", call{Method: "PUT", Path: "/api/v1/directory/advisors/cci-91-020", Token: admin, Body: inactive, Status: 201}},
		{"an entry, by an advisor", call{Method: "PUT", Path: entry, Token: ines, Body: hugo, Status: 403}},
		{"an entry without a token", call{Method: "PUT", Path: entry, Body: hugo, Status: 401, Doc: rejects}},
		{"read an entry", call{Method: "GET", Path: entry, Token: admin, Status: 200}},
		{"read an unknown entry", call{Method: "GET", Path: "/api/v1/directory/advisors/cci-91-999", Token: admin, Status: 404}},
		{"read an entry, an advisor", call{Method: "GET", Path: entry, Token: ines, Status: 403}},
		{"read an entry without a token", call{Method: "GET", Path: entry, Status: 401, Doc: rejects}},

		{"an absence", call{Method: "POST", Path: entry + "/absence", Token: admin, Body: until(48 * time.Hour), Status: 200}},
		{"an absence of one's own", call{Method: "POST", Path: "/api/v1/directory/advisors/cma-91-003/absence", Token: ines, Body: until(24 * time.Hour), Status: 200}},
		{"an absence at a stale revision", call{Method: "POST", Path: entry + "/absence", Token: admin, Body: until(72 * time.Hour), Header: match(`"1"`), Status: 412}},
		{"an absence in the past", call{Method: "POST", Path: entry + "/absence", Token: admin, Body: until(-time.Hour), Status: 422}},
		{"an absence with no end", call{Method: "POST", Path: entry + "/absence", Token: admin, Body: `{}`, Status: 422, Doc: rejects}},
		{"an absence until tomorrow, in words", call{Method: "POST", Path: entry + "/absence", Token: admin, Body: `{"until":"demain"}`, Status: 400, Doc: rejects}},
		{"an absence too long to read", call{Method: "POST", Path: entry + "/absence", Token: admin, Body: `{"until":"` + strings.Repeat("9", 2000) + `"}`, Status: 413, Doc: rejects}},
		{"an absence as text", call{Method: "POST", Path: entry + "/absence", Token: admin, ContentType: "text/plain", Body: "demain", Status: 415, Doc: unchecked}},
		{"an absence of an unknown advisor", call{Method: "POST", Path: "/api/v1/directory/advisors/cci-91-999/absence", Token: admin, Body: until(time.Hour), Status: 404}},
		{"another advisor's absence", call{Method: "POST", Path: entry + "/absence", Token: ines, Body: until(time.Hour), Status: 403}},
		{"an absence without a token", call{Method: "POST", Path: entry + "/absence", Body: until(time.Hour), Status: 401, Doc: rejects}},
		{"back from absence", call{Method: "DELETE", Path: entry + "/absence", Token: admin, Status: 200}},
		{"back at a stale revision", call{Method: "DELETE", Path: entry + "/absence", Token: admin, Header: match(`"1"`), Status: 412}},
		{"back, an unknown advisor", call{Method: "DELETE", Path: "/api/v1/directory/advisors/cci-91-999/absence", Token: admin, Status: 404}},
		{"back, another advisor", call{Method: "DELETE", Path: entry + "/absence", Token: ines, Status: 403}},
		{"back without a token", call{Method: "DELETE", Path: entry + "/absence", Status: 401, Doc: rejects}},

		{"import", call{Method: "POST", Path: "/api/v1/directory/import", Token: admin, ContentType: "text/csv", Body: directoryCSV, Status: 200}},
		{"import bad rows", call{Method: "POST", Path: "/api/v1/directory/import", Token: admin, ContentType: "text/csv",
			Body: directoryCSV + "cci-91-003,CXI,Zoé Blanc,zoe@cci-essonne.example,91,,,creation,4,advisor,true,\n", Status: 422}},
		{"import a file too large", call{Method: "POST", Path: "/api/v1/directory/import", Token: admin, ContentType: "text/csv",
			Body: directory.CSVHeader + "\n" + strings.Repeat("x", httpapi.MaxImportBody), Status: 413, Doc: unchecked}},
		{"import JSON", call{Method: "POST", Path: "/api/v1/directory/import", Token: admin, Body: `[]`, Status: 415, Doc: unchecked}},
		{"import, an advisor", call{Method: "POST", Path: "/api/v1/directory/import", Token: ines, ContentType: "text/csv", Body: directoryCSV, Status: 403}},
		{"import without a token", call{Method: "POST", Path: "/api/v1/directory/import", ContentType: "text/csv", Body: directoryCSV, Status: 401, Doc: rejects}},

		{"sign in", call{Method: "POST", Path: "/api/v1/dev/tokens", Body: `{"advisor_id":"cma-91-003"}`, Status: 200}},
		{"sign in as nobody known", call{Method: "POST", Path: "/api/v1/dev/tokens", Body: `{"advisor_id":"cma-91-999"}`, Status: 404}},
		{"sign in as an inactive advisor", call{Method: "POST", Path: "/api/v1/dev/tokens", Body: `{"advisor_id":"cci-91-020"}`, Status: 403}},
		{"sign in as no one", call{Method: "POST", Path: "/api/v1/dev/tokens", Body: `{"advisor_id":""}`, Status: 422, Doc: rejects}},
		{"sign in with a password", call{Method: "POST", Path: "/api/v1/dev/tokens", Body: `{"advisor_id":"cma-91-003","password":"x"}`, Status: 400, Doc: rejects}},
		{"sign in with a long id", call{Method: "POST", Path: "/api/v1/dev/tokens", Body: `{"advisor_id":"` + strings.Repeat("x", 2000) + `"}`, Status: 413, Doc: unchecked}},
		{"sign in as text", call{Method: "POST", Path: "/api/v1/dev/tokens", ContentType: "text/plain", Body: "cma-91-003", Status: 415, Doc: unchecked}},
	}
	for _, x := range calls {
		t.Run(x.name, func(t *testing.T) {
			answer := c.Send(t, url, x.call)
			if x.Stream > 0 && !strings.Contains(string(answer.Body), "event: notification\ndata: {") {
				t.Errorf("the stream sent no notification: %q", answer.Body)
			}
		})
	}

	// With the database gone, every route that reads it answers 503.
	a.pool.Close()
	for _, x := range []call{
		{Method: "GET", Path: inbox, Token: ines},
		{Method: "GET", Path: stream, Token: ines},
		{Method: "GET", Path: pref, Token: ines},
		{Method: "PUT", Path: pref, Token: ines, Body: `{"mode":"each"}`},
		{Method: "GET", Path: "/api/v1/directory/advisors", Token: admin},
		{Method: "GET", Path: entry, Token: admin},
		{Method: "PUT", Path: entry, Token: admin, Body: hugo},
		{Method: "POST", Path: entry + "/absence", Token: admin, Body: until(time.Hour)},
		{Method: "DELETE", Path: entry + "/absence", Token: admin},
		{Method: "POST", Path: "/api/v1/directory/import", Token: admin, ContentType: "text/csv", Body: directoryCSV},
		{Method: "POST", Path: "/api/v1/dev/tokens", Body: `{"advisor_id":"cma-91-003"}`},
	} {
		t.Run(x.Method+" "+x.Path+" without a database", func(t *testing.T) {
			x.Status = 503
			c.Send(t, url, x)
		})
	}
	c.AssertCovered(t, "POST /api/v1/directory/import 400", "POST /api/v1/directory/import 409")
}

// TestOpenAPIMatchesTheDomain: the codes and limits the document states
// are the domain's, so neither can change alone.
func TestOpenAPIMatchesTheDomain(t *testing.T) {
	t.Parallel()
	type schema struct {
		Enum      []string `json:"enum"`
		MaxLength int      `json:"maxLength"`
		MaxItems  int      `json:"maxItems"`
		Maximum   int      `json:"maximum"`
		Items     struct {
			Enum []string `json:"enum"`
		} `json:"items"`
		Properties map[string]schema `json:"properties"`
	}
	var doc struct {
		Components struct {
			Schemas map[string]schema `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(httpapi.OpenAPI(), &doc); err != nil {
		t.Fatal(err)
	}
	s := doc.Components.Schemas
	in := s["AdvisorInput"].Properties
	specialities := []string{events.SpecialityCreation, events.SpecialityTakeover, events.SpecialityDifficulty}
	roles := []string{string(auth.RoleAdvisor), string(auth.RoleManager), string(auth.RolePreventionCell), string(auth.RoleAdmin)}
	for _, tt := range []struct {
		name      string
		got, want []string
	}{
		{"mail modes", s["MailMode"].Enum, []string{string(mail.ModeEach), string(mail.ModeDigest), string(mail.ModeNone)}},
		{"specialities", in["specialities"].Items.Enum, specialities},
		{"specialities answered", s["Advisor"].Properties["specialities"].Items.Enum, specialities},
		{"roles", in["roles"].Items.Enum, roles},
		{"roles answered", s["Advisor"].Properties["roles"].Items.Enum, roles},
	} {
		if !slices.Equal(tt.got, tt.want) {
			t.Errorf("%s: the document lists %q, the domain %q", tt.name, tt.got, tt.want)
		}
	}
	for _, r := range roles {
		if !auth.KnownRole(r) {
			t.Errorf("role %s is not known to pkg/auth", r)
		}
	}
	for _, l := range []struct {
		name      string
		got, want int
	}{
		{"full_name", in["full_name"].MaxLength, directory.MaxNameLen},
		{"email", in["email"].MaxLength, directory.MaxEmailLen},
		{"departements", in["departements"].MaxItems, directory.MaxDepartements},
		{"communes", in["communes"].MaxItems, directory.MaxCommunes},
		{"epcis", in["epcis"].MaxItems, directory.MaxEPCIs},
		{"capacity", in["capacity"].Maximum, directory.MaxCapacity},
	} {
		if l.got != l.want {
			t.Errorf("%s: the document says %d, the domain %d", l.name, l.got, l.want)
		}
	}
}
