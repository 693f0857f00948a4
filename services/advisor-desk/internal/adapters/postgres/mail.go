package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ccicma/platform/pkg/mailer"
	"github.com/ccicma/platform/pkg/pgdb"

	"github.com/ccicma/platform/services/advisor-desk/internal/domain/directory"
	"github.com/ccicma/platform/services/advisor-desk/internal/domain/mail"
)

type mailSettings struct {
	defaultMode mail.Mode
}

// EnableMail makes every stored notification queue its e-mail, in the same
// transaction, for advisors whose mode (defaultMode when they have not
// chosen) is "each". Call it before the store is used. Without it nothing
// is queued: with no SMTP server, e-mails go nowhere rather than pile up.
func (s *Store) EnableMail(defaultMode mail.Mode) { s.mail = &mailSettings{defaultMode: defaultMode} }

// enqueueMails queues one e-mail per notification stored for the source
// events whose advisor wants them one by one, with pkg/mailer's queue row
// in the same transaction. The notification's id is the e-mail's key: a
// redelivered event, or a retried transaction, never queues a second one.
// An e-mail is queued as of its notification's creation.
func (s *Store) enqueueMails(ctx context.Context, tx pgx.Tx, sourceEvents []string) error {
	if s.mail == nil {
		return nil
	}
	rows, err := tx.Query(ctx, `WITH fresh AS (
			SELECT n.id, n.notification_id, n.advisor_id, n.created_at FROM notifications n
			LEFT JOIN mail_preferences p ON p.advisor_id = n.advisor_id
			WHERE n.source_event = ANY($1::uuid[]) AND coalesce(p.mode, $2) = 'each'
		), queued AS (
			INSERT INTO mails (dedup_key, advisor_id, kind, created_at)
			SELECT 'n:' || notification_id, advisor_id, 'each', created_at FROM fresh ORDER BY id
			ON CONFLICT (dedup_key) DO NOTHING
			RETURNING id, dedup_key, created_at
		), items AS (
			INSERT INTO mail_items (notification_id, mail_id)
			SELECT f.id, q.id FROM queued q JOIN fresh f ON q.dedup_key = 'n:' || f.notification_id
			ON CONFLICT (notification_id) DO NOTHING
		)
		SELECT dedup_key, created_at FROM queued`, sourceEvents, string(s.mail.defaultMode))
	if err != nil {
		return fmt.Errorf("queue e-mails: %w", err)
	}
	var keys []string
	var at []time.Time
	var key string
	var created time.Time
	_, err = pgx.ForEachRow(rows, []any{&key, &created}, func() error {
		keys, at = append(keys, key), append(at, created)
		return nil
	})
	if err != nil {
		return fmt.Errorf("queue e-mails: %w", err)
	}
	if len(keys) == 0 {
		return nil
	}
	return mailer.EnqueueMany(ctx, tx, keys, at)
}

// MailMode returns an advisor's e-mail mode and whether they chose it
// (else it is the default); found=false for an advisor the directory does
// not hold.
func (s *Store) MailMode(ctx context.Context, advisorID string, defaultMode mail.Mode) (mode mail.Mode, chosen, found bool, err error) {
	var m *string
	err = s.pool.QueryRow(ctx, `SELECT p.mode FROM advisors a LEFT JOIN mail_preferences p USING (advisor_id)
		WHERE a.advisor_id = $1`, advisorID).Scan(&m)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return "", false, false, nil
	case err != nil:
		return "", false, false, fmt.Errorf("read mail preference: %w", err)
	case m == nil:
		return defaultMode, false, true, nil
	}
	return mail.Mode(*m), true, true, nil
}

