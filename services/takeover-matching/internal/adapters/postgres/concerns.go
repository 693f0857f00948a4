package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ccicma/platform/pkg/outbox"

	"github.com/ccicma/platform/services/takeover-matching/internal/app"
	"github.com/ccicma/platform/services/takeover-matching/internal/domain/takeover"
)

var (
	_ app.ConcernStore  = (*Store)(nil)
	_ app.ConcernReader = (*Store)(nil)
)

const concernColumns = `concern_id::text, offer_id::text, advisor_id, concerns, raised_at`

func scanConcern(r pgx.CollectableRow) (takeover.Concern, error) {
	var c takeover.Concern
	err := r.Scan(&c.ID, &c.OfferID, &c.AdvisorID, &c.Kinds, &c.RaisedAt)
	c.RaisedAt = c.RaisedAt.UTC()
	return c, err
}

// RaiseConcern implements app.ConcernStore. The offer's row is locked
// before the day's concern is read, so that two advisors raising one at
// the same moment are served in turn and the second finds the first's;
// the unique (offer, day) key holds the rule should anything else write.
func (s *Store) RaiseConcern(ctx context.Context, offerID string, now time.Time,
	decide func(takeover.Offer, *takeover.Concern) (app.OfferConcern, error)) (app.OfferConcern, error) {
	var done app.OfferConcern
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		o, err := lockOne(ctx, tx, `SELECT `+offerColumns+` FROM takeover_offers WHERE offer_id = $1 FOR UPDATE`, offerID, scanOffer)
		if err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `SELECT `+concernColumns+` FROM offer_difficulty_concerns
			WHERE offer_id = $1 AND raised_on = $2`, offerID, takeover.ConcernDay(now))
		if err != nil {
			return fmt.Errorf("read the day's concern about offer %s: %w", offerID, err)
		}
		today, err := pgx.CollectExactlyOneRow(rows, scanConcern)
		var day *takeover.Concern
		switch {
		case err == nil:
			day = &today
		case !errors.Is(err, pgx.ErrNoRows):
			return fmt.Errorf("read the day's concern about offer %s: %w", offerID, err)
		}
		out, err := decide(o, day)
		if err != nil || !out.Raised {
			done = out
			return err
		}
		c := out.Concern
		if _, err := tx.Exec(ctx, `INSERT INTO offer_difficulty_concerns (concern_id, offer_id, advisor_id, concerns, raised_at, raised_on)
			VALUES ($1, $2, $3, $4, $5, $6)`, c.ID, offerID, c.AdvisorID, c.Kinds, c.RaisedAt, takeover.ConcernDay(c.RaisedAt)); err != nil {
			return fmt.Errorf("store concern about offer %s: %w", offerID, err)
		}
		done = out
		return outbox.Add(ctx, tx, out.Event)
	})
	return done, err
}

// Concerns implements app.ConcernReader: one query on the offer's index.
func (s *Store) Concerns(ctx context.Context, offerID string) ([]takeover.Concern, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+concernColumns+` FROM offer_difficulty_concerns
		WHERE offer_id = $1 ORDER BY raised_on DESC`, offerID)
	if err != nil {
		return nil, fmt.Errorf("read concerns about offer %s: %w", offerID, err)
	}
	cs, err := pgx.CollectRows(rows, scanConcern)
	if err != nil {
		return nil, fmt.Errorf("read concerns about offer %s: %w", offerID, err)
	}
	return cs, nil
}
