package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/ccicma/platform/pkg/events"
	"github.com/ccicma/platform/pkg/outbox"
	"github.com/ccicma/platform/pkg/pgdb"

	"github.com/ccicma/platform/services/creation-support/internal/app"
	"github.com/ccicma/platform/services/creation-support/internal/domain/creation"
)

const sessionColumns = `s.session_id::text, s.chamber, s.kind, s.title, s.starts_at, s.place, s.capacity,
	coalesce((SELECT array_agg(r.case_id::text ORDER BY r.seq) FROM session_registrations r WHERE r.session_id = s.session_id), '{}')`

func scanSession(r pgx.CollectableRow) (creation.Session, error) {
	var s creation.Session
	err := r.Scan(&s.ID, &s.Chamber, &s.Kind, &s.Title, &s.StartsAt, &s.Place, &s.Capacity, &s.Registered)
	s.StartsAt = s.StartsAt.UTC()
	return s, err
}

// loadEnrolments reads the sessions a case is registered to, by date.
func loadEnrolments(ctx context.Context, q querier, caseID string) ([]creation.Enrolment, error) {
	rows, err := q.Query(ctx, `SELECT s.session_id::text, s.chamber, s.kind, s.title, s.starts_at, s.place
		FROM session_registrations r JOIN creation_sessions s ON s.session_id = r.session_id
		WHERE r.case_id = $1 ORDER BY s.starts_at, s.session_id`, caseID)
	if err != nil {
		return nil, fmt.Errorf("get case's sessions: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (creation.Enrolment, error) {
		var e creation.Enrolment
		err := r.Scan(&e.SessionID, &e.Chamber, &e.Kind, &e.Title, &e.StartsAt, &e.Place)
		e.StartsAt = e.StartsAt.UTC()
		return e, err
	})
	if err != nil {
		return nil, fmt.Errorf("read case's sessions: %w", err)
	}
	return out, nil
}

// AddSession implements app.SessionStore.
func (s *Store) AddSession(ctx context.Context, se creation.Session, by string, now time.Time) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO creation_sessions (session_id, chamber, kind, title, starts_at, place, capacity,
		created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		se.ID, se.Chamber, se.Kind, se.Title, se.StartsAt, se.Place, se.Capacity, by, now)
	if err != nil {
		return fmt.Errorf("insert session: %w", err)
	}
	return nil
}

// Sessions implements app.SessionStore.
func (s *Store) Sessions(ctx context.Context, chamber, kind string, from time.Time) ([]creation.Session, error) {
	return querySessions(ctx, s.pool, chamber, kind, from, "")
}

func querySessions(ctx context.Context, q querier, chamber, kind string, from time.Time, except string) ([]creation.Session, error) {
	rows, err := q.Query(ctx, `SELECT `+sessionColumns+` FROM creation_sessions s
		WHERE s.chamber = $1 AND ($2 = '' OR s.kind = $2) AND s.starts_at > $3 AND s.session_id::text <> $4
		ORDER BY s.starts_at, s.session_id LIMIT 200`, chamber, kind, from, except)
	if err != nil {
		return nil, fmt.Errorf("list sessions: %w", err)
	}
	out, err := pgx.CollectRows(rows, scanSession)
	if err != nil {
		return nil, fmt.Errorf("read sessions: %w", err)
	}
	return out, nil
}

// Enrol implements app.SessionStore. The session row's lock serialises
// registrations, so its capacity holds under concurrent ones.
func (s *Store) Enrol(ctx context.Context, sessionID, caseID string,
	enrol func(*creation.Session, creation.Case, []creation.Session) ([]events.Event, error)) (creation.Session, error) {
	if _, err := uuid.Parse(sessionID); err != nil {
		return creation.Session{}, app.ErrSessionNotFound
	}
	if _, err := uuid.Parse(caseID); err != nil {
		return creation.Session{}, creation.ErrCaseNotFound
	}
	var out creation.Session
	err := pgdb.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT `+sessionColumns+` FROM creation_sessions s WHERE s.session_id = $1 FOR UPDATE`, sessionID)
		if err != nil {
			return fmt.Errorf("read session: %w", err)
		}
		se, err := pgx.CollectExactlyOneRow(rows, scanSession)
		if errors.Is(err, pgx.ErrNoRows) {
			return app.ErrSessionNotFound
		} else if err != nil {
			return fmt.Errorf("read session: %w", err)
		}
		c, found, err := loadCase(ctx, tx, `case_id = $1`, caseID, false)
		if err != nil {
			return err
		}
		if !found {
			return creation.ErrCaseNotFound
		}
		later, err := querySessions(ctx, tx, se.Chamber, se.Kind, se.StartsAt, se.ID)
		if err != nil {
			return err
		}
		evs, err := enrol(&se, c, later)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO session_registrations (session_id, case_id, registered_at) VALUES ($1, $2, $3)`,
			se.ID, caseID, time.Now().UTC()); err != nil {
			return fmt.Errorf("register case: %w", err)
		}
		out = se
		return outbox.Add(ctx, tx, evs...)
	})
	if err != nil {
		return creation.Session{}, err
	}
	pgdb.AfterCommit(ctx, s.relay.Wake)
	return out, nil
}
