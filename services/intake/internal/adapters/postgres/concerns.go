package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/ccicma/platform/pkg/events"
	"github.com/ccicma/platform/pkg/inbox"
	"github.com/ccicma/platform/pkg/outbox"
	"github.com/ccicma/platform/pkg/pgdb"

	"github.com/ccicma/platform/services/intake/internal/domain/request"
)

// IdentifyOfferBusiness implements app.OfferBusinesses. The SIRET is
// read in the claim's transaction and goes nowhere but into the outbox
// row of the confidential event.
func (s *Store) IdentifyOfferBusiness(ctx context.Context, trigger events.Event, requestID string,
	identify func(siret string) (events.Event, bool, error)) error {
	queued := false
	_, err := inbox.Apply(ctx, s.pool, Consumer, trigger, func(tx pgx.Tx) error {
		var siret string
		err := tx.QueryRow(ctx, `SELECT coalesce(details->>'siret', '') FROM requests
			WHERE request_id = $1 AND kind = $2 AND anonymised_at IS NULL`, requestID, request.KindTakeoverOffer).Scan(&siret)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read offer request: %w", err)
		}
		ev, ok, err := identify(siret)
		if err != nil || !ok {
			return err
		}
		if err := outbox.Add(ctx, tx, ev); err != nil {
			return err
		}
		queued = true
		return nil
	})
	if err == nil && queued {
		// Within a batch, once the batch commits.
		pgdb.AfterCommit(ctx, s.relay.Wake)
	}
	return err
}
