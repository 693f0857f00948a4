package web

import (
	"slices"
	"strings"

	"github.com/ccicma/platform/services/intake/internal/domain/request"
)

// field is one form control as the templates render it: its label, hint,
// the value typed and the error beside it.
type field struct {
	Name  string // form name, the same dotted path the domain's problems use
	Label string
	Hint  string
	Type  string // text, email, tel, date, textarea, select
	Value string
	Error string
	// Optional fields say "(facultatif)"; the others are required.
	Optional     bool
	Autocomplete string
	Inputmode    string
	MaxLength    int
	List         string // id of a datalist
	Options      []option
	Hidden       bool // rendered but not shown (filled in by the script)
}

type option struct {
	Value, Label string
}

// ID is the element id of the field, derived from its name.
func (f *field) ID() string { return fieldID(f.Name) }

func fieldID(name string) string { return strings.NewReplacer(".", "-", "_", "-").Replace(name) }

// Selected tells whether the option is the field's value.
func (f *field) Selected(v string) bool { return f.Value == v }

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
