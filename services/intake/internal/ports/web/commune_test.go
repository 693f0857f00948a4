package web_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"
	"github.com/pb33f/libopenapi-validator/config"
	"golang.org/x/net/html/atom"

	"github.com/ccicma/platform/services/intake/internal/ports/httpapi"
)

// storedCommune reads the commune and the routing's EPCI of the only
// stored request.
func (e *env) storedCommune(t *testing.T) (commune, epci string) {
	t.Helper()
	err := e.pool.QueryRow(e.ctx, `SELECT commune_code, coalesce(routing->>'epci', '') FROM requests`).Scan(&commune, &epci)
	if err != nil {
		t.Fatalf("read the stored request: %v", err)
	}
	return commune, epci
}

// Without JavaScript, a name in the commune field: a name shared by
// several communes brings the form back with them to choose from and the
// values kept; choosing one sends the request, routed with its EPCI.
func TestCommuneByNameWithoutScript(t *testing.T) {
	t.Parallel()
	e := setup(t)
	form := bakery()
	form.Set("project.postcode", "Saint-Denis")
	got := e.postForm(t, "/creation", form)
	if got.status != http.StatusUnprocessableEntity {
		t.Fatalf("answered %d, want 422:\n%s", got.status, got.body)
	}
	e.assertStored(t, 0)
	doc := parse(t, got.body)
	form.Del("project.commune_code") // a select of the candidates now, none chosen
	assertKept(t, doc, form)
	sel := control(t, doc, "project.commune_code")
	if hasAttr(byID(doc, "project-commune-code-group"), "hidden") {
		t.Fatal("the commune select is hidden, but two communes are named Saint-Denis")
	}
	var codes, labels []string
	for _, o := range all(sel, tag(atom.Option))[1:] {
		codes = append(codes, attr(o, "value"))
		labels = append(labels, text(o))
	}
	if len(codes) < 2 || !slices.Equal(codes[:2], []string{"97411", "93066"}) {
		t.Errorf("candidates %v, want the two Saint-Denis first, the larger first", codes)
	}
	if len(labels) < 2 || labels[1] != "Saint-Denis (93)" {
		t.Errorf("candidate labels %q, want the département beside the name", labels)
	}
	assertFieldErrors(t, doc, map[string]string{"project.postcode": "Plusieurs communes correspondent"}, []string{"#project-postcode"})

	form.Set("project.commune_code", "93066")
	if got := e.postForm(t, "/creation", form); got.status != http.StatusSeeOther {
		t.Fatalf("with the commune chosen: %d, want 303:\n%s", got.status, got.body)
	}
	if commune, epci := e.storedCommune(t); commune != "93066" || epci != "200054781" {
		t.Errorf("stored commune %s, routing EPCI %q; want 93066 in the Métropole du Grand Paris (200054781)", commune, epci)
	}
}

// A name that fits one commune only, typed loosely, is enough; a name that
// fits none says so beside the field.
func TestCommuneByUniqueNameOrUnknown(t *testing.T) {
	t.Parallel()
	e := setup(t)
	form := bakery()
	form.Set("project.postcode", "nowhereville")
	got := e.postForm(t, "/creation", form)
	if got.status != http.StatusUnprocessableEntity {
		t.Fatalf("unknown name: %d, want 422", got.status)
	}
	assertFieldErrors(t, parse(t, got.body), map[string]string{"project.postcode": "Aucune commune ne porte ce nom"}, []string{"#project-postcode"})

	form.Set("project.postcode", "")
	got = e.postForm(t, "/creation", form)
	assertFieldErrors(t, parse(t, got.body), map[string]string{"project.postcode": "code postal (5 chiffres) ou le nom"}, []string{"#project-postcode"})

	form.Set("action", "commune")
	form.Set("project.postcode", "evry courcouronnes")
	doc := parse(t, e.postForm(t, "/creation", form).body)
	if found := byID(doc, "commune-found"); hasAttr(found, "hidden") || !strings.Contains(text(found), "Évry-Courcouronnes") {
		t.Errorf("look-up shows %q (hidden %v), want Évry-Courcouronnes named", text(found), hasAttr(found, "hidden"))
	}
	form.Set("action", "send")
	if got := e.postForm(t, "/creation", form); got.status != http.StatusSeeOther {
		t.Fatalf("unique name: %d, want 303:\n%s", got.status, got.body)
	}
	if commune, epci := e.storedCommune(t); commune != "91228" || epci != "200059228" {
		t.Errorf("stored commune %s, routing EPCI %q; want 91228 in Grand Paris Sud (200059228)", commune, epci)
	}
}

