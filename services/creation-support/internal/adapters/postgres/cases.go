package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/ccicma/platform/pkg/directory/projection"
	"github.com/ccicma/platform/pkg/events"
	"github.com/ccicma/platform/pkg/outbox"
	"github.com/ccicma/platform/pkg/pgdb"

	"github.com/ccicma/platform/services/creation-support/internal/app"
	"github.com/ccicma/platform/services/creation-support/internal/domain/creation"
)

const caseColumns = `case_id, request_id, chamber, coalesce(secondary_chamber, ''), coalesce(advisor_id, ''),
	stage, coalesce(naf_code, ''), coalesce(naf_version, ''), commune_code, departement, coalesce(epci, ''), routing_rule, opened_at, taken_at, updated_at,
	facts, coalesce(outcome, ''), coalesce(outcome_reason, ''), outcome_at,
	coalesce(next_label, ''), next_due, coalesce(next_set_by, ''), next_set_at`

// querier is what reads need of a pool or a transaction.
type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

func scanCase(r pgx.Row) (creation.Case, error) {
	var c creation.Case
	var stage string
	var taken, outcomeAt, nextDue, nextSetAt *time.Time
	err := r.Scan(&c.ID, &c.RequestID, &c.Chamber, &c.SecondaryChamber, &c.AdvisorID, &stage, &c.NAFCode, &c.NAFVersion,
		&c.CommuneCode, &c.Departement, &c.EPCI, &c.RoutingRule, &c.OpenedAt, &taken, &c.UpdatedAt,
		&c.Facts, &c.Outcome.Kind, &c.Outcome.Reason, &outcomeAt,
		&c.Next.Label, &nextDue, &c.Next.SetBy, &nextSetAt)
	if err != nil {
		return c, err
	}
	c.Stage = creation.Stage(stage)
	c.OpenedAt, c.UpdatedAt = c.OpenedAt.UTC(), c.UpdatedAt.UTC()
	c.TakenAt, c.Outcome.At, c.Next.Due, c.Next.SetAt = utc(taken), utc(outcomeAt), utc(nextDue), utc(nextSetAt)
	return c, nil
}

// utc reads a nullable timestamp: zero for NULL.
func utc(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return t.UTC()
}

// loadCase reads a case with its hand-backs, timeline, checkpoints,
// concerns and sessions; lock takes the row lock a change needs.
func loadCase(ctx context.Context, q querier, where string, arg string, lock bool) (creation.Case, bool, error) {
	sql := `SELECT ` + caseColumns + ` FROM creation_cases WHERE ` + where
	if lock {
		sql += ` FOR UPDATE`
	}
	c, err := scanCase(q.QueryRow(ctx, sql, arg))
	if errors.Is(err, pgx.ErrNoRows) {
		return creation.Case{}, false, nil
	}
	if err != nil {
		return creation.Case{}, false, fmt.Errorf("get case: %w", err)
	}
	rows, err := q.Query(ctx, `SELECT advisor_id, chamber, reason, comment, to_other, handed_back_at
		FROM case_hand_backs WHERE case_id = $1 ORDER BY seq`, c.ID)
	if err != nil {
		return c, false, fmt.Errorf("get hand-backs: %w", err)
	}
	c.HandBacks, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (creation.HandBack, error) {
		var h creation.HandBack
		err := r.Scan(&h.AdvisorID, &h.Chamber, &h.Reason, &h.Comment, &h.ToOtherChamber, &h.At)
		h.At = h.At.UTC()
		return h, err
	})
	if err != nil {
		return c, false, fmt.Errorf("read hand-backs: %w", err)
	}
	if c.Timeline, err = loadTimeline(ctx, q, c.ID); err != nil {
		return c, false, err
	}
	if c.Checkpoints, err = loadCheckpoints(ctx, q, c.ID); err != nil {
		return c, false, err
	}
	if c.Sessions, err = loadEnrolments(ctx, q, c.ID); err != nil {
		return c, false, err
	}
	if c.Concerns, err = loadConcerns(ctx, q, c.ID); err != nil {
		return c, false, err
	}
	return c, true, nil
}

