// Package postgres stores advisor-desk's directory and notifications. Each
// write commits with the inbox claim of its triggering event and the outbox
// rows of the events it emits.
package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ccicma/platform/pkg/events"
	"github.com/ccicma/platform/pkg/outbox"
	"github.com/ccicma/platform/pkg/pgdb"

	"github.com/ccicma/platform/services/advisor-desk/internal/app"
	"github.com/ccicma/platform/services/advisor-desk/internal/domain/directory"
	"github.com/ccicma/platform/services/advisor-desk/internal/domain/notification"
)

// Consumer names this service in inbox rows: its name (app.Name).
const Consumer = app.Name

// Store is the Postgres adapter.
type Store struct {
	pool  *pgxpool.Pool
	relay outbox.Waker
	mail  *mailSettings // nil: e-mail disabled (see EnableMail)
}

// New returns a store over pool.
func New(pool *pgxpool.Pool, relay outbox.Waker) *Store { return &Store{pool: pool, relay: relay} }

// SaveAdvisor implements app.Directory (see SaveAdvisors).
func (s *Store) SaveAdvisor(ctx context.Context, id string,
	change func(directory.Advisor, bool) (directory.Advisor, []events.Event, bool, error)) error {
	return s.SaveAdvisors(ctx, []string{id}, func(_ string, cur directory.Advisor, found bool) (directory.Advisor, []events.Event, bool, error) {
		return change(cur, found)
	})
}

// rowsOf are notifications to insert, as columns.
type rowsOf struct {
	nids                                            []uuid.UUID
	advisors, kinds, titles, bodies, links, sources []string
	times                                           []time.Time
}

func (r *rowsOf) add(advisorID string, d notification.Draft, source string, at time.Time) error {
	id, err := uuid.NewV7()
	if err != nil {
		return fmt.Errorf("notification id: %w", err)
	}
	r.nids = append(r.nids, id)
	r.advisors = append(r.advisors, advisorID)
	r.kinds = append(r.kinds, d.Kind)
	r.titles = append(r.titles, d.Title)
	r.bodies = append(r.bodies, d.Body)
	r.links = append(r.links, d.Link)
	r.sources, r.times = append(r.sources, source), append(r.times, at)
	return nil
}

// inboxLockSpace is the first key of the advisory locks of advisors'
// inboxes (the second is the hash of the advisor id).
const inboxLockSpace = 0x61647669 // "advi"

// queueRecipients resolves a draft's addressees among known advisors and
// takes their inbox locks, in one statement queued in batch.
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
func queueRecipients(batch *pgx.Batch, to notification.Recipients, into *[]string) {
	var q *pgx.QueuedQuery
	if to.AdvisorID != "" {
		q = batch.Queue(`SELECT advisor_id, pg_advisory_xact_lock_shared($1, hashtext(advisor_id))
			FROM advisors WHERE advisor_id = $2`, inboxLockSpace, to.AdvisorID)
	} else {
		// A pool: by chamber and speciality, or by role in either chamber;
		// an empty département matches any.
		q = batch.Queue(`SELECT advisor_id, pg_advisory_xact_lock_shared($1, hashtext(advisor_id))
			FROM advisors WHERE active AND ($2 = '' OR chamber = $2) AND ($3 = '' OR $3 = ANY(specialities))
				AND ($4 = '' OR $4 = ANY(roles)) AND ($5 = '' OR $5 = ANY(departements))
			ORDER BY advisor_id`, inboxLockSpace, to.Chamber, to.Speciality, to.Role, to.Departement)
	}
	q.Query(func(rows pgx.Rows) error {
		ids, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (string, error) {
			var id string
			var locked any
			err := r.Scan(&id, &locked)
			return id, err
		})
		if err != nil {
			return fmt.Errorf("find recipients: %w", err)
		}
		*into = ids
		return nil
	})
}

// noRecipient reports a draft that found nobody.
func noRecipient(to notification.Recipients, ids []string) error {
	switch {
	case len(ids) > 0:
		return nil
	case to.AdvisorID != "":
		return fmt.Errorf("advisor %s unknown to the directory", to.AdvisorID)
	default:
		return fmt.Errorf("%w: no active advisor (chamber %q, speciality %q, role %q) covers département %q",
			notification.ErrNoRecipient, to.Chamber, to.Speciality, to.Role, to.Departement)
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
