package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/ccicma/platform/pkg/events"
	"github.com/ccicma/platform/pkg/inbox"

	"github.com/ccicma/platform/services/intake/internal/app"
	"github.com/ccicma/platform/services/intake/internal/domain/notice"
)

// RecordSession implements app.Sessions: with the inbox claim of trigger,
// it keeps the registration and queues its confirmation, due now, and its
// reminder, due the day before the session (none when that is past). A
// request intake does not hold (or not yet) keeps nothing.
func (s *Store) RecordSession(ctx context.Context, trigger events.Event, requestID string, se notice.Session) error {
	_, err := inbox.Apply(ctx, s.pool, Consumer, trigger, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `INSERT INTO session_registrations
			(request_id, session_id, chamber, kind, title, starts_at, place, registered_at)
			SELECT request_id, $2, $3, $4, $5, $6, $7, now() FROM requests
			WHERE request_id = $1 AND anonymised_at IS NULL
			ON CONFLICT DO NOTHING`, requestID, se.ID, se.Chamber, se.Kind, se.Title, se.StartsAt, se.Place)
		if err != nil {
			return fmt.Errorf("record session registration: %w", err)
		}
		if tag.RowsAffected() == 0 || s.mail == nil {
			return nil
		}
		now := s.mail.now()
		confirm := notice.Key{RequestID: requestID, SessionID: se.ID}
		if _, err := tx.Exec(ctx, queueReceiptSQL, confirm.String(), now); err != nil {
			return fmt.Errorf("queue session confirmation: %w", err)
		}
		if remindAt := se.StartsAt.Add(-notice.ReminderLead); remindAt.After(now) {
			remind := notice.Key{RequestID: requestID, SessionID: se.ID, Reminder: true}
			if _, err := tx.Exec(ctx, queueReceiptSQL, remind.String(), remindAt); err != nil {
				return fmt.Errorf("queue session reminder: %w", err)
			}
		}
		return nil
	})
	return err
}

// MailSession implements app.MailContents: a session the request was
// registered to; found=false when its registration is gone.
func (s *Store) MailSession(ctx context.Context, requestID, sessionID string) (notice.Session, bool, error) {
	se := notice.Session{ID: sessionID}
	err := s.pool.QueryRow(ctx, `SELECT chamber, kind, title, starts_at, place FROM session_registrations
		WHERE request_id = $1 AND session_id = $2`, requestID, sessionID).
		Scan(&se.Chamber, &se.Kind, &se.Title, &se.StartsAt, &se.Place)
	if errors.Is(err, pgx.ErrNoRows) {
		return notice.Session{}, false, nil
	}
	if err != nil {
		return notice.Session{}, false, fmt.Errorf("load session %s for e-mail: %w", sessionID, err)
	}
	return se, true, nil
}

// registeredSessions reads the sessions a request was registered to,
// soonest first.
func (s *Store) registeredSessions(ctx context.Context, requestID string) ([]app.SessionView, error) {
	rows, err := s.pool.Query(ctx, `SELECT chamber, kind, title, starts_at, place FROM session_registrations
		WHERE request_id = $1 ORDER BY starts_at, session_id`, requestID)
	if err != nil {
		return nil, fmt.Errorf("load sessions of request: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (app.SessionView, error) {
		var v app.SessionView
		err := row.Scan(&v.Chamber, &v.Kind, &v.Title, &v.StartsAt, &v.Place)
		return v, err
	})
	if err != nil {
		return nil, fmt.Errorf("load sessions of request: %w", err)
	}
	return out, nil
}