// CaseByRequest returns the case opened for a request.
func (s *Store) CaseByRequest(ctx context.Context, requestID string) (creation.Case, bool, error) {
	if _, err := uuid.Parse(requestID); err != nil {
		return creation.Case{}, false, nil
	}
	return loadCase(ctx, s.pool, `request_id = $1`, requestID, false)
}

// Case implements app.CaseReader.
func (s *Store) Case(ctx context.Context, caseID string) (creation.Case, bool, error) {
	if _, err := uuid.Parse(caseID); err != nil {
		return creation.Case{}, false, nil // not an id this service gives
	}
	return loadCase(ctx, s.pool, `case_id = $1`, caseID, false)
}

// ListCases implements app.CaseReader. The scope's conditions are those of
// access.Scope.Sees.
func (s *Store) ListCases(ctx context.Context, q app.CaseQuery) ([]creation.Case, error) {
	var after *string
	if q.After != "" {
		after = &q.After
	}
	rows, err := s.pool.Query(ctx, `SELECT `+caseColumns+` FROM creation_cases
		WHERE (chamber = $1 OR secondary_chamber = $2 OR advisor_id = $3)
		  AND ($4 = '' OR stage = $4) AND ($5 = '' OR advisor_id = $5) AND ($6::uuid IS NULL OR case_id > $6::uuid)
		  AND ($8 = '' OR CASE WHEN stage IN ('opened', 'closed') THEN stage ELSE 'in_progress' END = $8)
		ORDER BY case_id LIMIT $7`,
		q.Scope.Lead, q.Scope.Shared, q.Scope.Subject, string(q.Stage), q.AdvisorID, after, q.Limit, q.Status)
	if err != nil {
		return nil, fmt.Errorf("list cases: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (creation.Case, error) { return scanCase(r) })
	if err != nil {
		return nil, fmt.Errorf("read cases: %w", err)
	}
	return out, nil
}

// Update implements app.CaseChanges. The case row is locked first, then
// the advisors' loads are changed in advisor order (as openings do), so
// changes and openings cannot deadlock.
func (s *Store) Update(ctx context.Context, caseID string,
	change func(*creation.Case, app.Directory) ([]events.Event, error)) (creation.Case, error) {
	if _, err := uuid.Parse(caseID); err != nil {
		return creation.Case{}, creation.ErrCaseNotFound
	}
	var out creation.Case
	err := pgdb.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		c, found, err := loadCase(ctx, tx, `case_id = $1`, caseID, true)
		if err != nil {
			return err
		}
		if !found {
			return creation.ErrCaseNotFound
		}
		prevHolder, prev := loadHolder(c), savedLengths{handBacks: len(c.HandBacks), timeline: len(c.Timeline), concerns: len(c.Concerns)}
		evs, err := change(&c, txDirectory{tx})
		if err != nil {
			return err
		}
		if err := saveCase(ctx, tx, c, prev); err != nil {
			return err
		}
		if err := moveLoad(ctx, tx, prevHolder, loadHolder(c)); err != nil {
			return err
		}
		if err := outbox.Add(ctx, tx, evs...); err != nil {
			return err
		}
		out = c
		return nil
	})
	if err != nil {
		return creation.Case{}, err
	}
	pgdb.AfterCommit(ctx, s.relay.Wake)
	return out, nil
}

// savedLengths are how many hand-backs, stage changes and concerns the
// case had when it was read: the ones after are new and inserted.
type savedLengths struct{ handBacks, timeline, concerns int }

