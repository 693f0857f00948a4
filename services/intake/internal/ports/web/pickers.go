package web

import (
	"fmt"
	"net/url"

	"github.com/ccicma/platform/pkg/refdata"

	"github.com/ccicma/platform/services/intake/internal/domain/request"
)

// Look-up buttons shared by the forms: NAF codes by label, the communes of
// a postcode.
const (
	actionNAF     = "naf"
	actionCommune = "commune"
	nafPickField  = "naf_pick" // a NAF code chosen among suggestions
)

// nafSuggestions is how many NAF sub-classes a search shows.
const nafSuggestions = 10

// nafPicker is a NAF code field that, without JavaScript, searches
// sub-classes by the words typed in it ("Chercher l'activité") and offers
// them as radios; the script suggests them as one types instead.
type nafPicker struct {
	F    *field
	Path string // the form's path, for the search button
	// Label names the activity of a valid code.
	Label string
	// Query and Choices are a search and its results.
	Query    string
	Searched bool
	Choices  []option
}

func newNAFPicker(path string, f *field) *nafPicker {
	f.List = "naf-options"
	return &nafPicker{F: f, Path: path}
}

// fill takes the code picked among suggestions, if any, and names the
// activity of the code.
func (n *nafPicker) fill(v url.Values, ref Reference) {
	if pick := v.Get(nafPickField); pick != "" {
		n.F.Value = pick
	}
	if e, ok := ref.NAF(n.F.Value); ok {
		n.Label = e.Label
	}
}

// search lists the sub-classes matching what the applicant typed.
func (n *nafPicker) search(ref Reference) {
	n.Query = n.F.trimmed()
	n.Searched = true
	n.Choices = nil
	for _, e := range ref.SearchNAF(n.Query, nafSuggestions) {
		n.Choices = append(n.Choices, option{Value: e.Code, Label: e.Code + " — " + e.Label})
	}
}

// invalid offers the matches of words typed in place of a code.
func (n *nafPicker) invalid(ref Reference) {
	if n.Label == "" && n.F.trimmed() != "" {
		n.search(ref)
	}
}

// message words a NAF problem for a person.
func (n *nafPicker) message(pr request.Problem) string {
	if pr.Code != "unknown" {
		return ""
	}
	if _, code := refdata.NormalizeNAF(n.F.Value); code {
		return "Code NAF inconnu dans la nomenclature NAF rév. 2 : vérifiez-le (exemple : 10.71C)."
	}
	if len(n.Choices) > 0 {
		return "Choisissez votre activité dans la liste sous ce champ, ou saisissez un code NAF (exemple : 10.71C)."
	}
	return "Aucune activité ne correspond à ces mots : essayez-en d'autres, ou saisissez un code NAF (exemple : 10.71C)."
}

// communePicker is a postcode and, when it serves several communes, a
// select of them; without JavaScript "Trouver la commune" fills the select.
type communePicker struct {
	Postcode, Commune *field
	Path              string // the form's path, for the look-up button
	Legend            string // the fieldset's question
	// Name is the only commune of the postcode, when there is one.
	Name string
	// Searched: the applicant asked for the communes of the postcode.
	Searched bool

	candidates []refdata.Commune
}

// newCommunePicker makes the fields <prefix>.postcode and
// <prefix>.commune_code; hint says which commune is meant.
func newCommunePicker(path, prefix, legend, hint string) *communePicker {
	return &communePicker{Path: path, Legend: legend,
		Postcode: &field{Name: prefix + ".postcode", Label: "Code postal", Type: "text", Inputmode: "numeric", Autocomplete: "postal-code",
			Hint: hint, MaxLength: 5},
		Commune: &field{Name: prefix + ".commune_code", Label: "Commune", Type: "select",
			Hint: "Ce code postal couvre plusieurs communes : choisissez la vôtre."},
	}
}

// fill offers the communes of the postcode typed: a select when there are
// several, the commune's name when there is one.
func (c *communePicker) fill(ref Reference) {
	cs := ref.CommunesByPostcode(c.Postcode.trimmed())
	c.candidates = cs
	f := c.Commune
	f.Options = []option{{Value: "", Label: "Sélectionner votre commune"}}
	known := false
	for _, cm := range cs {
		f.Options = append(f.Options, option{Value: cm.Code, Label: cm.Name})
		known = known || cm.Code == f.Value
	}
	// A commune of another postcode (the postcode changed since) or the
	// only commune of this one: the applicant has nothing to choose.
	if !known || len(cs) < 2 {
		f.Value = ""
	}
	f.Hidden = len(cs) < 2
	c.Name = ""
	if len(cs) == 1 {
		c.Name = cs[0].Name
	}
}

// NotFound: the applicant asked for the communes of a postcode that has
// none.
func (c *communePicker) NotFound() bool { return c.Searched && len(c.candidates) == 0 }

// message words a commune problem for a person.
func (c *communePicker) message(pr request.Problem) string {
	if pr.Field == c.Commune.Name && pr.Code == "ambiguous" {
		return fmt.Sprintf("Ce code postal couvre %d communes : choisissez la vôtre dans la liste.", len(c.candidates))
	}
	return ""
}

// activityAndPlace is the pair of pickers of the forms that ask what the
// business does and where it is.
type activityAndPlace struct {
	NAF      *nafPicker
	Location *communePicker
}

// fillIn looks up what the posted code and postcode refer to.
func (a activityAndPlace) fillIn(v url.Values, ref Reference) {
	a.NAF.fill(v, ref)
	a.Location.fill(ref)
}

// lookupIn runs the search a button asked for; false for other actions.
func (a activityAndPlace) lookupIn(ref Reference, action string) bool {
	switch action {
	case actionNAF:
		a.NAF.search(ref)
	case actionCommune:
		a.Location.Searched = true
	default:
		return false
	}
	return true
}
