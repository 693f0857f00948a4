package postgres

import (
	"cmp"
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/ccicma/platform/pkg/pgdb"

	"github.com/ccicma/platform/services/advisor-desk/internal/app"
	"github.com/ccicma/platform/services/advisor-desk/internal/domain/notification"
	"github.com/ccicma/platform/services/advisor-desk/internal/domain/reminder"
)

// ReminderConsumer names the reminder reactions in inbox rows: they see
// the same events as the notifications, and claim them apart.
const ReminderConsumer = app.Name + "/reminders"

// reminderSpace derives the source_event of a fired timer's notifications
// from the timer's id, so a timer can never notify twice even if it were
// claimed twice (the notifications' unique key).
var reminderSpace = uuid.MustParse("5b0a8f52-4c1e-4a43-9d55-8a3c1f3e7b21")

// FireDueReminders claims up to limit timers due at now (SKIP LOCKED:
// replicas share them, each timer held by one), stores the notification
// each calls for (and so its e-mail) and marks it fired, in one
// transaction: a timer fires once, and a crash before commit leaves it
// pending for the next run. It returns the timers fired and the advisors
// notified.
func (s *Store) FireDueReminders(ctx context.Context, now time.Time, limit int,
	notice func(reminder.Timer) reminder.Notice) (fired int, notified []string, err error) {
	err = pgdb.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		timers, ids, err := dueTimers(ctx, tx, now, limit)
		if err != nil {
			return err
		}
		for i, t := range timers {
			to, err := s.fireTimer(ctx, tx, ids[i], notice(t), now)
			if err != nil {
				return err
			}
			notified = append(notified, to...)
		}
		fired = len(timers)
		return nil
	})
	if err != nil {
		return 0, nil, fmt.Errorf("fire reminders: %w", err)
	}
	return fired, notified, nil
}

func dueTimers(ctx context.Context, tx pgx.Tx, now time.Time, limit int) ([]reminder.Timer, []int64, error) {
	rows, err := tx.Query(ctx, `SELECT id, case_kind, case_id, generation, stage, chamber, departement, advisor_id, started_at, due_at
		FROM reminder_timers WHERE status = 'pending' AND due_at <= $1
		ORDER BY due_at, id LIMIT $2 FOR UPDATE SKIP LOCKED`, now, limit)
	if err != nil {
		return nil, nil, fmt.Errorf("claim due reminders: %w", err)
	}
	defer rows.Close()
	var ts []reminder.Timer
	var ids []int64
	for rows.Next() {
		var t reminder.Timer
		var id int64
		if err := rows.Scan(&id, &t.Ref.Kind, &t.Ref.ID, &t.Generation, &t.Stage, &t.Ref.Chamber, &t.Ref.Departement,
			&t.AdvisorID, &t.StartedAt, &t.DueAt); err != nil {
			return nil, nil, fmt.Errorf("read due reminder: %w", err)
		}
		ts, ids = append(ts, t), append(ids, id)
	}
	return ts, ids, rows.Err()
}

func (s *Store) fireTimer(ctx context.Context, tx pgx.Tx, id int64, n reminder.Notice, now time.Time) ([]string, error) {
	to, err := reminderRecipients(ctx, tx, n)
	if err != nil {
		return nil, err
	}
	source := uuid.NewSHA1(reminderSpace, []byte(strconv.FormatInt(id, 10))).String()
	if err := insertNotifications(ctx, tx, to, n.Draft, source, now); err != nil {
		return nil, err
	}
	if err := s.enqueueMails(ctx, tx, []string{source}); err != nil {
		return nil, err
	}
	if _, err := tx.Exec(ctx, `UPDATE reminder_timers SET status = 'fired', fired_at = $2, recipients = $3 WHERE id = $1`,
		id, now, len(to)); err != nil {
		return nil, fmt.Errorf("mark reminder fired: %w", err)
	}
	return to, nil
}

// reminderRecipients resolves who hears of a fired timer and takes their
// inbox locks (see queueRecipients): the advisor, or the active managers
// (for a prevention case, the prevention cell members) of the chamber
// covering the case's département, or else all of the chamber's. Nobody (an advisor gone from the directory, a
// chamber without manager) leaves the timer fired with no notification.
func reminderRecipients(ctx context.Context, tx pgx.Tx, n reminder.Notice) ([]string, error) {
	var rows pgx.Rows
	var err error
	to := n.Draft.To
	if n.ToManagers {
		rows, err = tx.Query(ctx, `WITH managers AS (
				SELECT advisor_id, departements FROM advisors
				WHERE chamber = $2 AND active AND $4 = ANY(roles)
			), chosen AS (
				SELECT advisor_id FROM managers WHERE $3 = ANY(departements)
				UNION ALL
				SELECT advisor_id FROM managers WHERE NOT EXISTS (SELECT 1 FROM managers WHERE $3 = ANY(departements))
			)
			SELECT advisor_id, pg_advisory_xact_lock_shared($1, hashtext(advisor_id)) FROM chosen ORDER BY advisor_id`,
			inboxLockSpace, to.Chamber, to.Departement, cmp.Or(to.Role, notification.RoleManager))
	} else {
		rows, err = tx.Query(ctx, `SELECT advisor_id, pg_advisory_xact_lock_shared($1, hashtext(advisor_id))
			FROM advisors WHERE advisor_id = $2`, inboxLockSpace, to.AdvisorID)
	}
	if err != nil {
		return nil, fmt.Errorf("find reminder recipients: %w", err)
	}
	ids, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (string, error) {
		var id string
		var locked any
		err := r.Scan(&id, &locked)
		return id, err
	})
	if err != nil {
		return nil, fmt.Errorf("read reminder recipients: %w", err)
	}
	return ids, nil
}

// insertNotifications stores one notification of d per advisor, keyed by
// (source, advisor) like those of events.
func insertNotifications(ctx context.Context, tx pgx.Tx, advisorIDs []string, d notification.Draft, source string, at time.Time) error {
	if len(advisorIDs) == 0 {
		return nil
	}
	nids := make([]uuid.UUID, len(advisorIDs))
	for i := range nids {
		var err error
		if nids[i], err = uuid.NewV7(); err != nil {
			return fmt.Errorf("notification id: %w", err)
		}
	}
	if _, err := tx.Exec(ctx, `INSERT INTO notifications
		(notification_id, advisor_id, kind, title, body, link, source_event, created_at)
		SELECT n, a, $3, $4, $5, $6, $7, $8 FROM unnest($1::uuid[], $2::text[]) AS r(n, a)
		ON CONFLICT (source_event, advisor_id) DO NOTHING`,
		nids, advisorIDs, d.Kind, d.Title, d.Body, d.Link, source, at); err != nil {
		return fmt.Errorf("insert reminder notifications: %w", err)
	}
	return nil
}
