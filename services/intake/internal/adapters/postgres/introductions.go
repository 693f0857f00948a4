package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/ccicma/platform/pkg/events"
	"github.com/ccicma/platform/pkg/inbox"
	"github.com/ccicma/platform/pkg/mailer"

	"github.com/ccicma/platform/services/intake/internal/app"
	"github.com/ccicma/platform/services/intake/internal/domain/notice"
)

var _ app.Introductions = (*Store)(nil)

// RecordIntroduction implements app.Introductions: one row a side, kept
// only when intake holds both requests (a request it does not hold grants
// nothing and has nobody to tell); each side's e-mail is queued with its
// row, so a repeat of the event (already claimed, or a row already there)
// queues nothing more.
func (s *Store) RecordIntroduction(ctx context.Context, trigger events.Event, in app.Introduction) error {
	_, err := inbox.Apply(ctx, s.pool, Consumer, trigger, func(tx pgx.Tx) error {
		sides := []struct{ request, side, other string }{
			{in.OfferRequestID, notice.SideSeller, in.SearchRequestID},
			{in.SearchRequestID, notice.SideBuyer, in.OfferRequestID},
		}
		for _, sd := range sides {
			tag, err := tx.Exec(ctx, `INSERT INTO takeover_introductions (request_id, match_id, side, other_request_id, introduced_at)
				SELECT r.request_id, $2, $3, o.request_id, $4 FROM requests r, requests o
				WHERE r.request_id = $1 AND o.request_id = $5
				ON CONFLICT DO NOTHING`, sd.request, in.MatchID, sd.side, trigger.Time, sd.other)
			if err != nil {
				return fmt.Errorf("record introduction: %w", err)
			}
			if tag.RowsAffected() == 0 || s.mail == nil {
				continue
			}
			key := notice.Key{RequestID: sd.request, MatchID: in.MatchID}.String()
			if _, err := mailer.Enqueue(ctx, tx, key, s.mail.now()); err != nil {
				return fmt.Errorf("queue introduction e-mail: %w", err)
			}
		}
		return nil
	})
	return err
}

// MailIntroduction implements app.MailContents: the introduction of a
// request through a match, with the chamber that leads the other side;
// found=false when it is not held.
func (s *Store) MailIntroduction(ctx context.Context, requestID, matchID string) (notice.Introduction, bool, error) {
	in := notice.Introduction{MatchID: matchID}
	err := s.pool.QueryRow(ctx, `SELECT i.side, coalesce(nullif(o.case_chamber, ''), o.routing->>'lead_chamber', '')
		FROM takeover_introductions i JOIN requests o ON o.request_id = i.other_request_id
		WHERE i.request_id = $1 AND i.match_id = $2`, requestID, matchID).Scan(&in.Side, &in.OtherChamber)
	if errors.Is(err, pgx.ErrNoRows) {
		return notice.Introduction{}, false, nil
	}
	if err != nil {
		return notice.Introduction{}, false, fmt.Errorf("load introduction %s for e-mail: %w", matchID, err)
	}
	return in, true, nil
}

// querier is a pool or a transaction.
type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

// introducedTo reads the chambers of the other sides of the introductions
// of a request (access.Request.IntroducedTo): each other request's routed
// chambers and the one holding its case.
func introducedTo(ctx context.Context, q querier, requestID string) ([]string, error) {
	rows, err := q.Query(ctx, `SELECT DISTINCT c FROM takeover_introductions i JOIN requests o ON o.request_id = i.other_request_id,
		unnest(ARRAY[o.routing->>'lead_chamber', o.routing->>'secondary_chamber', o.case_chamber]) c
		WHERE i.request_id = $1 AND coalesce(c, '') <> '' ORDER BY c`, requestID)
	if err != nil {
		return nil, fmt.Errorf("load introductions of request: %w", err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("load introductions of request: %w", err)
	}
	return out, nil
}
