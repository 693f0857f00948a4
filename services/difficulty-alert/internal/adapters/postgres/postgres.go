// Package postgres stores difficulty-alert's prevention cases, its
// projection of the advisor directory and its audit log. Every write
// caused by an event commits together with the inbox claim of that event
// and the outbox rows of the events it emits.
package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ccicma/platform/pkg/directory/projection"
	"github.com/ccicma/platform/pkg/events"
	"github.com/ccicma/platform/pkg/inbox"
	"github.com/ccicma/platform/pkg/outbox"
	"github.com/ccicma/platform/pkg/pgdb"

	"github.com/ccicma/platform/services/difficulty-alert/internal/app"
	"github.com/ccicma/platform/services/difficulty-alert/internal/domain/prevention"
)

// Consumer names this service in inbox rows: its name (app.Name).
const Consumer = app.Name

// Store is the Postgres adapter.
type Store struct {
	pool  *pgxpool.Pool
	relay outbox.Waker
}

// New returns a store over pool.
func New(pool *pgxpool.Pool, relay outbox.Waker) *Store { return &Store{pool: pool, relay: relay} }

// OpenCase implements app.Cases. Within a batch the candidates' loads are
// read once and counted once (projection.Counter).
func (s *Store) OpenCase(ctx context.Context, trigger events.Event, r prevention.Report,
	decide func([]prevention.Candidate) (prevention.Case, []events.Event, error)) (bool, error) {
	applied, err := inbox.Apply(ctx, s.pool, Consumer, trigger, func(tx pgx.Tx) error {
		loads := projection.CounterOf(ctx)
		var candidates []prevention.Candidate
		for _, chamber := range r.Chambers() {
			cs, err := loads.Loads(ctx, tx, chamber, r.Departement)
			if err != nil {
				return err
			}
			candidates = append(candidates, cs...)
		}
		c, evs, err := decide(candidates)
		if err != nil {
			return err
		}
		opened, err := insertLinkedCase(ctx, tx, c)
		if err != nil || !opened {
			return err
		}
		if err := outbox.Add(ctx, tx, evs...); err != nil {
			return err
		}
		return loads.Assign(ctx, tx, c.AdvisorIDs...)
	})
	if applied {
		pgdb.AfterCommit(ctx, s.relay.Wake)
	}
	return applied, err
}

// selfReport holds the columns only a self report has; all NULL for an
// advisor's observation (the table's CHECK requires it). An advisor's
// concern (a creation or a takeover advisor's) has kinds (its codes),
// which are not among them.
type selfReport struct {
	score                       *int
	questionnaire, rule, reason *string
}

func selfReportOf(c prevention.Case) selfReport {
	if !c.SelfReport() {
		return selfReport{}
	}
	return selfReport{score: &c.Score, questionnaire: &c.QuestionnaireVersion, rule: &c.Routing.RuleID, reason: &c.Routing.Reason}
}

// insertLinkedCase stores a case of a request with its business when a
// signal of the request named it first (the confidential stream raced
// ahead) and the business has no open case (businessOfRequest). Should
// another case of the business open meanwhile, the case is stored
// without it.
func insertLinkedCase(ctx context.Context, tx pgx.Tx, c prevention.Case) (bool, error) {
	if c.SIREN != "" || c.RequestID == "" {
		return insertCase(ctx, tx, c)
	}
	if err := lockRequest(ctx, tx, c.RequestID); err != nil {
		return false, err
	}
	siren, err := businessOfRequest(ctx, tx, c.RequestID)
	if err != nil || siren == "" {
		if err != nil {
			return false, err
		}
		return insertCase(ctx, tx, c)
	}
	linked := c
	linked.SIREN = siren
	if opened, err := insertCase(ctx, tx, linked); err != nil || opened {
		return opened, err
	}
	return insertCase(ctx, tx, c)
}

// insertCase stores the case unless its request (or its business) already
// has an open one: a report replayed after its inbox row was pruned, a
// second checkpoint with difficulties of the same creation case, a
// concern about it, or a second concern about the same takeover offer,
// opens no second case
// while the first is open (the partial unique indexes of
// migration 006; ON CONFLICT without a target covers both). Once the case
// is closed, a new report of the request opens a new case.
func insertCase(ctx context.Context, tx pgx.Tx, c prevention.Case) (opened bool, err error) {
	advisors, kinds := c.AdvisorIDs, c.Kinds
	if advisors == nil {
		advisors = []string{}
	}
	if kinds == nil {
		kinds = []string{}
	}
	sr := selfReportOf(c)
	tag, err := tx.Exec(ctx, `INSERT INTO difficulty_cases
		(case_id, request_id, chamber, secondary_chamber, advisor_ids, status, level, score, kinds, questionnaire_version,
		 naf_code, naf_version, departement, epci, routing_rule, routing_reason, routing_rules_version, out_of_territory,
		 reported_at, opened_at, updated_at, source, creation_case_id, checkpoint, siren, takeover_offer_id)
		VALUES ($1, NULLIF($2, '')::uuid, $3, NULLIF($4, ''), $5, $6, $7, $8, $9, $10,
		 NULLIF($11, ''), NULLIF($12, ''), $13, NULLIF($14, ''), $15, $16, NULLIF($17, ''), $18,
		 $19, $20, $20, $21, NULLIF($22, '')::uuid, NULLIF($23, ''), NULLIF($24, ''), NULLIF($25, '')::uuid)
		ON CONFLICT DO NOTHING`,
		c.ID, c.RequestID, c.Chamber, c.SecondaryChamber, advisors, string(c.Status), c.Level, sr.score, kinds,
		sr.questionnaire, c.NAFCode, c.NAFVersion, c.Departement, c.Routing.EPCI, sr.rule, sr.reason,
		c.Routing.RulesVersion, c.Routing.OutOfTerritory, c.ReportedAt, c.OpenedAt,
		string(c.Source), c.CreationCaseID, c.Checkpoint, c.SIREN, c.TakeoverOfferID)
	if err != nil {
		return false, fmt.Errorf("insert difficulty case: %w", err)
	}
	return tag.RowsAffected() == 1, nil
}

// UpsertAdvisor implements projection.Advisors: a stale revision changes
// nothing.
func (s *Store) UpsertAdvisor(ctx context.Context, a prevention.Advisor) error {
	return projection.Apply(ctx, s.pool, a)
}
