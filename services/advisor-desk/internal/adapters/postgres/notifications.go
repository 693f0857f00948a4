package postgres

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/ccicma/platform/pkg/events"
	"github.com/ccicma/platform/pkg/pgdb"

	"github.com/ccicma/platform/services/advisor-desk/internal/domain/notification"
)

// Store stores one draft (StoreAll of one) in its own transaction and
// returns the advisors notified.
func (s *Store) Store(ctx context.Context, trigger events.Event, d notification.Draft, at time.Time) ([]string, error) {
	var notified []string
	err := s.StoreAll(ctx, trigger, []notification.Draft{d}, at, func(ids []string) { notified = ids })
	return notified, err
}

// StoreAll implements app.Notifications: an advisor named by several
// drafts gets the first one's notification.
//
// Within a unit of work (a consumer's batch) the event joins the unit's
// other events, stored together when it flushes: one round trip claims
// them all and resolves (and locks) the advisors they name, then one
// statement inserts the notifications and one queues their e-mails. An
// event with a draft for a pool (a chamber, a role) has that pool
// resolved at once, so that a pool nobody covers fails that event alone,
// as a permanent error. Alone, the event is stored at once.
func (s *Store) StoreAll(ctx context.Context, trigger events.Event, ds []notification.Draft, at time.Time,
	notified func(advisorIDs []string)) error {
	for _, d := range ds {
		if to := d.To; to.AdvisorID == "" && to.Chamber == "" && to.Role == "" {
			return fmt.Errorf("%w: a draft names neither an advisor, a chamber nor a role", notification.ErrNoRecipient)
		}
	}
	ev := pendingEvent{trigger: trigger, drafts: ds, at: at, notified: notified}
	pools := slices.ContainsFunc(ds, func(d notification.Draft) bool { return d.To.AdvisorID == "" })
	add := func(tx pgx.Tx, p *pendingNotifications) error {
		if pools {
			claimed, recipients, err := claimRecipients(ctx, tx, trigger, ds)
			if err != nil || !claimed {
				return err
			}
			ev.resolved = recipients
		}
		p.events = append(p.events, ev)
		return nil
	}
	f, batched := pgdb.Deferred(ctx, notificationsKey{}, func() pgdb.Flusher { return &pendingNotifications{store: s} })
	if batched {
		return pgdb.InTx(ctx, s.pool, func(tx pgx.Tx) error { return add(tx, f.(*pendingNotifications)) })
	}
	var woken []string
	ev.notified = func(ids []string) { woken = ids }
	err := pgdb.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		p := &pendingNotifications{store: s}
		if err := add(tx, p); err != nil {
			return err
		}
		return p.Flush(ctx, tx)
	})
	if err != nil {
		return err
	}
	if woken != nil {
		notified(woken)
	}
	return nil
}

// pendingEvent is an event whose notifications a unit of work stores.
type pendingEvent struct {
	trigger  events.Event
	drafts   []notification.Draft
	at       time.Time
	notified func(advisorIDs []string)
	// resolved holds the recipients of each draft when the event was
	// claimed and resolved as it was handled; nil: at flush.
	resolved [][]string
}

type notificationsKey struct{}

// pendingNotifications are the notifications of a unit of work, stored
// when it flushes, in the order of their events. Every recipient's inbox
// lock is taken before any notification gets an id (see queueRecipients).
type pendingNotifications struct {
	store  *Store
	events []pendingEvent
}

// Flush implements pgdb.Flusher.
func (p *pendingNotifications) Flush(ctx context.Context, tx pgx.Tx) error {
	claimed, known, err := p.claim(ctx, tx)
	if err != nil {
		return err
	}
	var rows rowsOf
	for _, ev := range p.events {
		recipients := ev.resolved
		if recipients == nil {
			id := canonical(ev.trigger.ID)
			if !claimed[id] {
				continue // a duplicate, or a copy earlier in the unit
			}
			delete(claimed, id)
			if recipients, err = named(ev.drafts, known); err != nil {
				return err
			}
		}
		notified, err := rows.addEvent(ev, recipients)
		if err != nil {
			return err
		}
		if len(notified) > 0 {
			ev.notified(notified)
		}
	}
	return p.insert(ctx, tx, rows)
}

