package web

import (
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/ccicma/platform/services/intake/internal/domain/request"
)

// field is one form control as the templates render it: its label, hint,
// the value typed and the error beside it.
type field struct {
	Name  string // form name, the same dotted path the domain's problems use
	Label string
	Hint  string
	Type  string // text, email, tel, date, textarea, select; radios, checkboxes (a fieldset); checkbox (one box)
	Value string
	// Values are the boxes ticked of a checkboxes field.
	Values []string
	Error  string
	// Optional fields say "(facultatif)"; the others are required.
	Optional     bool
	Autocomplete string
	Inputmode    string
	MaxLength    int
	List         string // id of a datalist
	Options      []option
	Hidden       bool // rendered but not shown (filled in by the script)
	// Inline lays a radios field's options out on one line.
	Inline bool
	// Missing and NotNumber word the problem of an empty field or of
	// something that is not a number, in place of the domain's wording.
	Missing, NotNumber string
	// Anchor is the id the error summary links to, when not the first
	// control of the field.
	Anchor string
	// Unmarked fields are neither required nor marked "(facultatif)": a
	// search box that helps fill in another field, or one of a group that
	// says itself what it needs.
	Unmarked bool
	Rows     int // of a textarea; 6 when zero

	num numState // how a number field read (see intValue)
}

type option struct {
	Value, Label string
}

// ID is the element id of the field, derived from its name.
func (f *field) ID() string { return fieldID(f.Name) }

func fieldID(name string) string { return strings.NewReplacer(".", "-", "_", "-").Replace(name) }

// Selected tells whether the option is the field's value.
func (f *field) Selected(v string) bool { return f.Value == v }

// Group tells whether the field is a fieldset of radios or checkboxes.
func (f *field) Group() bool { return f.Type == "radios" || f.Type == "checkboxes" }

// Checked tells whether a radio or box of the field is ticked.
func (f *field) Checked(v string) bool {
	switch f.Type {
	case "checkboxes":
		return slices.Contains(f.Values, v)
	case "checkbox":
		return f.Value != ""
	}
	return f.Value == v
}

// OptionID is the element id of the i-th radio or box of a group.
func (f *field) OptionID(i int) string { return f.ID() + "-" + strconv.Itoa(i) }

// AnchorID is the id the error summary links to: the control, the first
// radio or box of a group, or the field's Anchor.
func (f *field) AnchorID() string {
	switch {
	case f.Anchor != "":
		return f.Anchor
	case f.Group():
		return f.OptionID(0)
	}
	return f.ID()
}

// set fills the field with what was posted.
func (f *field) set(v url.Values) {
	switch f.Type {
	case "checkboxes":
		f.Values = v[f.Name]
	case "checkbox":
		f.Value = ""
		if v.Get(f.Name) != "" {
			f.Value = "1"
		}
	default:
		f.Value = v.Get(f.Name)
	}
}

// trimmed is the value typed, without surrounding spaces.
func (f *field) trimmed() string { return strings.TrimSpace(f.Value) }

// message words a problem of the field: the field's own wording for an
// empty field or a number that is none, else the domain's.
func (f *field) message(pr request.Problem) string {
	switch {
	case f.num == numBad && f.NotNumber != "":
		return f.NotNumber
	case (f.num == numEmpty || pr.Code == "required") && f.Missing != "":
		return f.Missing
	}
	return pr.Message
}

// choiceOptions are the options of a domain enumeration; a select gets a
// placeholder first.
func choiceOptions(cs request.Choices, placeholder bool) []option {
	var opts []option
	if placeholder {
		opts = append(opts, option{Value: "", Label: "Sélectionner une option"})
	}
	for _, c := range cs {
		opts = append(opts, option{Value: c.Code, Label: c.Label})
	}
	return opts
}

// contactFields are the applicant block every form starts with.
type contactFields struct {
	FirstName, LastName, Email, Phone *field
}

func newContactFields() contactFields {
	return contactFields{
		FirstName: &field{Name: "applicant.first_name", Label: "Prénom", Type: "text", Autocomplete: "given-name", MaxLength: request.MaxNameLen},
		LastName:  &field{Name: "applicant.last_name", Label: "Nom", Type: "text", Autocomplete: "family-name", MaxLength: request.MaxNameLen},
		Email: &field{Name: "applicant.email", Label: "Adresse électronique", Type: "email", Autocomplete: "email",
			Hint: "Format attendu : nom@domaine.fr. Un conseiller vous écrira à cette adresse.", MaxLength: 254},
		Phone: &field{Name: "applicant.phone", Label: "Numéro de téléphone", Type: "tel", Autocomplete: "tel", Optional: true,
			Hint: "Exemple : 06 12 34 56 78", MaxLength: 20},
	}
}

func (c contactFields) list() []*field { return []*field{c.FirstName, c.LastName, c.Email, c.Phone} }

func (c contactFields) input() request.ContactInput {
	return request.ContactInput{FirstName: c.FirstName.trimmed(), LastName: c.LastName.trimmed(),
		Email: c.Email.trimmed(), Phone: c.Phone.trimmed()}
}

// summaryItem is a line of the error summary, linking to its field.
type summaryItem struct {
	Href, Message string
}

// legalFormOrder lists the legal forms in the order a person expects them;
// forms the domain adds later come after, in code order.
var legalFormOrder = []string{"NSP", "EI", "EURL", "SARL", "SASU", "SAS", "SA", "SNC", "SCOP", "AUTRE"}

func legalFormOptions() []option {
	opts := []option{{Value: "", Label: "Sélectionner une option"}}
	seen := map[string]bool{}
	for _, code := range legalFormOrder {
		if label, ok := request.LegalForms[code]; ok {
			opts = append(opts, option{Value: code, Label: label})
			seen[code] = true
		}
	}
	var rest []string
	for code := range request.LegalForms {
		if !seen[code] {
			rest = append(rest, code)
		}
	}
	slices.Sort(rest)
	for _, code := range rest {
		opts = append(opts, option{Value: code, Label: request.LegalForms[code]})
	}
	return opts
}
