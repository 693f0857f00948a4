package creation

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Facts are what advisors record of a case along the journey, stage by
// stage. Each stage's exit criteria read them (ExitCriteria). They are the
// chambers' follow-up, kept in this service: no event carries them.
//
// The JSON names are how the store keeps them (one document a case):
// renaming a field must keep its tag.
type Facts struct {
	Welcome      Welcome          `json:"welcome"`
	Diagnosis    Diagnosis        `json:"diagnosis"`
	Training     Training         `json:"training"`
	BusinessPlan BusinessPlan     `json:"business_plan"`
	Funding      []FundingRequest `json:"funding,omitempty"`
	Registration Registration     `json:"registration"`
}

// Welcome is the first meeting: a collective information meeting or an
// individual interview.
type Welcome struct {
	Kind string    `json:"kind,omitempty"` // MeetingCollective or MeetingIndividual; empty until it took place
	At   time.Time `json:"at,omitzero"`
}

// Kinds of welcome meetings.
const (
	MeetingCollective = "collective" // réunion d'information collective
	MeetingIndividual = "individual" // entretien individuel
)

// Diagnosis is the orientation: the right chamber, and whether the
// activity is regulated and which qualification it needs (for example a
// CAP or three years' experience for an artisan's title, or a
// professional card).
type Diagnosis struct {
	ChamberConfirmed bool `json:"chamber_confirmed,omitempty"`
	// Regulated is nil until assessed.
	Regulated *bool `json:"regulated,omitempty"`
	// Qualification the regulated activity needs, and whether the holder
	// has it.
	Qualification     string `json:"qualification,omitempty"`
	QualificationHeld bool   `json:"qualification_held,omitempty"`
}

// Training is the chambers' preparation course (the CMA's "stage de
// préparation à l'installation", the CCI's "5 jours pour entreprendre").
type Training struct {
	Course      string `json:"course,omitempty"`
	Hours       int    `json:"hours,omitempty"`
	Attestation bool   `json:"attestation,omitempty"`
}

// BusinessPlan records that each part of the plan is done and reviewed by
// the advisor, never the documents themselves.
type BusinessPlan struct {
	Market      PlanPart `json:"market"`
	FundingPlan PlanPart `json:"funding_plan"`
	ForecastPL  PlanPart `json:"forecast_pl"`
	CashPlan    PlanPart `json:"cash_plan"`
}

// PlanPart is one part of the business plan.
type PlanPart struct {
	Done     bool `json:"done,omitempty"`
	Reviewed bool `json:"reviewed,omitempty"`
}

// FundingRequest is a request to a funding partner (Initiative, Adie,
// Bpifrance, a bank, an honour loan). Amounts are in euros.
type FundingRequest struct {
	Partner  string `json:"partner"`
	Asked    int64  `json:"asked"`
	Decision string `json:"decision"` // FundingPending, FundingGranted or FundingRefused
	Granted  int64  `json:"granted,omitempty"`
}

// Decisions of a funding request.
const (
	FundingPending = "pending"
	FundingGranted = "granted"
	FundingRefused = "refused"
)

// Registration is the outcome of the formalities: the business's SIREN,
// its registration date and legal form.
type Registration struct {
	SIREN     string    `json:"siren,omitempty"`
	Date      time.Time `json:"date,omitzero"`
	LegalForm string    `json:"legal_form,omitempty"`
}

// Recorded tells whether the registration was recorded.
func (r Registration) Recorded() bool { return r.SIREN != "" }

// exitCriteria are, per stage, the checks of what must be recorded before
// the case moves on to the next stage, each with its French message.
var exitCriteria = map[Stage][]struct {
	met     func(Facts) bool
	missing string
}{
	StageWelcome: {
		{func(f Facts) bool { return f.Welcome.Kind != "" }, "la réunion d'information ou l'entretien individuel"},
	},
	StageDiagnosis: {
		{func(f Facts) bool { return f.Diagnosis.ChamberConfirmed }, "la chambre compétente confirmée"},
		{func(f Facts) bool { return f.Diagnosis.Regulated != nil }, "l'activité réglementée ou non"},
		{func(f Facts) bool {
			return f.Diagnosis.Regulated == nil || !*f.Diagnosis.Regulated || f.Diagnosis.Qualification != ""
		}, "la qualification exigée par l'activité réglementée"},
	},
	StageTraining: {
		{func(f Facts) bool { return f.Training.Course != "" && f.Training.Hours > 0 }, "la formation suivie et sa durée"},
	},
	StageBusinessPlan: {
		{func(f Facts) bool { return f.BusinessPlan.Market.Reviewed }, "l'étude de marché relue"},
		{func(f Facts) bool { return f.BusinessPlan.FundingPlan.Reviewed }, "le plan de financement relu"},
		{func(f Facts) bool { return f.BusinessPlan.ForecastPL.Reviewed }, "le compte de résultat prévisionnel relu"},
		{func(f Facts) bool { return f.BusinessPlan.CashPlan.Reviewed }, "le plan de trésorerie relu"},
	},
	StageFunding: {
		{func(f Facts) bool { return len(f.Funding) > 0 }, "au moins une demande de financement"},
		{func(f Facts) bool {
			return !slices.ContainsFunc(f.Funding, func(r FundingRequest) bool { return r.Decision == FundingPending })
		}, "la décision de chaque demande de financement"},
	},
	StageFormalities: {
		{func(f Facts) bool { return f.Registration.Recorded() }, "l'immatriculation (SIREN, date, forme juridique)"},
	},
}

