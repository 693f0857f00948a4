package httpapi_test

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/ccicma/platform/pkg/auth"
	"github.com/ccicma/platform/pkg/events"
	"github.com/ccicma/platform/pkg/testkit/openapicheck"

	"github.com/ccicma/platform/services/creation-support/internal/domain/creation"
	"github.com/ccicma/platform/services/creation-support/internal/ports/httpapi"
)

// TestOpenAPIPathsAreTheRoutes: an endpoint cannot be added, removed or
// renamed without the document following, and the document is served.
func TestOpenAPIPathsAreTheRoutes(t *testing.T) {
	t.Parallel()
	openapicheck.AssertDocumentsRoutes(t, httpapi.OpenAPI(), ".", unavailable(t))
}

// unavailable is the API of a service without token verification
// (auth.NewGuard without keys): every advisor route answers 503.
func unavailable(t *testing.T) http.Handler {
	t.Helper()
	guard, err := auth.NewGuard(t.Context(), auth.Config{}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	return httpapi.Routes{Auth: guard, Log: slog.New(slog.DiscardHandler)}.Handler()
}

// TestOpenAPIAgainstRealHandlers sends valid and invalid requests of
// every operation through the real handlers, on Postgres, validates each
// request and answer against the document, and requires every operation
// to have given every answer the document lists.
func TestOpenAPIAgainstRealHandlers(t *testing.T) {
	a := newAPI(t)
	for _, adv := range [][2]string{{"cci-a", "CCI"}, {"cci-b", "CCI"}, {"cma-a", "CMA"}} {
		a.advisor(adv[0], adv[1], 0)
	}
	waiting := a.open("CCI", "CMA", "cci-a")
	taken := a.open("CCI", "", "cci-a")
	handed := a.open("CCI", "", "cci-a")
	moved := a.open("CCI", "", "cci-a")
	unknown := "01900000-0000-7000-8000-00000000ffff"
	c := openapicheck.New(t, httpapi.OpenAPI())
	cciA := a.token("cci-a", "CCI", auth.RoleAdvisor)
	cciB := a.token("cci-b", "CCI", auth.RoleAdvisor)
	manager := a.token("cci-m", "CCI", auth.RoleManager)
	admin := a.token("cci-admin", "CCI", auth.RoleAdmin)
	path := func(id, action string) string {
		if action == "" {
			return "/api/v1/creation-cases/" + id
		}
		return "/api/v1/creation-cases/" + id + "/" + action
	}
	const (
		accepts   = openapicheck.Accepts
		rejects   = openapicheck.Rejects
		unchecked = openapicheck.Unchecked
	)
	huge := `{"reason":"other","comment":"` + strings.Repeat("x", 9000) + `"}`
	calls := []struct {
		name string
		openapicheck.Call
	}{
		{"the document", openapicheck.Call{Method: "GET", Path: "/openapi.json", Status: 200}},

		{"list", openapicheck.Call{Method: "GET", Path: "/api/v1/creation-cases", Token: cciA, Status: 200}},
		{"list filtered, one a page", openapicheck.Call{Method: "GET", Path: "/api/v1/creation-cases?status=opened&advisor=cci-a&limit=1", Token: cciA, Status: 200}},
		{"list, next page", openapicheck.Call{Method: "GET", Path: "/api/v1/creation-cases?limit=1&after=" + waiting, Token: cciA, Status: 200}},
		{"list with bad parameters", openapicheck.Call{Method: "GET", Path: "/api/v1/creation-cases?status=lost&limit=500&after=x", Token: cciA, Status: 400, Doc: rejects}},
		{"list with an unknown parameter", openapicheck.Call{Method: "GET", Path: "/api/v1/creation-cases?colour=red", Token: cciA, Status: 400, Doc: unchecked}},
		{"list without a token", openapicheck.Call{Method: "GET", Path: "/api/v1/creation-cases", Status: 401, Doc: rejects}},
		{"list with a bad token", openapicheck.Call{Method: "GET", Path: "/api/v1/creation-cases", Token: "not.a.token", Status: 401, Doc: unchecked}},
		{"list as an admin", openapicheck.Call{Method: "GET", Path: "/api/v1/creation-cases", Token: admin, Status: 403}},

		{"read", openapicheck.Call{Method: "GET", Path: path(waiting, ""), Token: cciB, Status: 200}},
		{"read, secondary chamber", openapicheck.Call{Method: "GET", Path: path(waiting, ""), Token: a.token("cma-a", "CMA", auth.RoleAdvisor), Status: 200}},
		{"read as an admin", openapicheck.Call{Method: "GET", Path: path(waiting, ""), Token: admin, Status: 403}},
		{"read an unknown case", openapicheck.Call{Method: "GET", Path: path(unknown, ""), Token: cciA, Status: 404}},
		{"read what is not an id", openapicheck.Call{Method: "GET", Path: path("nope", ""), Token: cciA, Status: 404, Doc: rejects}},
		{"read without a token", openapicheck.Call{Method: "GET", Path: path(waiting, ""), Status: 401, Doc: rejects}},

		{"take in charge", openapicheck.Call{Method: "POST", Path: path(taken, "take-in-charge"), Token: cciA, Status: 200}},
		{"take in charge again", openapicheck.Call{Method: "POST", Path: path(taken, "take-in-charge"), Token: cciA, Body: `{}`, Status: 409}},
		{"take in charge with a body", openapicheck.Call{Method: "POST", Path: path(waiting, "take-in-charge"), Token: cciA, Body: `{"now":true}`, Status: 400, Doc: rejects}},
		{"take in charge with a large body", openapicheck.Call{Method: "POST", Path: path(waiting, "take-in-charge"), Token: cciA,
			Body: `{"now":"` + strings.Repeat("x", 100) + `"}`, Status: 413, Doc: rejects}},
		{"take in charge with text", openapicheck.Call{Method: "POST", Path: path(waiting, "take-in-charge"), Token: cciA, ContentType: "text/plain", Body: "now", Status: 415, Doc: unchecked}},
		{"a colleague takes in charge", openapicheck.Call{Method: "POST", Path: path(waiting, "take-in-charge"), Token: cciB, Status: 403}},
		{"take an unknown case", openapicheck.Call{Method: "POST", Path: path(unknown, "take-in-charge"), Token: cciA, Status: 404}},
		{"take in charge without a token", openapicheck.Call{Method: "POST", Path: path(waiting, "take-in-charge"), Status: 401, Doc: rejects}},

		{"hand back", openapicheck.Call{Method: "POST", Path: path(handed, "hand-back"), Token: cciA, Body: `{"reason":"wrong_speciality","comment":"Pas ma spécialité."}`, Status: 200}},
		{"read a handed-back case", openapicheck.Call{Method: "GET", Path: path(handed, ""), Token: cciA, Status: 200}},
		{"hand back a case taken in charge", openapicheck.Call{Method: "POST", Path: path(taken, "hand-back"), Token: cciA, Body: `{"reason":"other"}`, Status: 409}},
		{"hand back with an unknown member", openapicheck.Call{Method: "POST", Path: path(waiting, "hand-back"), Token: cciA, Body: `{"reason":"other","urgent":true}`, Status: 400, Doc: rejects}},
		{"hand back malformed", openapicheck.Call{Method: "POST", Path: path(waiting, "hand-back"), Token: cciA, Body: `{"reason":`, Status: 400, Doc: unchecked}},
		{"hand back too large", openapicheck.Call{Method: "POST", Path: path(waiting, "hand-back"), Token: cciA, Body: huge, Status: 413, Doc: rejects}},
		{"hand back as text", openapicheck.Call{Method: "POST", Path: path(waiting, "hand-back"), Token: cciA, ContentType: "text/plain", Body: "other", Status: 415, Doc: unchecked}},
		{"hand back with bad values", openapicheck.Call{Method: "POST", Path: path(waiting, "hand-back"), Token: cciA,
			Body: `{"reason":"manager","comment":"` + strings.Repeat("é", 501) + `","to_chamber":"CMA"}`, Status: 422, Doc: rejects}},
		{"a colleague hands back", openapicheck.Call{Method: "POST", Path: path(waiting, "hand-back"), Token: cciB, Body: `{"reason":"other"}`, Status: 403}},
		{"hand back an unknown case", openapicheck.Call{Method: "POST", Path: path(unknown, "hand-back"), Token: cciA, Body: `{"reason":"other"}`, Status: 404}},
		{"hand back without a token", openapicheck.Call{Method: "POST", Path: path(waiting, "hand-back"), Body: `{"reason":"other"}`, Status: 401, Doc: rejects}},

		{"reassign", openapicheck.Call{Method: "POST", Path: path(moved, "reassign"), Token: manager, Body: `{"advisor_id":"cci-b"}`, Status: 200}},
		{"reassign to the current advisor", openapicheck.Call{Method: "POST", Path: path(moved, "reassign"), Token: manager, Body: `{"advisor_id":"cci-b"}`, Status: 409}},
		{"reassign to another chamber's advisor", openapicheck.Call{Method: "POST", Path: path(moved, "reassign"), Token: manager, Body: `{"advisor_id":"cma-a"}`, Status: 422}},
		{"reassign to nobody", openapicheck.Call{Method: "POST", Path: path(moved, "reassign"), Token: manager, Body: `{"advisor_id":""}`, Status: 422, Doc: rejects}},
		{"reassign with an unknown member", openapicheck.Call{Method: "POST", Path: path(moved, "reassign"), Token: manager, Body: `{"advisor":"cci-a"}`, Status: 400, Doc: rejects}},
		{"reassign too large", openapicheck.Call{Method: "POST", Path: path(moved, "reassign"), Token: manager, Body: `{"advisor_id":"` + strings.Repeat("x", 9000) + `"}`, Status: 413, Doc: rejects}},
		{"reassign as text", openapicheck.Call{Method: "POST", Path: path(moved, "reassign"), Token: manager, ContentType: "text/plain", Body: "cci-a", Status: 415, Doc: unchecked}},
		{"an advisor reassigns", openapicheck.Call{Method: "POST", Path: path(moved, "reassign"), Token: cciA, Body: `{"advisor_id":"cci-a"}`, Status: 403}},
		{"reassign an unknown case", openapicheck.Call{Method: "POST", Path: path(unknown, "reassign"), Token: manager, Body: `{"advisor_id":"cci-a"}`, Status: 404}},
		{"reassign without a token", openapicheck.Call{Method: "POST", Path: path(moved, "reassign"), Body: `{"advisor_id":"cci-a"}`, Status: 401, Doc: rejects}},
	}
	calls = append(calls, journeyCalls(a, path, cciA, cciB, admin, unknown)...)
	calls = append(calls, sessionCalls(a, path, cciA, cciB, admin, unknown)...)
	for _, call := range calls {
		t.Run(call.name, func(t *testing.T) {
			answer := c.Send(t, a.url, call.Call)
			if call.Status == 200 && call.Path != "/openapi.json" && !json.Valid(answer.Body) {
				t.Errorf("not JSON: %s", answer.Body)
			}
		})
	}

	// Without token verification every advisor route answers 503: the
	// problem the document gives for an unavailable service.
	down := httptest.NewServer(unavailable(t))
	t.Cleanup(down.Close)
	for _, op := range c.Operations() {
		method, p, _ := strings.Cut(op, " ")
		if p == "/openapi.json" {
			continue
		}
		call := openapicheck.Call{Method: method, Path: strings.ReplaceAll(p, "{id}", waiting), Token: cciA, Status: 503}
		call.Path = strings.ReplaceAll(call.Path, "{n}", "1")
		call.Path = strings.ReplaceAll(call.Path, "{session_id}", unknown)
		call.Body = validBodies[method+" "+p[strings.LastIndex(p, "/"):]]
		t.Run(op+" unavailable", func(t *testing.T) { c.Send(t, down.URL, call) })
	}
	c.AssertCovered(t)
}

// TestOpenAPIMatchesTheDomain: the reasons and limits the document states
// are the domain's, so neither can change alone.
func TestOpenAPIMatchesTheDomain(t *testing.T) {
	t.Parallel()
	var doc struct {
		Components struct {
			Schemas map[string]struct {
				Properties map[string]struct {
					Enum      []string `json:"enum"`
					MaxLength int      `json:"maxLength"`
					Items     struct {
						Enum []string `json:"enum"`
					} `json:"items"`
				} `json:"properties"`
			} `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(httpapi.OpenAPI(), &doc); err != nil {
		t.Fatal(err)
	}
	s := doc.Components.Schemas
	statuses := []string{creation.StatusOpened, creation.StatusInProgress, creation.StatusClosed}
	stages := []string{string(creation.StageOpened), string(creation.StageInProgress)}
	var targets []string
	for _, st := range creation.Journey() {
		stages = append(stages, string(st))
		if st != creation.StageFollowUp {
			targets = append(targets, string(st))
		}
	}
	stages = append(stages, string(creation.StageClosed))
	moveReasons := creation.SkipReasons()
	for _, r := range creation.BackReasons() {
		if !slices.Contains(moveReasons, r) {
			moveReasons = append(moveReasons, r)
		}
	}
	slices.Sort(moveReasons)
	documentedMoves := slices.Sorted(slices.Values(s["MoveRequest"].Properties["reason"].Enum))
	for _, tt := range []struct {
		name      string
		got, want []string
	}{
		{"hand-back reasons", s["HandBackRequest"].Properties["reason"].Enum, creation.HandBackReasons()},
		{"reasons in the history", s["HandBack"].Properties["reason"].Enum, events.ReassignReasons()},
		{"statuses", s["Case"].Properties["status"].Enum, statuses},
		{"stages", s["Case"].Properties["stage"].Enum, stages},
		{"stages to move to", s["MoveRequest"].Properties["to"].Enum, targets},
		{"move reasons", documentedMoves, moveReasons},
		{"abandon reasons", s["AbandonRequest"].Properties["reason"].Enum, events.AbandonReasons()},
		{"legal forms", s["Registration"].Properties["legal_form"].Enum, creation.LegalForms()},
		{"to_chamber", s["HandBackRequest"].Properties["to_chamber"].Enum, []string{"", creation.ToOtherChamber}},
		{"concerns to raise", s["ConcernRequest"].Properties["concerns"].Items.Enum, events.ConcernKinds()},
		{"concerns raised", s["DifficultyConcern"].Properties["concerns"].Items.Enum, events.ConcernKinds()},
	} {
		if !slices.Equal(tt.got, tt.want) {
			t.Errorf("%s: the document lists %q, the domain %q", tt.name, tt.got, tt.want)
		}
	}
	if got := s["HandBackRequest"].Properties["comment"].MaxLength; got != creation.MaxCommentRunes {
		t.Errorf("comment: the document allows %d characters, the domain %d", got, creation.MaxCommentRunes)
	}
}