// claim claims the events to resolve at flush and locks the advisors
// their drafts name, in one round trip; known holds those the directory
// has.
func (p *pendingNotifications) claim(ctx context.Context, tx pgx.Tx) (claimed, known map[string]bool, err error) {
	var ids, advisors []string
	for _, ev := range p.events {
		if ev.resolved != nil {
			continue
		}
		ids = append(ids, canonical(ev.trigger.ID))
		for _, d := range ev.drafts {
			advisors = append(advisors, d.To.AdvisorID)
		}
	}
	claimed, known = map[string]bool{}, map[string]bool{}
	if len(ids) == 0 {
		return claimed, known, nil
	}
	slices.Sort(advisors)
	batch := &pgx.Batch{}
	batch.Queue(`INSERT INTO inbox (consumer, event_id) SELECT $1, unnest($2::uuid[])
		ON CONFLICT DO NOTHING RETURNING event_id::text`, Consumer, ids).Query(collectInto(claimed))
	batch.Queue(`SELECT advisor_id, pg_advisory_xact_lock_shared($1, hashtext(advisor_id))
		FROM advisors WHERE advisor_id = ANY($2) ORDER BY advisor_id`, inboxLockSpace, slices.Compact(advisors)).
		Query(func(rows pgx.Rows) error {
			var id string
			var locked any
			_, err := pgx.ForEachRow(rows, []any{&id, &locked}, func() error {
				known[id] = true
				return nil
			})
			return err
		})
	if err := tx.SendBatch(ctx, batch).Close(); err != nil {
		return nil, nil, fmt.Errorf("claim %d events: %w", len(ids), err)
	}
	return claimed, known, nil
}

// collectInto adds the single text column of each row to set.
func collectInto(set map[string]bool) func(pgx.Rows) error {
	return func(rows pgx.Rows) error {
		got, err := pgx.CollectRows(rows, pgx.RowTo[string])
		for _, v := range got {
			set[v] = true
		}
		return err
	}
}

// named returns the recipient of each draft, which names an advisor; one
// the directory does not know (yet) is a transient failure: the event is
// retried rather than the notification lost.
func named(ds []notification.Draft, known map[string]bool) ([][]string, error) {
	out := make([][]string, len(ds))
	for i, d := range ds {
		if !known[d.To.AdvisorID] {
			return nil, noRecipient(d.To, nil)
		}
		out[i] = []string{d.To.AdvisorID}
	}
	return out, nil
}

// addEvent adds the notifications of ev, one per advisor (the first draft
// naming them wins), and returns the advisors notified.
func (r *rowsOf) addEvent(ev pendingEvent, recipients [][]string) ([]string, error) {
	var notified []string
	seen := map[string]bool{}
	for i, d := range ev.drafts {
		for _, id := range recipients[i] {
			if seen[id] {
				continue
			}
			seen[id] = true
			if err := r.add(id, d, ev.trigger.ID, ev.at); err != nil {
				return nil, err
			}
			notified = append(notified, id)
		}
	}
	return notified, nil
}

// insert stores the rows in one statement and queues their e-mails.
func (p *pendingNotifications) insert(ctx context.Context, tx pgx.Tx, r rowsOf) error {
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

// claimRecipients claims trigger (claimed=false: a duplicate, to skip) and
// resolves the recipients of each draft, in one round trip.
func claimRecipients(ctx context.Context, tx pgx.Tx, trigger events.Event, ds []notification.Draft) (bool, [][]string, error) {
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
	// A pool nobody covers does not deprive the other drafts' advisors of
	// their notification; only an event nobody at all can receive is
	// ErrNoRecipient. An unknown named advisor is transient (retried).
	var empty []error
	for i, d := range ds {
		err := noRecipient(d.To, recipients[i])
		switch {
		case errors.Is(err, notification.ErrNoRecipient):
			empty = append(empty, err)
		case err != nil:
			return false, nil, err
		}
	}
	if len(empty) == len(ds) {
		return false, nil, errors.Join(empty...)
	}
	return true, recipients, nil
}
