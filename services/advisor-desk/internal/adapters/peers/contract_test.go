package peers

import (
	"bytes"
	"context"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ccicma/platform/pkg/testkit/openapicheck"
)

// documents are the owning services' OpenAPI documents. They are read
// by path because each is embedded in an internal package of another
// module of the workspace, which Go does not let this module import; and
// the file read here is the one its service serves and holds to its real
// handlers, so that a change on either side fails a unit test here,
// before the end-to-end one.
var documents = map[string]string{
	Intake:           "intake/internal/ports/httpapi/openapi.json",
	CreationSupport:  "creation-support/internal/ports/httpapi/openapi.json",
	TakeoverMatching: "takeover-matching/internal/ports/httpapi/openapi.json",
	DifficultyAlert:  "difficulty-alert/internal/ports/httpapi/openapi.json",
}

// services is the workspace's services directory, from this package's.
var services = os.DirFS("../../../..")

const caseID = "01900000-0000-7000-8000-000000000001"

// contract is what one method of the client relies on: the operation it
// calls, and the type it decodes from the answer (nil: none), leaving
// out the required members named in ignored, which the desk does not
// show.
type contract struct {
	service string
	op      string
	call    func(ctx context.Context, c *Client) error
	answer  reflect.Type
	ignored []string
}