// SetMailMode stores an advisor's choice; directory.ErrUnknown for an
// advisor the directory does not hold.
func (s *Store) SetMailMode(ctx context.Context, advisorID string, mode mail.Mode, at time.Time) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO mail_preferences (advisor_id, mode, updated_at) VALUES ($1, $2, $3)
		ON CONFLICT (advisor_id) DO UPDATE SET mode = EXCLUDED.mode, updated_at = EXCLUDED.updated_at`,
		advisorID, string(mode), at)
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "23503" { // foreign_key_violation
		return fmt.Errorf("set mail preference of %s: %w", advisorID, directory.ErrUnknown)
	}
	if err != nil {
		return fmt.Errorf("set mail preference: %w", err)
	}
	return nil
}

// QueueDigests queues the digest named date (taken at moment) of every
// advisor in digest mode who has none yet. A digest reports the advisor's
// unread notifications not yet e-mailed, created since their previous
// digest (at most a week back) and before moment. Its key makes it
// once-only per advisor and day, whichever replica gets there first.
func (s *Store) QueueDigests(ctx context.Context, date string, moment, now time.Time, defaultMode mail.Mode) (queued int, err error) {
	rows, err := s.pool.Query(ctx, `SELECT a.advisor_id FROM advisors a LEFT JOIN mail_preferences p USING (advisor_id)
		WHERE coalesce(p.mode, $1) = 'digest'
		AND NOT EXISTS (SELECT 1 FROM mails m WHERE m.dedup_key = 'digest:' || a.advisor_id || ':' || $2)
		ORDER BY a.advisor_id`, string(defaultMode), date)
	if err != nil {
		return 0, fmt.Errorf("find advisors due a digest: %w", err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return 0, fmt.Errorf("read advisors due a digest: %w", err)
	}
	for _, id := range ids {
		n, err := s.queueDigest(ctx, id, date, moment, now)
		if err != nil {
			return queued, err
		}
		queued += n
	}
	return queued, nil
}

func (s *Store) queueDigest(ctx context.Context, advisorID, date string, moment, now time.Time) (int, error) {
	queued := 0
	err := pgdb.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		var mailID int64
		key := mail.DigestKey(advisorID, date)
		err := tx.QueryRow(ctx, `INSERT INTO mails (dedup_key, advisor_id, kind, created_at, covers_until)
			VALUES ($1, $2, 'digest', $3, $4) ON CONFLICT (dedup_key) DO NOTHING RETURNING id`,
			key, advisorID, now, moment).Scan(&mailID)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil // another replica queued it
		}
		if err != nil {
			return fmt.Errorf("queue digest: %w", err)
		}
		tag, err := tx.Exec(ctx, `INSERT INTO mail_items (notification_id, mail_id)
			SELECT n.id, $1 FROM notifications n
			WHERE n.advisor_id = $2 AND n.created_at < $3 AND n.read_at IS NULL
			AND n.created_at >= greatest($3 - interval '7 days', (SELECT max(covers_until) FROM mails
				WHERE advisor_id = $2 AND kind = 'digest' AND id <> $1))
			AND NOT EXISTS (SELECT 1 FROM mail_items i WHERE i.notification_id = n.id)
			ON CONFLICT (notification_id) DO NOTHING`, mailID, advisorID, moment)
		if err != nil {
			return fmt.Errorf("fill digest: %w", err)
		}
		// An empty digest is queued too: its key marks the day as done,
		// and the mailer skips it (nothing to send).
		if _, err := mailer.Enqueue(ctx, tx, key, now); err != nil {
			return err
		}
		queued = int(min(tag.RowsAffected(), 1))
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("digest of %s: %w", advisorID, err)
	}
	return queued, nil
}

// MailOutgoing reads the e-mail with key as it is now: the advisor's
// current name and address and the notifications it reports.
// found=false when it is no longer held.
func (s *Store) MailOutgoing(ctx context.Context, key string) (out mail.Outgoing, found bool, err error) {
	err = s.pool.QueryRow(ctx, `SELECT m.id, m.kind, m.advisor_id, coalesce(m.covers_until, m.created_at),
			a.full_name, a.email
		FROM mails m JOIN advisors a USING (advisor_id) WHERE m.dedup_key = $1`, key).
		Scan(&out.ID, &out.Kind, &out.AdvisorID, &out.CoversUntil, &out.Name, &out.Address)
	if errors.Is(err, pgx.ErrNoRows) {
		return out, false, nil
	}
	if err != nil {
		return out, false, fmt.Errorf("read e-mail %s: %w", key, err)
	}
	if out.Items, err = mailItems(ctx, s.pool, out.ID); err != nil {
		return out, false, err
	}
	return out, true, nil
}

func mailItems(ctx context.Context, q *pgxpool.Pool, mailID int64) ([]mail.Item, error) {
	rows, err := q.Query(ctx, `SELECT n.title, n.body, n.link, n.created_at FROM mail_items i
		JOIN notifications n ON n.id = i.notification_id WHERE i.mail_id = $1 ORDER BY n.id`, mailID)
	if err != nil {
		return nil, fmt.Errorf("read e-mail items: %w", err)
	}
	items, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (mail.Item, error) {
		var it mail.Item
		err := r.Scan(&it.Title, &it.Body, &it.Link, &it.CreatedAt)
		return it, err
	})
	if err != nil {
		return nil, fmt.Errorf("read e-mail items: %w", err)
	}
	return items, nil
}
