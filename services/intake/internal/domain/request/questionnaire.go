package request

import (
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/ccicma/platform/pkg/events"
)

// QuestionnaireVersion names the self-diagnosis questionnaire below: its
// questions and weights. Change it with them, so that a stored score can
// always be read against the questions that produced it.
const QuestionnaireVersion = "2026-1"

// Question is one question of the self-diagnosis questionnaire. The answer
// is the index of the chosen option: 0 (no sign of difficulty) to
// len(Options)-1 (the strongest sign).
type Question struct {
	ID      string
	Text    string   // in French, as the form asks it
	Options []string // labels of the answers 0, 1, ...
	// Weight is the question's share of the score: a question answered with
	// its last option adds Weight points. The weights add up to 100.
	Weight int
}

// Max is the highest answer.
func (q Question) Max() int { return len(q.Options) - 1 }

var (
	yesNo = []string{"Non", "Oui"}
	scale = []string{"Non, pas du tout", "Un peu", "Nettement", "Fortement"}
)

// Questionnaire is the self-diagnosis a difficulty report includes: ten
// questions on the usual early signs of difficulty (payment incidents,
// debts, falling revenue, dependency, the manager's exhaustion). The
// weights of the four-option questions are multiples of three so that every
// answer scores whole points.
func Questionnaire() []Question {
	return []Question{
		{ID: "overdue_social_tax", Weight: 15, Options: yesNo,
			Text: "Avez-vous des cotisations sociales (URSSAF, retraite) ou des impôts (TVA, impôts locaux) échus et non payés ?"},
		{ID: "cash_shortfall", Weight: 15, Options: scale,
			Text: "Votre trésorerie risque-t-elle de ne pas couvrir les charges des trois prochains mois ?"},
		{ID: "revenue_drop", Weight: 12, Options: scale,
			Text: "Votre chiffre d'affaires a-t-il baissé au cours des douze derniers mois ?"},
		{ID: "late_suppliers", Weight: 10, Options: yesNo,
			Text: "Payez-vous certains fournisseurs en retard ?"},
		{ID: "legal_notice", Weight: 10, Options: yesNo,
			Text: "Avez-vous reçu une mise en demeure, une injonction de payer ou une assignation ?"},
		{ID: "customer_dependency", Weight: 9, Options: scale,
			Text: "Votre activité dépend-elle d'un ou deux clients seulement ?"},
		{ID: "manager_exhaustion", Weight: 9, Options: scale,
			Text: "Ressentez-vous un épuisement qui pèse sur la conduite de l'entreprise ?"},
		{ID: "bank_refusal", Weight: 8, Options: yesNo,
			Text: "Votre banque a-t-elle refusé ou réduit un crédit ou une autorisation de découvert ?"},
		{ID: "pay_delayed", Weight: 8, Options: yesNo,
			Text: "Avez-vous dû retarder le paiement des salaires ou de votre propre rémunération ?"},
		{ID: "no_forecast", Weight: 4, Options: yesNo,
			Text: "Vous manque-t-il un plan de trésorerie à jour pour les prochains mois ?"},
	}
}

// Score is the questionnaire's score, 0 to 100, of answers that Validate
// accepted: each question adds its weight times answer/max, and the total
// is scaled to 100 and rounded.
func Score(answers map[string]int) int {
	var got float64
	total := 0
	for _, q := range Questionnaire() {
		total += q.Weight
		got += float64(q.Weight*answers[q.ID]) / float64(q.Max())
	}
	return int(math.Round(100 * got / float64(total)))
}

// answers checks that every question has an answer in range and that no
// answer is for an unknown question.
func answers(ps *Problems, in map[string]int) {
	qs := Questionnaire()
	for _, q := range qs {
		a, ok := in[q.ID]
		switch {
		case !ok:
			ps.add("report.answers."+q.ID, "required", "Répondez à cette question.")
		case a < 0 || a > q.Max():
			ps.add("report.answers."+q.ID, "range", fmt.Sprintf("Réponse attendue entre 0 et %d.", q.Max()))
		}
	}
	for id := range in {
		if !slices.ContainsFunc(qs, func(q Question) bool { return q.ID == id }) {
			// Name the block only: the id was typed by the client.
			ps.add("report.answers", "unknown", fmt.Sprintf("Réponse à une question qui n'existe pas dans le questionnaire %s.", QuestionnaireVersion))
			return
		}
	}
}

// Level is what a score calls for.
type Level string

// Levels of a score.
const (
	LevelNone      Level = events.DifficultyNone      // below the vigilance threshold
	LevelVigilance Level = events.DifficultyVigilance // vigilance threshold to alert threshold, inclusive
	LevelCallBack  Level = events.DifficultyCallBack  // above the alert threshold: an advisor calls back
)

// Thresholds turn scores into levels. They are configuration, not law: each
// deployment may tune them.
type Thresholds struct {
	Vigilance int // the lowest score that calls for vigilance
	Alert     int // the highest score that still calls for vigilance only
}

// DefaultThresholds are the scores' cut-offs: below 15 nothing, 15 to 50
// vigilance, above 50 call back.
func DefaultThresholds() Thresholds { return Thresholds{Vigilance: 15, Alert: 50} }

// ErrThresholds means that the thresholds are not
// 0 <= vigilance <= alert <= 100.
var ErrThresholds = errors.New("difficulty thresholds must satisfy 0 <= vigilance <= alert <= 100")

// Validate checks the thresholds.
func (t Thresholds) Validate() error {
	if t.Vigilance < 0 || t.Vigilance > t.Alert || t.Alert > 100 {
		return fmt.Errorf("%w (vigilance %d, alert %d)", ErrThresholds, t.Vigilance, t.Alert)
	}
	return nil
}

// Level returns the level of a score.
func (t Thresholds) Level(score int) Level {
	switch {
	case score < t.Vigilance:
		return LevelNone
	case score <= t.Alert:
		return LevelVigilance
	default:
		return LevelCallBack
	}
}
