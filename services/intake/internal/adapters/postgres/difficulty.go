package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/ccicma/platform/pkg/events"

	"github.com/ccicma/platform/services/intake/internal/app"
	"github.com/ccicma/platform/services/intake/internal/domain/request"
)

// difficultyDetails is the stored report. Sensitive: Situation is the
// applicant's free text, which may speak of health or private life.
type difficultyDetails struct {
	Applicant   request.Applicant `json:"applicant"`
	SIRET       string            `json:"siret"`
	NAFCode     string            `json:"naf_code,omitempty"`
	CommuneCode string            `json:"commune_code"`
	Headcount   int               `json:"headcount"`
	Situation   string            `json:"situation"`
	Kinds       []string          `json:"kinds"`
	Answers     map[string]int    `json:"answers"`
}

// SaveDifficulty implements app.Requests: the report, and its score in
// difficulty_assessments, in the same transaction.
func (s *Store) SaveDifficulty(ctx context.Context, d request.Difficulty, idem *app.Idempotency, evs []events.Event) (string, error) {
	assess := func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO difficulty_assessments
			(request_id, questionnaire_version, score, level, vigilance_threshold, alert_threshold)
			VALUES ($1, $2, $3, $4, $5, $6)`,
			d.ID, request.QuestionnaireVersion, d.Score, string(d.Level), d.Thresholds.Vigilance, d.Thresholds.Alert); err != nil {
			return fmt.Errorf("insert difficulty assessment: %w", err)
		}
		return nil
	}
	return s.save(ctx, requestRow{
		id: d.ID, kind: request.KindDifficulty, naf: d.NAFCode, commune: d.Commune.Code, departement: d.Commune.Departement,
		routing: d.Routing, basis: d.RoutingBasis, submittedAt: d.SubmittedAt,
		details: difficultyDetails{
			Applicant: d.Applicant, SIRET: d.SIRET, NAFCode: d.NAFCode, CommuneCode: d.Commune.Code, Headcount: d.Headcount,
			Situation: d.Situation, Kinds: d.Kinds, Answers: d.Answers,
		},
	}, idem, evs, assess)
}
