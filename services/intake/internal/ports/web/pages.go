package web

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/ccicma/platform/pkg/httpserver"
	"github.com/ccicma/platform/pkg/refdata"
)

// requestKind is one of the four things an applicant can ask for.
type requestKind struct {
	Path, Title, Text string
}

// kinds are the home page's entries, in the order of a business's life.
var kinds = []requestKind{
	{Path: "/creation", Title: "Créer une entreprise",
		Text: "Vous avez un projet de création : un conseiller vous aide à le préparer, du projet à l'immatriculation."},
	{Path: "/reprise", Title: "Reprendre une entreprise",
		Text: "Vous cherchez une entreprise à reprendre : décrivez vos critères, nous vous présentons des cédants."},
	{Path: "/cession", Title: "Céder votre entreprise",
		Text: "Vous préparez la vente de votre entreprise : trouvez un repreneur, en toute confidentialité."},
	{Path: "/difficultes", Title: "Faire face à des difficultés",
		Text: "Trésorerie, dettes, perte d'un client : parlez-en tôt, en toute confidentialité, à un conseiller."},
}

// served are the kinds whose form is served: those with a submitter.
func (rt Routes) served() []requestKind {
	on := map[string]bool{"/creation": rt.Creation != nil, "/reprise": rt.BuyerSearch != nil,
		"/cession": rt.TakeoverOffer != nil, "/difficultes": rt.Difficulty != nil}
	var out []requestKind
	for _, k := range kinds {
		if on[k.Path] {
			out = append(out, k)
		}
	}
	return out
}

func (s *site) home(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "home", layout{Title: "Accueil", Main: s.served()})
}

// communeJSON is a commune as the script shows it.
type communeJSON struct {
	Code        string `json:"code"`
	Name        string `json:"name"`
	Departement string `json:"departement"`
}

// communesJSON lists the communes of a postcode (?postcode=) or those
// matching a name (?q=, the picker's search), for the form's script.
func (s *site) communesJSON(w http.ResponseWriter, r *http.Request) {
	query := r.URL.Query()
	if query.Has("q") && !query.Has("postcode") {
		s.searchCommunesJSON(w, r, strings.TrimSpace(query.Get("q")))
		return
	}
	pc := strings.TrimSpace(query.Get("postcode"))
	if len(pc) != 5 || strings.Trim(pc, "0123456789") != "" {
		httpserver.WriteProblem(w, r, httpserver.Problem{Status: http.StatusBadRequest, Title: "Code postal invalide",
			Errors: []httpserver.FieldError{{Field: "postcode", Code: "format", Message: "Code postal à 5 chiffres attendu."}}})
		return
	}
	out := struct {
		Postcode string        `json:"postcode"`
		Communes []communeJSON `json:"communes"`
	}{Postcode: pc, Communes: communesOut(s.Ref.CommunesByPostcode(pc))}
	w.Header().Set("Cache-Control", "public, max-age=86400")
	httpserver.WriteJSON(w, http.StatusOK, out)
}

// searchCommunesJSON offers the communes the form's picker would: the same
// search, the same number.
func (s *site) searchCommunesJSON(w http.ResponseWriter, r *http.Request, q string) {
	if len(q) > refdata.MaxCommuneQuery {
		httpserver.WriteProblem(w, r, httpserver.Problem{Status: http.StatusBadRequest, Title: "Recherche trop longue",
			Errors: []httpserver.FieldError{{Field: "q", Code: "length", Message: fmt.Sprintf("%d caractères au plus.", refdata.MaxCommuneQuery)}}})
		return
	}
	out := struct {
		Query    string        `json:"query"`
		Communes []communeJSON `json:"communes"`
	}{Query: q, Communes: communesOut(withPostcode(s.Ref.SearchCommunes(q, communeSuggestions)))}
	w.Header().Set("Cache-Control", "public, max-age=86400")
	httpserver.WriteJSON(w, http.StatusOK, out)
}

func communesOut(cs []refdata.Commune) []communeJSON {
	out := make([]communeJSON, 0, len(cs))
	for _, c := range cs {
		out = append(out, communeJSON{Code: c.Code, Name: c.Name, Departement: c.Departement})
	}
	return out
}

// nafJSON is a NAF sub-class as the script shows it.
type nafJSON struct {
	Code  string `json:"code"`
	Label string `json:"label"`
}

// maxNAFQuery bounds a NAF search: labels are shorter than that.
const maxNAFQuery = 100

// nafJSON searches NAF sub-classes by label or code, for the form's script.
func (s *site) nafJSON(w http.ResponseWriter, r *http.Request) {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	if len(q) > maxNAFQuery {
		httpserver.WriteProblem(w, r, httpserver.Problem{Status: http.StatusBadRequest, Title: "Recherche trop longue",
			Errors: []httpserver.FieldError{{Field: "q", Code: "length", Message: "100 caractères au plus."}}})
		return
	}
	out := struct {
		Query   string    `json:"query"`
		Results []nafJSON `json:"results"`
	}{Query: q, Results: []nafJSON{}}
	for _, e := range s.Ref.SearchNAF(q, nafSuggestions) {
		out.Results = append(out.Results, nafJSON{Code: e.Code, Label: e.Label})
	}
	w.Header().Set("Cache-Control", "public, max-age=86400")
	httpserver.WriteJSON(w, http.StatusOK, out)
}
