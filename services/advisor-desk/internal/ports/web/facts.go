package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/ccicma/platform/services/advisor-desk/internal/adapters/peers"
	"github.com/ccicma/platform/services/advisor-desk/internal/domain/casefile"
)

// doneFacts: the facts of a stage were recorded.
const doneFacts = "faits"

// maxFact bounds the texts of the facts, as creation-support does.
const maxFact = 200

// factsView is the facts form of the stage the case is at: the form's
// Section (empty: no form for this stage, formalities among them: its
// registration has its own) and the facts as last recorded, or as sent
// after a refusal.
type factsView struct {
	Section, StageLabel, URL string
	Facts                    peers.Facts
	WelcomeDay               string // the welcome's date, YYYY-MM-DD
	Regulated                string // "oui", "non" or "" (not assessed)
	Hours                    string
	Funding                  []fundingRow // the funding requests, as typed
	Decisions                []casefile.Choice
}

// factsFields are the facts' names in creation-support, to the page's
// field ids.
var factsFields = fieldIDs{"welcome.kind": "accueil-individual", "welcome.at": "date-accueil",
	"diagnosis.qualification": "qualification", "training.course": "formation", "training.hours": "heures"}

// factsSection is the section of the facts form for a stage.
func factsSection(stage string) string {
	switch stage {
	case "in_progress", "welcome":
		return "welcome"
	case "diagnosis", "training", "business_plan", sectionFunding:
		return stage
	}
	return ""
}

// factsOf prepares the form of the case's stage from its facts.
func factsOf(cs peers.CreationCase) factsView {
	if cs.Facts == nil {
		return factsView{}
	}
	f := *cs.Facts
	v := factsView{Section: factsSection(cs.Stage), Facts: f, Hours: strconv.Itoa(f.Training.Hours),
		Funding: fundingRowsOf(f.Funding), Decisions: casefile.FundingDecisions()}
	v.StageLabel = casefile.StageLabel(v.Section)
	v.URL = "/dossiers/creation/" + url.PathEscape(cs.ID) + "/faits"
	if !f.Welcome.At.IsZero() {
		v.WelcomeDay = f.Welcome.At.UTC().Format(time.DateOnly)
	}
	if r := f.Diagnosis.Regulated; r != nil {
		v.Regulated = map[bool]string{true: "oui", false: "non"}[*r]
	}
	return v
}

// recordFacts records the facts of the case's stage: it reads the facts,
// changes the section the form is for, and writes them back whole.
func (s *site) recordFacts(w http.ResponseWriter, r *http.Request) {
	c, ok := s.caseForm(w, r)
	if !ok {
		return
	}
	cs, err := s.Cases.CreationCase(r.Context(), c.bearer, c.id)
	if err != nil {
		s.caseError(w, r, c, err)
		return
	}
	var f peers.Facts
	if cs.Facts != nil {
		f = *cs.Facts
	}
	section := r.PostForm.Get("section")
	bad, ids := applyFacts(&f, section, r.PostForm)
	v := creationView{}
	v.Journey.FactsForm = &factsView{Facts: f, WelcomeDay: r.PostForm.Get("date-accueil"),
		Regulated: r.PostForm.Get("reglementee"), Hours: r.PostForm.Get("heures"), Funding: readFundingRows(r.PostForm)}
	if len(bad) > 0 {
		s.refuseForm(w, r, c, v, bad)
		return
	}
	s.afterAction(w, r, c, s.Cases.RecordFacts(r.Context(), c.bearer, c.id, f), doneFacts, v, ids)
}

// applyFacts sets the section of f from the form; it returns the form's
// errors, and the page's ids of creation-support's names of the fields.
func applyFacts(f *peers.Facts, section string, form url.Values) ([]peers.FieldError, fieldIDs) {
	checked := func(name string) bool { return form.Get(name) == "oui" }
	var bad []peers.FieldError
	add := func(field, msg string) {
		bad = append(bad, peers.FieldError{Field: field, Code: "invalid", Message: msg})
	}
	switch section {
	case "welcome":
		f.Welcome.Kind = form.Get("accueil")
		if f.Welcome.Kind != "collective" && f.Welcome.Kind != "individual" {
			add("accueil-individual", "Choisissez la réunion d'information ou l'entretien individuel.")
		}
		at, err := time.Parse(time.DateOnly, form.Get("date-accueil"))
		if err != nil {
			add("date-accueil", "Indiquez la date de la réunion ou de l'entretien (jj/mm/aaaa).")
		}
		f.Welcome.At = at
	case "diagnosis":
		f.Diagnosis.ChamberConfirmed = checked("chambre-confirmee")
		switch form.Get("reglementee") {
		case "oui", "non":
			regulated := form.Get("reglementee") == "oui"
			f.Diagnosis.Regulated = &regulated
		default:
			f.Diagnosis.Regulated = nil
		}
		f.Diagnosis.Qualification = strings.TrimSpace(form.Get("qualification"))
		f.Diagnosis.QualificationHeld = checked("qualification-detenue")
		if utf8.RuneCountInString(f.Diagnosis.Qualification) > maxFact {
			add("qualification", "La qualification ne doit pas dépasser 200 caractères.")
		}
	case "training":
		f.Training.Course = strings.TrimSpace(form.Get("formation"))
		f.Training.Attestation = checked("attestation")
		hours, err := strconv.Atoi(strings.TrimSpace(form.Get("heures")))
		if err != nil || hours < 0 {
			add("heures", "Indiquez la durée de la formation en heures (un nombre entier).")
		}
		f.Training.Hours = hours
		if utf8.RuneCountInString(f.Training.Course) > maxFact {
			add("formation", "Le nom de la formation ne doit pas dépasser 200 caractères.")
		}
	case "business_plan":
		part := func(name string) peers.PlanPart {
			return peers.PlanPart{Done: checked(name + "-fait"), Reviewed: checked(name + "-relu")}
		}
		f.BusinessPlan = peers.BusinessPlan{Market: part("marche"), FundingPlan: part("plan-financement"),
			ForecastPL: part("resultat"), CashPlan: part("tresorerie")}
	case sectionFunding:
		return applyFunding(f, readFundingRows(form))
	default:
		add("", "Ce formulaire ne correspond à aucune étape : rechargez la page du dossier.")
	}
	return bad, factsFields
}
