package postgres

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/ccicma/platform/pkg/audit"
	"github.com/ccicma/platform/pkg/directory/projection"
	"github.com/ccicma/platform/pkg/outbox"
	"github.com/ccicma/platform/pkg/pgdb"

	"github.com/ccicma/platform/services/difficulty-alert/internal/app"
	"github.com/ccicma/platform/services/difficulty-alert/internal/domain/prevention"
)

// ChangeCase implements app.CaseChanges. An id that is not a UUID names no
// case.
func (s *Store) ChangeCase(ctx context.Context, id string,
	change func(c *prevention.Case) (app.Change, error)) (prevention.Case, bool, error) {
	if _, err := uuid.Parse(id); err != nil {
		return prevention.Case{}, false, nil
	}
	var out prevention.Case
	found := false
	err := pgdb.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		c, err := scanCase(tx.QueryRow(ctx, `SELECT `+caseColumns+` FROM difficulty_cases WHERE case_id = $1 FOR UPDATE`, id))
		if errors.Is(err, pgx.ErrNoRows) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("lock difficulty case: %w", err)
		}
		found = true
		if c.Actions, err = readActions(ctx, tx, c.ID); err != nil {
			return err
		}
		wasOpen, advisors, actions := c.Open(), slices.Clone(c.AdvisorIDs), len(c.Actions)
		ch, err := change(&c)
		if err != nil {
			return err
		}
		if err := saveLifecycle(ctx, tx, c); err != nil {
			return err
		}
		for _, a := range c.Actions[actions:] {
			if err := insertAction(ctx, tx, c.ID, a); err != nil {
				return err
			}
		}
		if err := projection.AddCases(ctx, tx, loadChange(wasOpen, advisors, c)); err != nil {
			return err
		}
		if err := outbox.Add(ctx, tx, ch.Events...); err != nil {
			return err
		}
		if ch.Audit != nil {
			if err := audit.Record(ctx, tx, *ch.Audit); err != nil {
				return fmt.Errorf("%w: %w", app.ErrNotAudited, err)
			}
		}
		out = c
		return nil
	})
	if err != nil || !found {
		return prevention.Case{}, found, err
	}
	pgdb.AfterCommit(ctx, s.relay.Wake)
	return out, true, nil
}

// loadChange is how the advisors' loads (their open cases) move: an
// advisor joining an open case counts it, one leaving it (a hand-back)
// no longer does, a case closing is no longer counted for any of its
// advisors.
func loadChange(wasOpen bool, before []string, c prevention.Case) map[string]int {
	n := map[string]int{}
	if !wasOpen {
		return n
	}
	for _, id := range c.AdvisorIDs {
		if !slices.Contains(before, id) {
			n[id]++
		}
	}
	for _, id := range before {
		if !slices.Contains(c.AdvisorIDs, id) {
			n[id]--
		}
	}
	if !c.Open() {
		for _, id := range c.AdvisorIDs {
			n[id]--
		}
	}
	return n
}

func saveLifecycle(ctx context.Context, tx pgx.Tx, c prevention.Case) error {
	advisors := c.AdvisorIDs
	if advisors == nil {
		advisors = []string{}
	}
	var taken, closed *time.Time
	if !c.TakenAt.IsZero() {
		taken = &c.TakenAt
	}
	if !c.ClosedAt.IsZero() {
		closed = &c.ClosedAt
	}
	_, err := tx.Exec(ctx, `UPDATE difficulty_cases SET status = $2, advisor_ids = $3, taken_by = NULLIF($4, ''), taken_at = $5,
		closed_by = NULLIF($6, ''), closed_at = $7, close_reason = NULLIF($8, ''), updated_at = now()
		WHERE case_id = $1`,
		c.ID, string(c.Status), advisors, c.TakenBy, taken, c.ClosedBy, closed, string(c.CloseReason))
	if err != nil {
		return fmt.Errorf("update difficulty case: %w", err)
	}
	return nil
}

func insertAction(ctx context.Context, tx pgx.Tx, caseID string, a prevention.Action) error {
	_, err := tx.Exec(ctx, `INSERT INTO case_actions (action_id, case_id, kind, occurred_on, advisor_id, outcome, outcome_text, recorded_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		a.ID, caseID, string(a.Kind), a.OccurredOn, a.AdvisorID, string(a.Outcome), a.OutcomeText, a.RecordedAt)
	if err != nil {
		return fmt.Errorf("insert case action: %w", err)
	}
	return nil
}

// querier is a pool or a transaction.
type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

// readActions reads a case's actions, in the order they happened.
func readActions(ctx context.Context, db querier, caseID string) ([]prevention.Action, error) {
	rows, err := db.Query(ctx, `SELECT action_id::text, kind, occurred_on, advisor_id, outcome, outcome_text, recorded_at
		FROM case_actions WHERE case_id = $1 ORDER BY occurred_on, recorded_at, action_id`, caseID)
	if err != nil {
		return nil, fmt.Errorf("read case actions: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (prevention.Action, error) {
		var a prevention.Action
		var kind, outcome string
		err := r.Scan(&a.ID, &kind, &a.OccurredOn, &a.AdvisorID, &outcome, &a.OutcomeText, &a.RecordedAt)
		a.Kind, a.Outcome, a.RecordedAt = prevention.ActionKind(kind), prevention.Outcome(outcome), a.RecordedAt.UTC()
		return a, err
	})
	if err != nil {
		return nil, fmt.Errorf("read case actions: %w", err)
	}
	return out, nil
}

// Loads implements app.Loads: the chamber's advisors covering the
// département, with their loads.
func (s *Store) Loads(ctx context.Context, chamber, departement string) ([]prevention.Candidate, error) {
	return projection.Loads(ctx, s.pool, chamber, departement)
}
