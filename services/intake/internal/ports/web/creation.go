package web

import (
	"fmt"
	"net/url"
	"regexp"
	"strconv"

	"github.com/ccicma/platform/services/intake/internal/domain/request"
)

// creationFields are the controls of the creation form, in page order.
type creationFields struct {
	contactFields
	Description, NAF, LegalForm, PlannedStart, Headcount *field
	SIRET, Postcode, Commune                             *field
}

func (f creationFields) list() []*field {
	return append(f.contactFields.list(), f.Description, f.NAF, f.LegalForm,
		f.PlannedStart, f.Headcount, f.SIRET, f.Postcode, f.Commune)
}

// creationPage is the data of creation.html.
type creationPage struct {
	form
	F creationFields
	activityAndPlace
}

// newCreationPage fills the form with the values posted (none for a new
// form) and looks up what they refer to.
func (s *site) newCreationPage(v url.Values, token string) requestForm[request.CreationInput] {
	const path = "/creation"
	p := &creationPage{form: form{ID: "creation-form", Path: path, Token: token, ref: s.Ref}}
	p.Location = newCommunePicker(path, "project", "Où sera installée votre entreprise ?",
		"Code postal (5 chiffres) ou nom de la commune où l'entreprise sera installée, par exemple 91000 ou Évry-Courcouronnes.")
	p.F = creationFields{contactFields: newContactFields(),
		Description: &field{Name: "project.description", Label: "Votre projet en quelques lignes", Type: "textarea",
			Hint:      fmt.Sprintf("Activité, clientèle, lieu, où vous en êtes (10 à %d caractères).", request.MaxDescriptionLen),
			MaxLength: request.MaxDescriptionLen},
		NAF: &field{Name: "project.naf_code", Label: "Activité principale (code NAF)", Type: "text", Optional: true,
			Hint: "Saisissez le code NAF si vous le connaissez (exemple : 10.71C), ou des mots-clés puis « Chercher l'activité ».", MaxLength: 100},
		LegalForm: &field{Name: "project.legal_form", Label: "Forme juridique envisagée", Type: "select", Optional: true, Options: legalFormOptions()},
		PlannedStart: &field{Name: "project.planned_start", Label: "Date de démarrage prévue", Type: "date", Optional: true,
			Hint: "Format attendu : JJ/MM/AAAA"},
		Headcount: &field{Name: "project.planned_headcount", Label: "Nombre de salariés prévus au démarrage", Type: "text", Inputmode: "numeric",
			Hint: "0 si vous démarrez seul ou seule.", MaxLength: 6,
			NotNumber: "Indiquez un nombre entier de salariés, 0 si vous démarrez seul ou seule."},
		SIRET: &field{Name: "project.siret", Label: "Numéro SIRET", Type: "text", Inputmode: "numeric", Optional: true,
			Hint: "14 chiffres, seulement si une entreprise est déjà immatriculée pour ce projet.", MaxLength: 20},
		Postcode: p.Location.Postcode,
		Commune:  p.Location.Commune,
	}
	p.NAF = newNAFPicker(path, p.F.NAF)
	p.fields = p.F.list()
	p.fill(v)
	p.fillIn(v, s.Ref)
	return p
}

func (p *creationPage) base() *form { return &p.form }

func (p *creationPage) lookup(action string) bool { return p.lookupIn(p.ref, action) }

// input is the request as the use case takes it.
func (p *creationPage) input() request.CreationInput {
	f := p.F
	return request.CreationInput{
		FirstName: f.FirstName.trimmed(), LastName: f.LastName.trimmed(), Email: f.Email.trimmed(), Phone: f.Phone.trimmed(),
		Description: f.Description.trimmed(), NAFCode: f.NAF.trimmed(), LegalForm: f.LegalForm.trimmed(),
		Postcode: p.Location.postcode(), CommuneCode: p.Location.communeCode(), PlannedStart: isoDate(f.PlannedStart.trimmed()),
		PlannedHeadcount: int(intValue(f.Headcount, true)), SIRET: f.SIRET.trimmed(),
	}
}

func (p *creationPage) invalid(ps request.Problems) {
	p.NAF.invalid(p.ref)
	p.setProblems(ps, func(pr request.Problem, f *field) string {
		switch f {
		case p.F.NAF:
			return p.NAF.message(pr)
		case p.F.Commune, p.F.Postcode:
			return p.Location.message(pr)
		case p.F.PlannedStart:
			if pr.Code == "format" {
				return "Indiquez une date valide, par exemple 01/03/2027."
			}
		}
		return ""
	})
}

var frenchDatePattern = regexp.MustCompile(`^(\d{1,2})/(\d{1,2})/(\d{4})$`)

// isoDate reads a date typed JJ/MM/AAAA (browsers without a date picker)
// as AAAA-MM-JJ; anything else goes to the domain as typed.
func isoDate(s string) string {
	m := frenchDatePattern.FindStringSubmatch(s)
	if m == nil {
		return s
	}
	day, _ := strconv.Atoi(m[1])
	month, _ := strconv.Atoi(m[2])
	return fmt.Sprintf("%s-%02d-%02d", m[3], month, day)
}