var contracts = map[string]contract{
	"CreationCase": {CreationSupport, "GET /api/v1/creation-cases/{id}",
		func(ctx context.Context, c *Client) error { _, err := c.CreationCase(ctx, "tok", caseID); return err },
		reflect.TypeFor[CreationCase](), nil},
	"TakeInCharge": {CreationSupport, "POST /api/v1/creation-cases/{id}/take-in-charge",
		func(ctx context.Context, c *Client) error { return c.TakeInCharge(ctx, "tok", caseID) }, nil, nil},
	"HandBack": {CreationSupport, "POST /api/v1/creation-cases/{id}/hand-back",
		func(ctx context.Context, c *Client) error {
			return c.HandBack(ctx, "tok", caseID, "wrong_speciality", "Pas ma spécialité.")
		}, nil, nil},
	"CreationCases": {CreationSupport, "GET /api/v1/creation-cases",
		func(ctx context.Context, c *Client) error {
			_, err := c.CreationCases(ctx, "tok", CaseFilter{Stage: "diagnosis", Advisor: "cma-91-001", Limit: 200})
			return err
		}, reflect.TypeFor[CasePage](), nil},
	"MoveStage": {CreationSupport, "POST /api/v1/creation-cases/{id}/stage",
		func(ctx context.Context, c *Client) error {
			return c.MoveStage(ctx, "tok", caseID, "training", "not_needed", "")
		},
		nil, nil},
	"PlanNextAction": {CreationSupport, "PUT /api/v1/creation-cases/{id}/next-action",
		func(ctx context.Context, c *Client) error {
			return c.PlanNextAction(ctx, "tok", caseID, "Relire le plan de trésorerie", "2027-01-15")
		}, nil, nil},
	"RecordFacts": {CreationSupport, "PUT /api/v1/creation-cases/{id}/facts",
		func(ctx context.Context, c *Client) error {
			regulated := true
			return c.RecordFacts(ctx, "tok", caseID, Facts{Welcome: Welcome{Kind: "individual", At: time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)},
				Diagnosis: Diagnosis{ChamberConfirmed: true, Regulated: &regulated, Qualification: "CAP boulanger"},
				Funding:   []FundingRequest{{Partner: "Initiative Essonne", Asked: 8000, Decision: "pending"}}})
		}, nil, nil},
	"Register": {CreationSupport, "POST /api/v1/creation-cases/{id}/registration",
		func(ctx context.Context, c *Client) error {
			return c.Register(ctx, "tok", caseID, Registration{SIREN: "732829320", RegisteredOn: "2026-01-15", LegalForm: "SARL"})
		}, nil, nil},
	"Abandon": {CreationSupport, "POST /api/v1/creation-cases/{id}/abandon",
		func(ctx context.Context, c *Client) error { return c.Abandon(ctx, "tok", caseID, "no_funding") }, nil, nil},
	"RedirectToTakeover": {CreationSupport, "POST /api/v1/creation-cases/{id}/redirect-to-takeover",
		func(ctx context.Context, c *Client) error { return c.RedirectToTakeover(ctx, "tok", caseID) }, nil, nil},
	"RecordCheckpoint": {CreationSupport, "POST /api/v1/creation-cases/{id}/checkpoints/{n}",
		func(ctx context.Context, c *Client) error {
			return c.RecordCheckpoint(ctx, "tok", caseID, 1, CheckpointReport{StillActive: true, Headcount: 2})
		}, nil, nil},
	"CreationNotes": {CreationSupport, "GET /api/v1/creation-cases/{id}/notes",
		func(ctx context.Context, c *Client) error { _, err := c.CreationNotes(ctx, "tok", caseID); return err },
		reflect.TypeFor[NoteList](), nil},
	"WriteNote": {CreationSupport, "POST /api/v1/creation-cases/{id}/notes",
		func(ctx context.Context, c *Client) error {
			return c.WriteNote(ctx, "tok", caseID, "Rappeler lundi.", false)
		},
		nil, nil},
	"Sessions": {CreationSupport, "GET /api/v1/creation-sessions",
		func(ctx context.Context, c *Client) error { _, err := c.Sessions(ctx, "tok", "training"); return err },
		reflect.TypeFor[SessionList](), nil},
	"PlanSession": {CreationSupport, "POST /api/v1/creation-sessions",
		func(ctx context.Context, c *Client) error {
			_, err := c.PlanSession(ctx, "tok", SessionPlan{Kind: "information_meeting", Title: "Réunion d'information création",
				StartsAt: time.Date(2027, 1, 12, 9, 30, 0, 0, time.UTC), Place: "CCI Essonne, Évry-Courcouronnes", Capacity: 12})
			return err
		}, nil, nil},
	"RegisterToSession": {CreationSupport, "POST /api/v1/creation-cases/{id}/sessions/{session_id}",
		func(ctx context.Context, c *Client) error { return c.RegisterToSession(ctx, "tok", caseID, caseID) }, nil, nil},
	"Offer": {TakeoverMatching, "GET /api/v1/takeover-offers/{id}",
		func(ctx context.Context, c *Client) error { _, err := c.Offer(ctx, "tok", caseID); return err },
		reflect.TypeFor[Offer](), nil},
	"Search": {TakeoverMatching, "GET /api/v1/buyer-searches/{id}",
		func(ctx context.Context, c *Client) error { _, err := c.Search(ctx, "tok", caseID); return err },
		reflect.TypeFor[Search](), nil},
	"Offers": {TakeoverMatching, "GET /api/v1/takeover-offers",
		func(ctx context.Context, c *Client) error {
			_, err := c.Offers(ctx, "tok", MarketFilter{Market: true, Status: "published", Chamber: "CMA", NAF: "10",
				Departement: "91", DealType: "fonds", Band: "100k_300k", After: caseID, Limit: 20})
			return err
		}, reflect.TypeFor[OfferPage](), nil},
	"Searches": {TakeoverMatching, "GET /api/v1/buyer-searches",
		func(ctx context.Context, c *Client) error {
			_, err := c.Searches(ctx, "tok", MarketFilter{Market: true, NAF: "G", Band: "100k_300k", Limit: 20})
			return err
		}, reflect.TypeFor[SearchPage](), nil},
	"VetOffer": {TakeoverMatching, "POST /api/v1/takeover-offers/{id}/vetting",
		func(ctx context.Context, c *Client) error {
			return c.VetOffer(ctx, "tok", caseID, Vetting{File: VettedFile{Owner: "Gérant", Business: "Boulangerie",
				Customers: "Locale", Equipment: "Four", Staff: "3", Results: "Stables", ReasonForSale: "Retraite",
				Revenue: 450000, Profit: 60000, Headcount: 4, Price: 250000}, Teaser: TeaserChoice{SectorLevel: "class",
				PlaceLevel: "departement", RevenueBand: "300k_1m", ProfitBand: "25k_75k", HeadcountBand: "3_5",
				PriceBand: "100k_300k", DealTypes: []string{"fonds"}, Timeline: "6m_12m"}})
		}, nil, nil},
	"ChangeOfferStatus": {TakeoverMatching, "POST /api/v1/takeover-offers/{id}/status",
		func(ctx context.Context, c *Client) error {
			return c.ChangeOfferStatus(ctx, "tok", caseID, "paused", "Négociation")
		}, nil, nil},
	"ChangeSearchStatus": {TakeoverMatching, "POST /api/v1/buyer-searches/{id}/status",
		func(ctx context.Context, c *Client) error {
			return c.ChangeSearchStatus(ctx, "tok", caseID, "paused", "")
		}, nil, nil},
	"RenewSearch": {TakeoverMatching, "POST /api/v1/buyer-searches/{id}/renew",
		func(ctx context.Context, c *Client) error { return c.RenewSearch(ctx, "tok", caseID) }, nil, nil},
	"Match": {TakeoverMatching, "GET /api/v1/matches/{id}",
		func(ctx context.Context, c *Client) error { _, err := c.Match(ctx, "tok", caseID); return err },
		reflect.TypeFor[Match](), nil},
	"ReviewMatch": {TakeoverMatching, "POST /api/v1/matches/{id}/review",
		func(ctx context.Context, c *Client) error { return c.ReviewMatch(ctx, "tok", caseID) }, nil, nil},
	"ShowInterest": {TakeoverMatching, "POST /api/v1/matches/{id}/interest",
		func(ctx context.Context, c *Client) error { return c.ShowInterest(ctx, "tok", caseID) }, nil, nil},
	"ApproveIntroduction": {TakeoverMatching, "POST /api/v1/matches/{id}/approve-introduction",
		func(ctx context.Context, c *Client) error { return c.ApproveIntroduction(ctx, "tok", caseID) }, nil, nil},
	"AcceptUndertaking": {TakeoverMatching, "POST /api/v1/matches/{id}/accept-undertaking",
		func(ctx context.Context, c *Client) error {
			return c.AcceptUndertaking(ctx, "tok", caseID, Undertaking{Version: "2026-01", AcceptedOn: "2026-12-01"})
		}, nil, nil},
	"StartNegotiating": {TakeoverMatching, "POST /api/v1/matches/{id}/negotiating",
		func(ctx context.Context, c *Client) error { return c.StartNegotiating(ctx, "tok", caseID) }, nil, nil},
	"ConcludeMatch": {TakeoverMatching, "POST /api/v1/matches/{id}/conclude",
		func(ctx context.Context, c *Client) error { return c.ConcludeMatch(ctx, "tok", caseID, "2027-03-01") }, nil, nil},
	"DropMatch": {TakeoverMatching, "POST /api/v1/matches/{id}/drop",
		func(ctx context.Context, c *Client) error { return c.DropMatch(ctx, "tok", caseID, "price") }, nil, nil},
	// The prevention page shows who and what, not how intake routed it;
	// it labels the source itself, as every code (casefile.Label).
	"PreventionCase": {DifficultyAlert, "GET /api/v1/difficulty-cases/{id}",
		func(ctx context.Context, c *Client) error { _, err := c.PreventionCase(ctx, "tok", caseID); return err },
		reflect.TypeFor[PreventionCase](), []string{"routing", "source_label"}},
	"TakePreventionCase": {DifficultyAlert, "POST /api/v1/difficulty-cases/{id}/take-in-charge",
		func(ctx context.Context, c *Client) error { return c.TakePreventionCase(ctx, "tok", caseID) }, nil, nil},
	"RecordPreventionAction": {DifficultyAlert, "POST /api/v1/difficulty-cases/{id}/actions",
		func(ctx context.Context, c *Client) error {
			return c.RecordPreventionAction(ctx, "tok", caseID, ActionReport{Kind: "referral_ccsf", OccurredOn: "2026-12-01",
				Outcome: "follow_up", OutcomeText: "Plan d'apurement demandé."})
		}, nil, nil},
	"HandBackPreventionCase": {DifficultyAlert, "POST /api/v1/difficulty-cases/{id}/hand-back",
		func(ctx context.Context, c *Client) error {
			return c.HandBackPreventionCase(ctx, "tok", caseID, "conflict_of_interest")
		}, nil, nil},
	"ClosePreventionCase": {DifficultyAlert, "POST /api/v1/difficulty-cases/{id}/close",
		func(ctx context.Context, c *Client) error {
			return c.ClosePreventionCase(ctx, "tok", caseID, "recovered")
		}, nil, nil},
	// The cell's list of businesses: the desk shows neither the SIREN
	// (in the API for the cell) nor pages with next_after (it holds one).
	"PreventionBusinesses": {DifficultyAlert, "GET /api/v1/businesses",
		func(ctx context.Context, c *Client) error {
			_, err := c.PreventionBusinesses(ctx, "tok", "high", "44:"+caseID, 50)
			return err
		}, reflect.TypeFor[BusinessPage](), nil},
	"PreventionBusiness": {DifficultyAlert, "GET /api/v1/business-views/{business_id}",
		func(ctx context.Context, c *Client) error {
			_, err := c.PreventionBusiness(ctx, "tok", caseID)
			return err
		},
		reflect.TypeFor[PreventionBusiness](), nil},
	// Of intake's request the desk shows the applicant and the project.
	"Request": {Intake, "GET /api/v1/requests/{id}",
		func(ctx context.Context, c *Client) error { _, err := c.Request(ctx, "tok", caseID); return err },
		reflect.TypeFor[Request](), []string{"status", "advisor_ids", "routing", "routing_basis", "submitted_at", "updated_at"}},
}

