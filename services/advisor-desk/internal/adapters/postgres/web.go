package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ccicma/platform/pkg/pgdb"

	"github.com/ccicma/platform/services/advisor-desk/internal/domain/directory"
	"github.com/ccicma/platform/services/advisor-desk/internal/domain/notification"
)

// Credential returns the directory entry of the advisor whose id or e-mail
// (case-insensitive) is login, with their password hash ("" when they have
// none).
func (s *Store) Credential(ctx context.Context, login string) (directory.Advisor, string, bool, error) {
	var a directory.Advisor
	var hash *string
	err := s.pool.QueryRow(ctx, `SELECT a.advisor_id, a.revision, a.chamber, a.full_name, a.email, a.departements, a.specialities,
			a.capacity, a.active, a.roles, c.password_hash
		FROM advisors a LEFT JOIN advisor_credentials c USING (advisor_id)
		WHERE a.advisor_id = $1 OR lower(a.email) = lower($1)
		ORDER BY a.advisor_id = $1 DESC LIMIT 1`, login).
		Scan(&a.AdvisorID, &a.Revision, &a.Chamber, &a.FullName, &a.Email, &a.Departements, &a.Specialities, &a.Capacity,
			&a.Active, &a.Roles, &hash)
	if errors.Is(err, pgx.ErrNoRows) {
		return directory.Advisor{}, "", false, nil
	}
	if err != nil {
		return directory.Advisor{}, "", false, fmt.Errorf("load credential: %w", err)
	}
	if hash == nil {
		return a, "", true, nil
	}
	return a, *hash, true, nil
}

// WithoutPassword lists the active advisors who have no password yet.
func (s *Store) WithoutPassword(ctx context.Context) ([]string, error) {
	rows, err := s.pool.Query(ctx, `SELECT advisor_id FROM advisors a
		WHERE active AND NOT EXISTS (SELECT FROM advisor_credentials c WHERE c.advisor_id = a.advisor_id) ORDER BY advisor_id`)
	if err != nil {
		return nil, fmt.Errorf("advisors without password: %w", err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("advisors without password: %w", err)
	}
	return ids, nil
}

// SetPasswords gives the advisors the password hash, unless they have one
// already; it returns how many got it.
func (s *Store) SetPasswords(ctx context.Context, advisorIDs []string, hash string, at time.Time) (int, error) {
	tag, err := s.pool.Exec(ctx, `INSERT INTO advisor_credentials (advisor_id, password_hash, updated_at)
		SELECT unnest($1::text[]), $2, $3 ON CONFLICT (advisor_id) DO NOTHING`, advisorIDs, hash, at)
	if err != nil {
		return 0, fmt.Errorf("set passwords: %w", err)
	}
	return int(tag.RowsAffected()), nil
}

// Inbox returns a page of the advisor's inbox. Like List, it reads once the
// advisor's writers holding lower ids have committed, so that a stream
// resuming after LastID misses nothing.
func (s *Store) Inbox(ctx context.Context, advisorID string, f notification.Filter) (notification.Inbox, error) {
	var in notification.Inbox
	err := pgdb.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1, hashtext($2))`, inboxLockSpace, advisorID); err != nil {
			return fmt.Errorf("lock advisor inbox: %w", err)
		}
		if err := tx.QueryRow(ctx, `SELECT count(*) FILTER (WHERE read_at IS NULL), coalesce(max(id), 0)
			FROM notifications WHERE advisor_id = $1`, advisorID).Scan(&in.Unread, &in.LastID); err != nil {
			return fmt.Errorf("count notifications: %w", err)
		}
		rows, err := tx.Query(ctx, `SELECT id, advisor_id, kind, title, body, link, created_at, read_at
			FROM notifications WHERE advisor_id = $1 AND (NOT $2 OR read_at IS NULL) AND starts_with(kind, $3)
			ORDER BY id DESC LIMIT $4`, advisorID, f.UnreadOnly, f.KindPrefix(), notification.InboxPageSize)
		if err != nil {
			return fmt.Errorf("list inbox: %w", err)
		}
		in.Items, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (notification.Notification, error) {
			var n notification.Notification
			err := r.Scan(&n.ID, &n.AdvisorID, &n.Kind, &n.Title, &n.Body, &n.Link, &n.CreatedAt, &n.ReadAt)
			return n, err
		})
		if err != nil {
			return fmt.Errorf("read inbox: %w", err)
		}
		return nil
	})
	return in, err
}

// MarkRead marks the advisor's notifications of ids read (all of them
// when ids is empty) and returns how many unread remain. Ids of other
// advisors are ignored.
func (s *Store) MarkRead(ctx context.Context, advisorID string, ids []int64, at time.Time) (int, error) {
	if ids == nil {
		ids = []int64{} // NULL would match nothing
	}
	var unread int
	err := s.pool.QueryRow(ctx, `WITH marked AS (
			UPDATE notifications SET read_at = $3
			WHERE advisor_id = $1 AND read_at IS NULL AND (cardinality($2::bigint[]) = 0 OR id = ANY($2))
			RETURNING id)
		SELECT count(*) - (SELECT count(*) FROM marked) FROM notifications WHERE advisor_id = $1 AND read_at IS NULL`,
		advisorID, ids, at).Scan(&unread)
	if err != nil {
		return 0, fmt.Errorf("mark read: %w", err)
	}
	return unread, nil
}
