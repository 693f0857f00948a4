package request

import (
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/ccicma/platform/pkg/events"
	"github.com/ccicma/platform/pkg/refdata"

	"github.com/ccicma/platform/services/intake/internal/domain/routing"
)

// MaxSituationLen bounds what the applicant writes about the situation.
const MaxSituationLen = 4000

// DifficultyKinds are what may be happening to a business.
var DifficultyKinds = Choices{
	{"cash_flow", "Tensions de trésorerie"},
	{"unpaid_social_debts", "Dettes sociales impayées (URSSAF, retraite)"},
	{"unpaid_tax_debts", "Dettes fiscales impayées (TVA, impôts)"},
	{"major_customer_loss", "Perte d'un client important"},
	{"dispute", "Litige (client, fournisseur, associé, salarié)"},
	{"manager_health", "Santé du dirigeant"},
	{"supplier_issue", "Difficultés avec un fournisseur"},
	{"other", "Autre difficulté"},
}

// DifficultyInput is a difficulty report as typed.
type DifficultyInput struct {
	Contact ContactInput
	// The business.
	SIRET       string
	NAFCode     string // optional
	Postcode    string
	CommuneCode string
	Headcount   int
	// The report.
	Situation string         // what is happening, free text
	Kinds     []string       // DifficultyKinds codes
	Answers   map[string]int // question id -> answer, see Questionnaire
}

// Difficulty is a validated difficulty report. It is confidential from the
// first byte: Situation is free text that may describe the manager's
// health or private life (sensitive personal data) and, like the contact
// and the SIRET, never leaves intake; only the routed chambers' prevention
// advisors may see the report.
type Difficulty struct {
	ID         string
	Applicant  Applicant
	SIRET      string
	NAFCode    string // canonical, empty if not given
	Commune    refdata.Commune
	Headcount  int
	Situation  string
	Kinds      []string // canonical order, no duplicates
	Answers    map[string]int
	Score      int // 0-100, see Score
	Level      Level
	Thresholds Thresholds // those that set Level
	Routing    events.Routing
	// RoutingBasis is what the routing relied on, kept for advisors.
	RoutingBasis routing.Basis
	SubmittedAt  time.Time
}

// NewDifficulty validates input, scores the questionnaire against the
// thresholds and routes the report by the business's activity and headcount.
// All problems are reported at once.
func NewDifficulty(id string, in DifficultyInput, ref Reference, router routing.Router, th Thresholds, now time.Time) (Difficulty, error) {
	var ps Problems
	d := Difficulty{ID: id, SubmittedAt: now.UTC(), Headcount: in.Headcount, Thresholds: th}
	d.Applicant = applicant(&ps, in.Contact)
	d.SIRET = requiredSIRET(&ps, "business.siret", in.SIRET)
	if in.NAFCode != "" {
		d.NAFCode = nafSubclass(&ps, "business.naf_code", in.NAFCode, ref)
	}
	d.Commune = commune(&ps, "business", in.Postcode, in.CommuneCode, ref)
	headcount(&ps, "business.headcount", in.Headcount)
	d.Situation = text(&ps, "report.situation", in.Situation, 10, MaxSituationLen,
		fmt.Sprintf("Décrivez la situation en 10 à %d caractères.", MaxSituationLen))
	d.Kinds = choiceSet(&ps, "report.kinds", in.Kinds, DifficultyKinds)
	answers(&ps, in.Answers)
	if err := ps.err(); err != nil {
		return Difficulty{}, err
	}
	d.Answers = maps.Clone(in.Answers)
	d.Score = Score(d.Answers)
	d.Level = th.Level(d.Score)
	decision := router.Decide(routing.Input{Request: routing.RequestDifficulty, NAFCode: d.NAFCode, Headcount: d.Headcount,
		Departement: d.Commune.Departement, EPCI: d.Commune.EPCI})
	d.Routing, d.RoutingBasis = decision.Routing, decision.Basis()
	return d, nil
}

// Reported is the event announcing the report: codes, score and routing
// only; no free text, contact, SIRET or commune.
func (d Difficulty) Reported() events.DifficultyReported {
	nafVersion := ""
	if d.NAFCode != "" {
		nafVersion = refdata.NAFVersion
	}
	return events.DifficultyReported{
		RequestID: d.ID, NAFCode: d.NAFCode, NAFVersion: nafVersion, Departement: d.Commune.Departement,
		Kinds: slices.Clone(d.Kinds), QuestionnaireVersion: QuestionnaireVersion, Score: d.Score, Level: string(d.Level),
		Routing: d.Routing, ReportedAt: d.SubmittedAt,
	}
}

// Identified is the confidential event that names the business behind the
// report, by its SIREN and SIRET, for difficulty-alert alone: it travels
// on the PREVENTION stream, which no other service may read, never on
// INTAKE (every consumer of INTAKE could read what Reported carries). The
// score and level come with it, so that the business's signal can weigh
// the self-diagnosis without the report's event.
func (d Difficulty) Identified() events.PreventionReportIdentified {
	return events.PreventionReportIdentified{
		RequestID: d.ID, SIREN: d.SIRET[:9], SIRET: d.SIRET, Score: d.Score, Level: string(d.Level),
		QuestionnaireVersion: QuestionnaireVersion, IdentifiedAt: d.SubmittedAt,
	}
}
