package web

import (
	"fmt"
	"net/url"
	"strconv"

	"github.com/ccicma/platform/services/intake/internal/domain/request"
)

// difficultyFields are the controls of the difficulty report form, in page
// order.
type difficultyFields struct {
	contactFields
	// The business.
	SIRET, NAF, Headcount, Postcode, Commune *field
	// The report.
	Kinds, Situation *field
	// Answers are the self-diagnosis questions, one radios field each, in
	// the questionnaire's order.
	Answers []*field
}

func (f difficultyFields) list() []*field {
	return append(append(f.contactFields.list(), f.SIRET, f.NAF, f.Headcount, f.Postcode, f.Commune, f.Kinds, f.Situation),
		f.Answers...)
}

// difficultyPage is the data of difficulty.html: a business in difficulty,
// reported by its manager. What is typed here is confidential: it is never
// logged (see submitForm) and only the routed chambers' prevention
// advisors see it.
type difficultyPage struct {
	form
	F difficultyFields
	activityAndPlace
	// QuestionnaireVersion names the questions asked.
	QuestionnaireVersion string
}

func (s *site) newDifficultyPage(v url.Values, token string) requestForm[request.DifficultyInput] {
	const path = "/difficultes"
	p := &difficultyPage{form: form{ID: "difficultes-form", Path: path, Token: token, ref: s.Ref},
		QuestionnaireVersion: request.QuestionnaireVersion}
	p.Location = newCommunePicker(path, "business", "Où est installée votre entreprise ?",
		"Code postal (5 chiffres) ou nom de la commune de l'établissement principal, par exemple 91000 ou Évry-Courcouronnes.")
	p.F = difficultyFields{contactFields: newContactFields(),
		SIRET: &field{Name: "business.siret", Label: "Numéro SIRET de l'entreprise", Type: "text", Inputmode: "numeric",
			Hint: "14 chiffres, sur l'extrait Kbis ou l'avis de situation Sirene.", MaxLength: 20},
		NAF: &field{Name: "business.naf_code", Label: "Activité principale (code NAF ou APE)", Type: "text", Optional: true,
			Hint: "Il figure sur l'avis de situation Sirene (exemple : 10.71C). Vous pouvez aussi saisir des mots-clés puis « Chercher l'activité ».", MaxLength: 100},
		Headcount: &field{Name: "business.headcount", Label: "Nombre de salariés", Type: "text", Inputmode: "numeric",
			Hint: "0 si l'entreprise n'a pas de salarié.", MaxLength: 6,
			Missing:   "Indiquez le nombre de salariés, 0 si l'entreprise n'en a pas.",
			NotNumber: "Indiquez un nombre entier de salariés, 0 si l'entreprise n'en a pas."},
		Postcode: p.Location.Postcode,
		Commune:  p.Location.Commune,
		Kinds: &field{Name: "report.kinds", Label: "Quelles difficultés rencontrez-vous ?", Type: "checkboxes",
			Hint: "Cochez tout ce qui s'applique.", Options: choiceOptions(request.DifficultyKinds, false),
			Missing: "Cochez au moins une difficulté, « Autre difficulté » si aucune ne convient."},
		Situation: &field{Name: "report.situation", Label: "Décrivez la situation", Type: "textarea",
			Hint:      fmt.Sprintf("Depuis quand, ce qui a changé, ce que vous avez déjà tenté (10 à %d caractères).", request.MaxSituationLen),
			MaxLength: request.MaxSituationLen},
	}
	qs := request.Questionnaire()
	for i, q := range qs {
		f := &field{Name: "report.answers." + q.ID, Type: "radios", Inline: true,
			Label:   fmt.Sprintf("%d. %s", i+1, q.Text),
			Missing: fmt.Sprintf("Question %d : choisissez une réponse.", i+1)}
		for a, label := range q.Options {
			f.Options = append(f.Options, option{Value: strconv.Itoa(a), Label: label})
		}
		p.F.Answers = append(p.F.Answers, f)
	}
	p.NAF = newNAFPicker(path, p.F.NAF)
	p.fields = p.F.list()
	p.fill(v)
	p.fillIn(v, s.Ref)
	return p
}

func (p *difficultyPage) base() *form { return &p.form }

func (p *difficultyPage) lookup(action string) bool { return p.lookupIn(p.ref, action) }

func (p *difficultyPage) input() request.DifficultyInput {
	f := p.F
	answers := map[string]int{}
	for i, q := range request.Questionnaire() {
		v := f.Answers[i].trimmed()
		if v == "" {
			continue // the use case asks for it
		}
		n, err := strconv.Atoi(v)
		if err != nil {
			n = -1 // out of range: reported with the rest
		}
		answers[q.ID] = n
	}
	return request.DifficultyInput{
		Contact: f.contactFields.input(),
		SIRET:   f.SIRET.trimmed(), NAFCode: f.NAF.trimmed(), Postcode: p.Location.postcode(), CommuneCode: p.Location.communeCode(),
		Headcount: int(intValue(f.Headcount, false)),
		Situation: f.Situation.trimmed(), Kinds: f.Kinds.Values, Answers: answers,
	}
}

func (p *difficultyPage) invalid(ps request.Problems) {
	p.NAF.invalid(p.ref)
	p.setProblems(ps, func(pr request.Problem, f *field) string {
		switch {
		case f == p.F.NAF:
			return p.NAF.message(pr)
		case f == p.F.Commune || f == p.F.Postcode:
			return p.Location.message(pr)
		case f.Group() && pr.Code == "range":
			return "Choisissez une des réponses proposées." // a tampered value
		}
		return ""
	})
}
