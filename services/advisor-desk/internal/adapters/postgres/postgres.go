// Package postgres stores advisor-desk's directory and notifications. Each
// write commits with the inbox claim of its triggering event and the outbox
// rows of the events it emits.
package postgres

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ccicma/platform/pkg/events"
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

// SaveAdvisor implements app.Directory (see SaveAdvisors).
func (s *Store) SaveAdvisor(ctx context.Context, id string,
	change func(directory.Advisor, bool) (directory.Advisor, []events.Event, bool, error)) error {
	return s.SaveAdvisors(ctx, []string{id}, func(_ string, cur directory.Advisor, found bool) (directory.Advisor, []events.Event, bool, error) {
		return change(cur, found)
	})
}

// Store stores one draft (StoreAll of one).
func (s *Store) Store(ctx context.Context, trigger events.Event, d notification.Draft, at time.Time) ([]string, error) {
	return s.StoreAll(ctx, trigger, []notification.Draft{d}, at)
}

// StoreAll implements app.Notifications. One round trip claims the
// trigger and resolves (and locks) the recipients of every draft; the
// notifications are then inserted, with their e-mails, in one statement
// each: within a unit of work (a consumer's batch) once for all the
// unit's events, when it flushes, else at once. An advisor named by
// several drafts gets the first one's.
func (s *Store) StoreAll(ctx context.Context, trigger events.Event, ds []notification.Draft, at time.Time) ([]string, error) {
	var notified []string
	err := pgdb.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		claimed, recipients, err := claimRecipients(ctx, tx, trigger, ds)
		if err != nil || !claimed {
			return err
		}
		var rows rowsOf
		seen := map[string]bool{}
		for i, d := range ds {
			for _, id := range recipients[i] {
				if seen[id] {
					continue
				}
				seen[id] = true
				if err := rows.add(id, d, trigger.ID, at); err != nil {
					return err
				}
			}
		}
		notified = rows.advisors
		f, batched := pgdb.Deferred(ctx, notificationsKey{}, func() pgdb.Flusher { return &pendingNotifications{store: s} })
		if batched {
			f.(*pendingNotifications).rows.append(rows)
			return nil
		}
		return (&pendingNotifications{store: s, rows: rows}).Flush(ctx, tx)
	})
	if err != nil {
		return nil, err
	}
	return notified, nil
}

// claimRecipients claims trigger (claimed=false: a duplicate, to skip) and
// resolves the recipients of each draft, in one round trip.
func claimRecipients(ctx context.Context, tx pgx.Tx, trigger events.Event, ds []notification.Draft) (bool, [][]string, error) {
	for _, d := range ds {
		if to := d.To; to.AdvisorID == "" && to.Chamber == "" && to.Role == "" {
			return false, nil, fmt.Errorf("%w: a draft names neither an advisor, a chamber nor a role", notification.ErrNoRecipient)
		}
	}
	var claimed bool
	batch := &pgx.Batch{}
	batch.Queue(`INSERT INTO inbox (consumer, event_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, Consumer, trigger.ID).
		Exec(func(ct pgconn.CommandTag) error {
			claimed = ct.RowsAffected() == 1
			return nil
		})
	recipients := make([][]string, len(ds))
	for i, d := range ds {
		queueRecipients(batch, d.To, &recipients[i])
	}
	if err := tx.SendBatch(ctx, batch).Close(); err != nil {
		return false, nil, fmt.Errorf("claim event %s: %w", trigger.ID, err)
	}
	if !claimed {
		return false, nil, nil
	}
	for i, d := range ds {
		if err := noRecipient(d.To, recipients[i]); err != nil {
			return false, nil, err
		}
	}
	return true, recipients, nil
}

type notificationsKey struct{}

// pendingNotifications are the notifications of a unit of work, inserted
// with their e-mails when it flushes. Their recipients' inbox locks were
// taken when each event was handled (see queueRecipients), before any of
// them got an id.
type pendingNotifications struct {
	store *Store
	rows  rowsOf
}

// Flush implements pgdb.Flusher.
func (p *pendingNotifications) Flush(ctx context.Context, tx pgx.Tx) error {
	r := p.rows
	if len(r.nids) == 0 {
		return nil
	}
	if _, err := tx.Exec(ctx, `INSERT INTO notifications
		(notification_id, advisor_id, kind, title, body, link, source_event, created_at)
		SELECT n, a, k, t, b, l, s, c FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
			$7::uuid[], $8::timestamptz[]) WITH ORDINALITY AS r(n, a, k, t, b, l, s, c, o)
		ORDER BY o ON CONFLICT (source_event, advisor_id) DO NOTHING`,
		r.nids, r.advisors, r.kinds, r.titles, r.bodies, r.links, r.sources, r.times); err != nil {
		return fmt.Errorf("insert %d notifications: %w", len(r.nids), err)
	}
	return p.store.enqueueMails(ctx, tx, slices.Compact(slices.Clone(r.sources)))
}

// rowsOf are notifications to insert, as columns.
type rowsOf struct {
	nids                                            []uuid.UUID
	advisors, kinds, titles, bodies, links, sources []string
	times                                           []time.Time
}

// append adds o's rows after r's.
func (r *rowsOf) append(o rowsOf) {
	r.nids, r.advisors, r.kinds = append(r.nids, o.nids...), append(r.advisors, o.advisors...), append(r.kinds, o.kinds...)
	r.titles, r.bodies, r.links = append(r.titles, o.titles...), append(r.bodies, o.bodies...), append(r.links, o.links...)
	r.sources, r.times = append(r.sources, o.sources...), append(r.times, o.times...)
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