// saveCase writes the case's mutable columns, its new hand-backs, stage
// changes and concerns, and its checkpoints.
func saveCase(ctx context.Context, tx pgx.Tx, c creation.Case, prev savedLengths) error {
	if _, err := tx.Exec(ctx, `UPDATE creation_cases SET chamber = $2, secondary_chamber = NULLIF($3, ''),
		advisor_id = NULLIF($4, ''), stage = $5, taken_at = $6, updated_at = $7, facts = $8,
		outcome = NULLIF($9, ''), outcome_reason = NULLIF($10, ''), outcome_at = $11,
		next_reminded_at = CASE WHEN next_label IS NOT DISTINCT FROM NULLIF($12, '') AND next_due IS NOT DISTINCT FROM $13
			THEN next_reminded_at END,
		next_label = NULLIF($12, ''), next_due = $13, next_set_by = NULLIF($14, ''), next_set_at = $15
		WHERE case_id = $1`,
		c.ID, c.Chamber, c.SecondaryChamber, c.AdvisorID, string(c.Stage), nullTime(c.TakenAt), c.UpdatedAt, c.Facts,
		c.Outcome.Kind, c.Outcome.Reason, nullTime(c.Outcome.At),
		c.Next.Label, nullTime(c.Next.Due), c.Next.SetBy, nullTime(c.Next.SetAt)); err != nil {
		return fmt.Errorf("update case: %w", err)
	}
	for i := prev.handBacks; i < len(c.HandBacks); i++ {
		h := c.HandBacks[i]
		if _, err := tx.Exec(ctx, `INSERT INTO case_hand_backs
			(case_id, seq, advisor_id, chamber, reason, comment, to_other, handed_back_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
			c.ID, i+1, h.AdvisorID, h.Chamber, h.Reason, h.Comment, h.ToOtherChamber, h.At); err != nil {
			return fmt.Errorf("insert hand-back: %w", err)
		}
	}
	if err := saveTimeline(ctx, tx, c, prev.timeline); err != nil {
		return err
	}
	if err := saveConcerns(ctx, tx, c, prev.concerns); err != nil {
		return err
	}
	return saveCheckpoints(ctx, tx, c)
}

// loadHolder is the advisor whose load counts the case: its advisor while
// it is open, nobody once it is closed (a closed case frees a place).
func loadHolder(c creation.Case) string {
	if c.Stage == creation.StageClosed {
		return ""
	}
	return c.AdvisorID
}

// moveLoad counts the case out of the previous holder's load and into the
// new one's.
func moveLoad(ctx context.Context, tx pgx.Tx, from, to string) error {
	if from == to {
		return nil
	}
	counts := map[string]int{}
	if from != "" {
		counts[from]--
	}
	if to != "" {
		counts[to]++
	}
	return projection.AddCases(ctx, tx, counts)
}

// txDirectory reads the advisor projection within a change's transaction.
type txDirectory struct{ tx pgx.Tx }

// Candidates implements app.Directory.
func (d txDirectory) Candidates(ctx context.Context, chamber, dept string) ([]creation.AdvisorLoad, error) {
	return loadCandidates(ctx, d.tx, chamber, dept)
}

// Advisor implements app.Directory.
func (d txDirectory) Advisor(ctx context.Context, id string) (creation.Advisor, bool, error) {
	return projection.Get(ctx, d.tx, id)
}

// Advisor returns an advisor of the projection.
func (s *Store) Advisor(ctx context.Context, id string) (creation.Advisor, bool, error) {
	return projection.Get(ctx, s.pool, id)
}

// EraseComments implements app.Comments: the advisors' free text written
// before the horizon (hand-back and stage-change comments, notes), which
// may name the applicant, is emptied; codes and dates stay.
func (s *Store) EraseComments(ctx context.Context, before time.Time) (int64, error) {
	var erased int64
	for _, sql := range []string{
		`UPDATE case_hand_backs SET comment = '' WHERE handed_back_at < $1 AND comment <> ''`,
		`UPDATE case_stage_changes SET comment = '' WHERE changed_at < $1 AND comment <> ''`,
		`UPDATE case_notes SET body = '' WHERE written_at < $1 AND body <> ''`,
	} {
		tag, err := s.pool.Exec(ctx, sql, before)
		if err != nil {
			return erased, fmt.Errorf("erase comments: %w", err)
		}
		erased += tag.RowsAffected()
	}
	return erased, nil
}
