package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/ccicma/platform/pkg/audit"

	"github.com/ccicma/platform/services/difficulty-alert/internal/domain/access"
	"github.com/ccicma/platform/services/difficulty-alert/internal/domain/prevention"
)

const caseColumns = `case_id, source, coalesce(request_id::text, ''), chamber, coalesce(secondary_chamber, ''), advisor_ids, status, level,
	coalesce(score, 0), kinds, coalesce(questionnaire_version, ''), coalesce(naf_code, ''), coalesce(naf_version, ''),
	departement, coalesce(epci, ''), coalesce(routing_rule, ''), coalesce(routing_reason, ''), coalesce(routing_rules_version, ''),
	out_of_territory, coalesce(creation_case_id::text, ''), coalesce(checkpoint, ''), reported_at, opened_at,
	coalesce(taken_by, ''), taken_at, coalesce(closed_by, ''), closed_at, coalesce(close_reason, ''), coalesce(siren, ''),
	coalesce(takeover_offer_id::text, '')`

func scanCase(r pgx.Row) (prevention.Case, error) {
	var c prevention.Case
	var id uuid.UUID
	var status, source, reason string
	var taken, closed *time.Time
	err := r.Scan(&id, &source, &c.RequestID, &c.Chamber, &c.SecondaryChamber, &c.AdvisorIDs, &status, &c.Level, &c.Score, &c.Kinds,
		&c.QuestionnaireVersion, &c.NAFCode, &c.NAFVersion, &c.Departement, &c.Routing.EPCI,
		&c.Routing.RuleID, &c.Routing.Reason, &c.Routing.RulesVersion, &c.Routing.OutOfTerritory,
		&c.CreationCaseID, &c.Checkpoint, &c.ReportedAt, &c.OpenedAt,
		&c.TakenBy, &taken, &c.ClosedBy, &closed, &reason, &c.SIREN, &c.TakeoverOfferID)
	if err != nil {
		return c, err
	}
	c.ID, c.Status, c.Source = id.String(), prevention.Status(status), prevention.Source(source)
	c.CloseReason = prevention.CloseReason(reason)
	if taken != nil {
		c.TakenAt = taken.UTC()
	}
	if closed != nil {
		c.ClosedAt = closed.UTC()
	}
	c.Routing.LeadChamber, c.Routing.SecondaryChamber = c.Chamber, c.SecondaryChamber
	c.ReportedAt, c.OpenedAt = c.ReportedAt.UTC(), c.OpenedAt.UTC()
	return c, nil
}

// Case implements app.CaseReader. An id that is not a UUID names no case.
func (s *Store) Case(ctx context.Context, id string) (prevention.Case, bool, error) {
	if _, err := uuid.Parse(id); err != nil {
		return prevention.Case{}, false, nil
	}
	c, err := scanCase(s.pool.QueryRow(ctx, `SELECT `+caseColumns+` FROM difficulty_cases WHERE case_id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return prevention.Case{}, false, nil
	}
	if err != nil {
		return prevention.Case{}, false, fmt.Errorf("get difficulty case: %w", err)
	}
	if c.Actions, err = readActions(ctx, s.pool, c.ID); err != nil {
		return prevention.Case{}, false, err
	}
	return c, true, nil
}

// VisibleCases implements app.CaseReader: the cases assigned to
// scope.AdvisorID, and those routed to scope.CellChamber when set, newest
// first (case ids are UUIDv7, so their order is the opening order).
func (s *Store) VisibleCases(ctx context.Context, scope access.Scope, before string, limit int) ([]prevention.Case, error) {
	var cursor *uuid.UUID
	if before != "" {
		id, err := uuid.Parse(before)
		if err != nil {
			return nil, fmt.Errorf("list difficulty cases: cursor %q is not a case id", before)
		}
		cursor = &id
	}
	rows, err := s.pool.Query(ctx, `SELECT `+caseColumns+` FROM difficulty_cases
		WHERE (advisor_ids @> ARRAY[$1::text] OR ($2 <> '' AND (chamber = $2 OR secondary_chamber = $2)))
		  AND ($3::uuid IS NULL OR case_id < $3)
		ORDER BY case_id DESC
		LIMIT $4`, scope.AdvisorID, scope.CellChamber, cursor, limit)
	if err != nil {
		return nil, fmt.Errorf("list difficulty cases: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (prevention.Case, error) { return scanCase(r) })
	if err != nil {
		return nil, fmt.Errorf("read difficulty cases: %w", err)
	}
	return out, nil
}

// DB is what the audit log runs on: a pool, a connection or a transaction.
type DB interface {
	audit.Execer
	audit.Querier
}

// Audit is the audit log in the service's schema (pkg/audit's table).
type Audit struct{ db DB }

// NewAudit returns the audit log over db.
func NewAudit(db DB) Audit { return Audit{db: db} }

// Record implements app.AuditLog.
func (a Audit) Record(ctx context.Context, entries ...audit.Entry) error {
	return audit.Record(ctx, a.db, entries...)
}

// Query implements app.AuditLog.
func (a Audit) Query(ctx context.Context, f audit.Filter) ([]audit.Entry, error) {
	return audit.Query(ctx, a.db, f)
}
