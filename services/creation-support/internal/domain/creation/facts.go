package creation

import (
	"slices"
	"time"
)

// Facts are what advisors record of a case along the journey, stage by
// stage. Each stage's exit criteria read them (ExitCriteria). They are the
// chambers' follow-up, kept in this service: no event carries them.
type Facts struct {
	Welcome      Welcome
	Diagnosis    Diagnosis
	Training     Training
	BusinessPlan BusinessPlan
	Funding      []FundingRequest
	Registration Registration
}

// Welcome is the first meeting: a collective information meeting or an
// individual interview.
type Welcome struct {
	Kind string // MeetingCollective or MeetingIndividual; empty until it took place
	At   time.Time
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
	ChamberConfirmed bool
	// Regulated is nil until assessed.
	Regulated *bool
	// Qualification the regulated activity needs, and whether the holder
	// has it.
	Qualification     string
	QualificationHeld bool
}

// Training is the chambers' preparation course (the CMA's "stage de
// préparation à l'installation", the CCI's "5 jours pour entreprendre").
type Training struct {
	Course      string
	Hours       int
	Attestation bool
}

// BusinessPlan records that each part of the plan is done and reviewed by
// the advisor, never the documents themselves.
type BusinessPlan struct {
	Market, FundingPlan, ForecastPL, CashPlan PlanPart
}

// PlanPart is one part of the business plan.
type PlanPart struct {
	Done, Reviewed bool
}

// FundingRequest is a request to a funding partner (Initiative, Adie,
// Bpifrance, a bank, an honour loan). Amounts are in euros.
type FundingRequest struct {
	Partner  string
	Asked    int64
	Decision string // FundingPending, FundingGranted or FundingRefused
	Granted  int64
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
	SIREN     string
	Date      time.Time
	LegalForm string
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