func checkers(t *testing.T) map[string]*openapicheck.Checker {
	t.Helper()
	out := map[string]*openapicheck.Checker{}
	for service, path := range documents {
		doc, err := fs.ReadFile(services, path)
		if err != nil {
			t.Fatalf("%s's OpenAPI document: %v", service, err)
		}
		out[service] = openapicheck.New(t, doc)
	}
	return out
}

// TestContractsCoverTheClient: every call the client makes has its
// contract checked below.
func TestContractsCoverTheClient(t *testing.T) {
	typ := reflect.TypeFor[*Client]()
	var methods []string
	for i := range typ.NumMethod() {
		methods = append(methods, typ.Method(i).Name)
	}
	var listed []string
	for name := range contracts {
		listed = append(listed, name)
	}
	slices.Sort(listed)
	if !slices.Equal(methods, listed) {
		t.Errorf("the client's methods %q, the contracts %q", methods, listed)
	}
}

// TestAnswersMatchTheOwnersDocuments: every member a copy decodes is in
// the owning service's answer, with a compatible type, and every member
// the answer always has is decoded or deliberately left out; a refusal's
// problem reads as every owner's 4xx answers are documented.
func TestAnswersMatchTheOwnersDocuments(t *testing.T) {
	docs := checkers(t)
	for name, k := range contracts {
		t.Run(name, func(t *testing.T) {
			c := docs[k.service]
			if k.answer != nil {
				c.Decodes(t, k.op, 200, k.answer, k.ignored...)
			}
			for _, status := range c.Statuses(k.op) {
				if status >= 400 && status < 500 {
					// A problem always has its type and status: the client
					// takes the status from the response.
					c.Decodes(t, k.op, status, reflect.TypeFor[problem](), "type", "status")
				}
			}
		})
	}
}