// A name typed as people abbreviate it, with its département, names one
// commune: "st denis 93" is Saint-Denis (93066), not L'Île-Saint-Denis
// beside it, so there is nothing to choose and the request is sent.
func TestCommuneByAbbreviatedNameAndDepartement(t *testing.T) {
	t.Parallel()
	e := setup(t)
	form := bakery()
	form.Set("action", "commune")
	form.Set("project.postcode", "st denis 93")
	doc := parse(t, e.postForm(t, "/creation", form).body)
	if found := byID(doc, "commune-found"); hasAttr(found, "hidden") || !strings.Contains(text(found), "Saint-Denis") {
		t.Errorf("look-up shows %q (hidden %v), want Saint-Denis named", text(found), hasAttr(found, "hidden"))
	}
	if !hasAttr(byID(doc, "project-commune-code-group"), "hidden") {
		t.Error("the commune select shows, but the name and département designate one commune")
	}
	form.Set("action", "send")
	if got := e.postForm(t, "/creation", form); got.status != http.StatusSeeOther {
		t.Fatalf("st denis 93: %d, want 303:\n%s", got.status, got.body)
	}
	if commune, epci := e.storedCommune(t); commune != "93066" || epci != "200054781" {
		t.Errorf("stored commune %s, routing EPCI %q; want Saint-Denis 93066 in the Métropole du Grand Paris (200054781)", commune, epci)
	}
}

// The picker's search endpoint answers as the OpenAPI document says, with
// the communes the form would offer.
func TestCommuneSearchEndpoint(t *testing.T) {
	t.Parallel()
	e := setup(t)
	doc, err := libopenapi.NewDocument(httpapi.OpenAPI())
	if err != nil {
		t.Fatal(err)
	}
	v, errs := validator.NewValidator(doc, config.WithFormatAssertions())
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	tests := []struct {
		query  string
		status int
		first  string // the first commune's code
		count  int    // -1: any
	}{
		{"?q=" + url.QueryEscape("évry cour"), 200, "91228", 1},
		{"?q=" + url.QueryEscape("saint denis 93"), 200, "93066", -1},
		{"?q=saint", 200, "42218", 10},
		{"?q=zzzz", 200, "", 0},
		{"?q=", 200, "", 0},
		{"?q=" + strings.Repeat("a", 101), 400, "", 0},
		{"?postcode=91000", 200, "91228", 1},
		{"?postcode=91000&q=paris", 200, "91228", 1},
		{"", 400, "", 0},
	}
	for _, tt := range tests {
		req, err := http.NewRequestWithContext(e.ctx, http.MethodGet, e.srv.URL+"/api/v1/communes"+tt.query, nil)
		if err != nil {
			t.Fatal(err)
		}
		res, err := e.client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var body struct {
			Communes []struct{ Code, Name, Departement string }
		}
		err = json.NewDecoder(res.Body).Decode(&body)
		res.Body.Close()
		if res.StatusCode != tt.status || err != nil {
			t.Errorf("%s: %d (%v), want %d", tt.query, res.StatusCode, err, tt.status)
			continue
		}
		if tt.status == 200 && (tt.count >= 0 && len(body.Communes) != tt.count || tt.first != "" && body.Communes[0].Code != tt.first) {
			t.Errorf("%s: %+v, want %d communes starting with %s", tt.query, body.Communes, tt.count, tt.first)
		}
		// Validating needs the body again.
		again, err := e.client().Do(req.Clone(e.ctx))
		if err != nil {
			t.Fatal(err)
		}
		if ok, errs := v.ValidateHttpResponse(req, again); !ok {
			for _, e := range errs {
				t.Errorf("%s against the document: %s: %s", tt.query, e.Message, e.Reason)
			}
		}
		again.Body.Close()
	}
}