// ExitCriteria returns nil when the facts meet stage's exit criteria, or
// an *UnmetCriteria listing what is missing.
func (f Facts) ExitCriteria(stage Stage) error {
	var missing []string
	for _, c := range exitCriteria[stage] {
		if !c.met(f) {
			missing = append(missing, c.missing)
		}
	}
	if len(missing) > 0 {
		return &UnmetCriteria{Stage: stage, Missing: missing}
	}
	return nil
}

// Bounds of the facts advisors type in.
const (
	maxFactRunes     = 200
	maxTrainingHours = 1000
	maxFundingEuros  = 100_000_000
	maxFundingItems  = 20
)

// Check validates facts an advisor records; the error is an *InvalidInput
// naming each bad field. The registration is not among them: Register
// records it, with its own checks.
func (f Facts) Check() error {
	var bad []FieldProblem
	add := func(field, code, msg string) { bad = append(bad, FieldProblem{field, code, msg}) }
	if k := f.Welcome.Kind; k != "" && k != MeetingCollective && k != MeetingIndividual {
		add("welcome.kind", "invalid", "Valeur attendue : collective ou individual.")
	}
	if f.Welcome.Kind != "" && f.Welcome.At.IsZero() {
		add("welcome.at", "required", "Date de la réunion ou de l'entretien attendue.")
	}
	if utf8.RuneCountInString(f.Diagnosis.Qualification) > maxFactRunes {
		add("diagnosis.qualification", "too_long", fmt.Sprintf("%d caractères au plus.", maxFactRunes))
	}
	if utf8.RuneCountInString(f.Training.Course) > maxFactRunes {
		add("training.course", "too_long", fmt.Sprintf("%d caractères au plus.", maxFactRunes))
	}
	if f.Training.Hours < 0 || f.Training.Hours > maxTrainingHours {
		add("training.hours", "out_of_range", fmt.Sprintf("Entre 0 et %d heures.", maxTrainingHours))
	}
	if len(f.Funding) > maxFundingItems {
		add("funding", "too_many", fmt.Sprintf("%d demandes au plus.", maxFundingItems))
	}
	for i, r := range f.Funding {
		bad = append(bad, r.check(fmt.Sprintf("funding[%d]", i))...)
	}
	if len(bad) > 0 {
		return &InvalidInput{Fields: bad}
	}
	return nil
}

func (r FundingRequest) check(at string) []FieldProblem {
	var bad []FieldProblem
	if n := utf8.RuneCountInString(strings.TrimSpace(r.Partner)); n == 0 || n > maxFactRunes {
		bad = append(bad, FieldProblem{at + ".partner", "invalid", fmt.Sprintf("Nom du partenaire attendu (%d caractères au plus).", maxFactRunes)})
	}
	if r.Asked <= 0 || r.Asked > maxFundingEuros {
		bad = append(bad, FieldProblem{at + ".asked", "out_of_range", "Montant demandé positif attendu, en euros."})
	}
	switch r.Decision {
	case FundingPending, FundingRefused:
		if r.Granted != 0 {
			bad = append(bad, FieldProblem{at + ".granted", "unexpected", "Pas de montant accordé sans accord."})
		}
	case FundingGranted:
		if r.Granted <= 0 || r.Granted > maxFundingEuros {
			bad = append(bad, FieldProblem{at + ".granted", "out_of_range", "Montant accordé positif attendu, en euros."})
		}
	default:
		bad = append(bad, FieldProblem{at + ".decision", "invalid", "Valeur attendue : pending, granted ou refused."})
	}
	return bad
}

// RecordFacts replaces the facts of the journey, keeping the registration
// (Register records it). A closed case changes no more.
func (c *Case) RecordFacts(f Facts, now time.Time) error {
	if c.Stage == StageClosed {
		return ErrClosed
	}
	if err := f.Check(); err != nil {
		return err
	}
	f.Registration = c.Facts.Registration
	c.Facts, c.UpdatedAt = f, now.UTC()
	return nil
}