// TestRequestsMatchTheOwnersDocuments sends every call of the real client
// to a server standing for the owning services and validates each
// request (operation, path parameters, bearer, body) against the owner's
// document.
func TestRequestsMatchTheOwnersDocuments(t *testing.T) {
	docs := checkers(t)
	type sent struct {
		service string
		req     *http.Request
	}
	var mu sync.Mutex
	var got []sent
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			t.Error(err)
		}
		service, path, _ := strings.Cut(strings.TrimPrefix(r.URL.RequestURI(), "/"), "/")
		req := httptest.NewRequest(r.Method, "http://"+service+"/"+path, bytes.NewReader(body))
		req.Header = r.Header.Clone()
		mu.Lock()
		got = append(got, sent{service, req})
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{}`))
	}))
	t.Cleanup(srv.Close)
	client := New(http.DefaultTransport, 5*time.Second, func(service string) string { return srv.URL + "/" + service })
	for name, k := range contracts {
		t.Run(name, func(t *testing.T) {
			mu.Lock()
			got = nil
			mu.Unlock()
			if err := k.call(t.Context(), client); err != nil {
				t.Fatal(err)
			}
			if len(got) != 1 {
				t.Fatalf("%d requests, want 1", len(got))
			}
			if got[0].service != k.service {
				t.Errorf("sent to %s, want %s", got[0].service, k.service)
			}
			if op := docs[k.service].ValidateRequest(t, got[0].req); op != k.op {
				t.Errorf("calls %q, whose answer is checked as %q's", op, k.op)
			}
		})
	}
}
