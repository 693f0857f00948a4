// Package postgres stores advisor-desk's directory and notifications. Each
// write commits with the inbox claim of its triggering event and the outbox
// rows of the events it emits.
package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ccicma/platform/pkg/events"
	"github.com/ccicma/platform/pkg/inbox"
	"github.com/ccicma/platform/pkg/outbox"
	"github.com/ccicma/platform/pkg/pgdb"

	"github.com/ccicma/platform/services/advisor-desk/internal/domain/directory"
	"github.com/ccicma/platform/services/advisor-desk/internal/domain/notification"
)

// Consumer names this service in inbox rows.
const Consumer = "advisor-desk"

// Waker is told after a commit that wrote outbox rows (the relay).
type Waker interface{ Wake() }

// Store is the Postgres adapter.
type Store struct {
	pool  *pgxpool.Pool
	relay Waker
	mail  *mailSettings // nil: e-mail disabled (see EnableMail)
}

// New returns a store over pool.
func New(pool *pgxpool.Pool, relay Waker) *Store { return &Store{pool: pool, relay: relay} }

// SaveAdvisor implements app.Directory.
func (s *Store) SaveAdvisor(ctx context.Context, id string,
	change func(directory.Advisor, bool) (directory.Advisor, []events.Event, bool, error)) error {
	wrote := false
	err := pgdb.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		cur, found, err := lockAdvisor(ctx, tx, id)
		if err != nil {
			return err
		}
		next, evs, ok, err := change(cur, found)
		if err != nil || !ok {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO advisors
			(advisor_id, revision, chamber, full_name, email, departements, specialities, capacity, active, roles, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, now())
			ON CONFLICT (advisor_id) DO UPDATE SET revision = EXCLUDED.revision, chamber = EXCLUDED.chamber,
				full_name = EXCLUDED.full_name, email = EXCLUDED.email, departements = EXCLUDED.departements,
				specialities = EXCLUDED.specialities, capacity = EXCLUDED.capacity, active = EXCLUDED.active,
				roles = EXCLUDED.roles, updated_at = now()`,
			next.AdvisorID, next.Revision, next.Chamber, next.FullName, next.Email, next.Departements,
			next.Specialities, next.Capacity, next.Active, next.Roles); err != nil {
			return fmt.Errorf("save advisor: %w", err)
		}
		wrote = len(evs) > 0
		return outbox.Add(ctx, tx, evs...)
	})
	if err == nil && wrote {
		s.relay.Wake()
	}
	return err
}

func lockAdvisor(ctx context.Context, tx pgx.Tx, id string) (directory.Advisor, bool, error) {
	var a directory.Advisor
	err := tx.QueryRow(ctx, `SELECT advisor_id, revision, chamber, full_name, email, departements, specialities, capacity, active, roles
		FROM advisors WHERE advisor_id = $1 FOR UPDATE`, id).
		Scan(&a.AdvisorID, &a.Revision, &a.Chamber, &a.FullName, &a.Email, &a.Departements, &a.Specialities, &a.Capacity,
			&a.Active, &a.Roles)
	if errors.Is(err, pgx.ErrNoRows) {
		return directory.Advisor{}, false, nil
	}
	if err != nil {
		return directory.Advisor{}, false, fmt.Errorf("load advisor %s: %w", id, err)
	}
	return a, true, nil
}

// Advisor returns a directory entry.
func (s *Store) Advisor(ctx context.Context, id string) (directory.Advisor, bool, error) {
	var a directory.Advisor
	err := s.pool.QueryRow(ctx, `SELECT advisor_id, revision, chamber, full_name, email, departements, specialities, capacity, active, roles
		FROM advisors WHERE advisor_id = $1`, id).
		Scan(&a.AdvisorID, &a.Revision, &a.Chamber, &a.FullName, &a.Email, &a.Departements, &a.Specialities, &a.Capacity,
			&a.Active, &a.Roles)
	if errors.Is(err, pgx.ErrNoRows) {
		return directory.Advisor{}, false, nil
	}
	if err != nil {
		return directory.Advisor{}, false, fmt.Errorf("load advisor %s: %w", id, err)
	}
	return a, true, nil
}

// Store implements app.Notifications.
func (s *Store) Store(ctx context.Context, trigger events.Event, d notification.Draft, at time.Time) ([]string, error) {
	var notified []string
	_, err := inbox.Apply(ctx, s.pool, Consumer, trigger, func(tx pgx.Tx) error {
		ids, err := lockRecipients(ctx, tx, d.To)
		if err != nil {
			return err
		}
		nids := make([]uuid.UUID, len(ids))
		for i := range ids {
			if nids[i], err = uuid.NewV7(); err != nil {
				return fmt.Errorf("notification id: %w", err)
			}
		}
		if _, err := tx.Exec(ctx, `INSERT INTO notifications
			(notification_id, advisor_id, kind, title, body, link, source_event, created_at)
			SELECT n, a, $3, $4, $5, $6, $7, $8 FROM unnest($1::uuid[], $2::text[]) AS r(n, a)
			ON CONFLICT (source_event, advisor_id) DO NOTHING`,
			nids, ids, d.Kind, d.Title, d.Body, d.Link, trigger.ID, at); err != nil {
			return fmt.Errorf("insert notifications: %w", err)
		}
		notified = ids
		return s.enqueueMails(ctx, tx, trigger.ID, at)
	})
	if err != nil {
		return nil, err
	}
	return notified, nil
}

// inboxLockSpace is the first key of the advisory locks of advisors'
// inboxes (the second is the hash of the advisor id).
const inboxLockSpace = 0x61647669 // "advi"

// lockRecipients resolves a draft's addressees among known advisors and
// takes their inbox locks, in one statement.
//
// The lock is taken by writers of notifications, in shared mode, until
// commit. Streams and pages resume after the highest id they have read, and
// concurrent writers (consumer workers, replicas) can commit ids out of
// order: a reader that saw a higher id before a lower one committed would
// never send the lower one. So List takes the same lock exclusively, which
// waits for the advisor's writers that already hold an id; later writers
// get higher ids. Writers never wait for each other, so a transaction that
// writes for several advisors (a batch of events) cannot deadlock.
//
// An advisor the directory does not know (yet) is a transient failure: the
// event is retried rather than the notification lost. A chamber-wide
// notification that nobody can receive is ErrNoRecipient.
func lockRecipients(ctx context.Context, tx pgx.Tx, to notification.Recipients) ([]string, error) {
	var rows pgx.Rows
	var err error
	if to.AdvisorID != "" {
		rows, err = tx.Query(ctx, `SELECT advisor_id, pg_advisory_xact_lock_shared($1, hashtext(advisor_id))
			FROM advisors WHERE advisor_id = $2`, inboxLockSpace, to.AdvisorID)
	} else {
		rows, err = tx.Query(ctx, `SELECT advisor_id, pg_advisory_xact_lock_shared($1, hashtext(advisor_id))
			FROM advisors WHERE chamber = $2 AND active AND $3 = ANY(specialities) AND $4 = ANY(departements)
			ORDER BY advisor_id`, inboxLockSpace, to.Chamber, to.Speciality, to.Departement)
	}
	if err != nil {
		return nil, fmt.Errorf("find recipients: %w", err)
	}
	ids, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (string, error) {
		var id string
		var locked any
		err := r.Scan(&id, &locked)
		return id, err
	})
	if err != nil {
		return nil, fmt.Errorf("read recipients: %w", err)
	}
	switch {
	case len(ids) > 0:
		return ids, nil
	case to.AdvisorID != "":
		return nil, fmt.Errorf("advisor %s unknown to the directory", to.AdvisorID)
	default:
		return nil, fmt.Errorf("%w: no active %s advisor with speciality %s covers département %s",
			notification.ErrNoRecipient, to.Chamber, to.Speciality, to.Departement)
	}
}

// List implements app.Notifications. It reads once the advisor's writers
// that may hold lower ids have committed (see lockInboxes).
func (s *Store) List(ctx context.Context, advisorID string, after int64, limit int) ([]notification.Notification, error) {
	var out []notification.Notification
	err := pgdb.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1, hashtext($2))`, inboxLockSpace, advisorID); err != nil {
			return fmt.Errorf("lock advisor inbox: %w", err)
		}
		rows, err := tx.Query(ctx, `SELECT id, advisor_id, kind, title, body, link, created_at, read_at
			FROM notifications WHERE advisor_id = $1 AND id > $2 ORDER BY id LIMIT $3`, advisorID, after, limit)
		if err != nil {
			return fmt.Errorf("list notifications: %w", err)
		}
		out, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (notification.Notification, error) {
			var n notification.Notification
			err := r.Scan(&n.ID, &n.AdvisorID, &n.Kind, &n.Title, &n.Body, &n.Link, &n.CreatedAt, &n.ReadAt)
			return n, err
		})
		if err != nil {
			return fmt.Errorf("read notifications: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
