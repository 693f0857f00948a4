package web

import (
	"fmt"
	"net/url"
	"slices"
	"strings"

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

// communeSuggestions is how many communes a search by name offers; the
// JSON endpoint offers the same, so that the script's list and the
// server's agree.
const communeSuggestions = 10

// communePicker is one field taking a postcode or a commune's name and,
// when it matches several communes, a select of them; without JavaScript
// "Trouver la commune" fills the select, and so does sending the form.
// The field keeps the name <prefix>.postcode, which the JSON API and the
// domain's problems use.
type communePicker struct {
	Postcode, Commune *field
	Path              string // the form's path, for the look-up button
	Legend            string // the fieldset's question
	// Name is the commune found, when there is exactly one.
	Name string
	// Searched: the applicant asked for the communes of what they typed.
	Searched bool
	// ByName: what was typed is a name, not a postcode.
	ByName bool

	candidates []refdata.Commune
	resolved   *refdata.Commune
}

// newCommunePicker makes the fields <prefix>.postcode and
// <prefix>.commune_code; hint says which commune is meant.
func newCommunePicker(path, prefix, legend, hint string) *communePicker {
	return &communePicker{Path: path, Legend: legend,
		Postcode: &field{Name: prefix + ".postcode", Label: "Code postal ou nom de la commune", Type: "text", Autocomplete: "off",
			Hint: hint, MaxLength: refdata.MaxCommuneQuery},
		Commune: &field{Name: prefix + ".commune_code", Label: "Commune", Type: "select",
			Hint: "Plusieurs communes correspondent : choisissez la vôtre."},
	}
}

// fill offers the communes of what was typed: a select when there are
// several to choose from, the commune's name when it is known.
func (c *communePicker) fill(ref Reference) {
	typed := c.Postcode.trimmed()
	c.ByName = typed != "" && strings.Trim(typed, "0123456789 ") != ""
	if c.ByName {
		c.candidates = withPostcode(ref.SearchCommunes(typed, communeSuggestions))
	} else {
		c.candidates = ref.CommunesByPostcode(typed)
	}
	f := c.Commune
	f.Options = []option{{Value: "", Label: "Sélectionner votre commune"}}
	for _, cm := range c.candidates {
		f.Options = append(f.Options, option{Value: cm.Code, Label: c.optionLabel(cm)})
	}
	c.resolved = c.pick(ref, typed)
	// A commune of another postcode or name (what was typed changed
	// since) or the only commune: the applicant has nothing to choose.
	if c.resolved == nil || len(c.candidates) < 2 {
		f.Value = ""
	}
	// The select shows while there is a choice to make or one was made;
	// otherwise the commune found is named.
	f.Hidden = len(c.candidates) < 2 || c.resolved != nil && f.Value == ""
	c.Name = ""
	if c.resolved != nil && f.Hidden {
		c.Name = c.resolved.Name
	}
}

// pick is the commune meant: the one chosen in the select among the
// candidates, the only candidate, or the only one named exactly as typed
// (refdata's reading of a name: "st denis 93" is Saint-Denis, 93066).
func (c *communePicker) pick(ref Reference, typed string) *refdata.Commune {
	cs := c.candidates
	if len(cs) == 1 {
		return &cs[0]
	}
	for i := range cs {
		if cs[i].Code == c.Commune.Value {
			return &cs[i]
		}
	}
	if !c.ByName {
		return nil
	}
	if cm, ok := ref.NamedExactly(typed, cs); ok {
		return &cm
	}
	return nil
}

// optionLabel names a commune in the select: by name alone for the
// communes of one postcode, with its département when found by name.
func (c *communePicker) optionLabel(cm refdata.Commune) string {
	if !c.ByName {
		return cm.Name
	}
	return fmt.Sprintf("%s (%s)", cm.Name, cm.Departement)
}

// withPostcode drops the communes without a postcode (uninhabited
// districts), where no business can be.
func withPostcode(cs []refdata.Commune) []refdata.Commune {
	return slices.DeleteFunc(cs, func(c refdata.Commune) bool { return len(c.Postcodes) == 0 })
}

// postcode and communeCode are the commune as the use case takes it: the
// commune found by name travels as one of its postcodes and its code, so
// that the domain checks it as it checks a postcode; otherwise what was
// typed and picked.
func (c *communePicker) postcode() string {
	if c.ByName && c.resolved != nil {
		return c.resolved.Postcodes[0]
	}
	return c.Postcode.trimmed()
}

func (c *communePicker) communeCode() string {
	if c.ByName && c.resolved != nil {
		return c.resolved.Code
	}
	return c.Commune.trimmed()
}

// NotFound: the applicant asked for the communes of what they typed, and
// nothing matches.
func (c *communePicker) NotFound() bool { return c.Searched && len(c.candidates) == 0 }

// message words a commune problem for a person.
func (c *communePicker) message(pr request.Problem) string {
	switch {
	case pr.Field == c.Commune.Name && pr.Code == "ambiguous":
		return fmt.Sprintf("Ce code postal couvre %d communes : choisissez la vôtre dans la liste.", len(c.candidates))
	case pr.Field == c.Postcode.Name && c.Postcode.trimmed() == "":
		return "Indiquez le code postal (5 chiffres) ou le nom de la commune."
	case pr.Field != c.Postcode.Name || !c.ByName:
		return ""
	case len(c.candidates) == 0:
		return "Aucune commune ne porte ce nom : vérifiez-le, ou saisissez le code postal (5 chiffres)."
	}
	return "Plusieurs communes correspondent à ce nom : choisissez la vôtre dans la liste sous ce champ."
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
