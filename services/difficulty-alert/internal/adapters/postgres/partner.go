package postgres

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ccicma/platform/pkg/pgdb"

	"github.com/ccicma/platform/services/difficulty-alert/internal/app"
	"github.com/ccicma/platform/services/difficulty-alert/internal/domain/partner"
)

// SyncClients implements app.PartnerClients, in one transaction.
func (s *Store) SyncClients(ctx context.Context, clients []partner.Client, at time.Time) error {
	return pgdb.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		ids := []string{}
		for _, c := range clients {
			ids = append(ids, c.ID)
			scopes := c.Scopes
			if scopes == nil {
				scopes = []string{}
			}
			if _, err := tx.Exec(ctx, `INSERT INTO partner_clients (client_id, name, secret_sha256, scopes, active, updated_at)
				VALUES ($1, $2, $3, $4, $5, $6)
				ON CONFLICT (client_id) DO UPDATE SET name = $2, secret_sha256 = $3, scopes = $4, active = $5, updated_at = $6`,
				c.ID, c.Name, c.SecretSHA256[:], scopes, c.Active, at); err != nil {
				return fmt.Errorf("client %s: %w", c.ID, err)
			}
		}
		_, err := tx.Exec(ctx, `UPDATE partner_clients SET active = false, updated_at = $2
			WHERE active AND NOT client_id = ANY($1)`, ids, at)
		return err
	})
}

// Client implements app.PartnerClients.
func (s *Store) Client(ctx context.Context, id string) (partner.Client, bool, error) {
	var c partner.Client
	var sum []byte
	err := s.pool.QueryRow(ctx, `SELECT client_id, name, secret_sha256, scopes, active FROM partner_clients WHERE client_id = $1`, id).
		Scan(&c.ID, &c.Name, &sum, &c.Scopes, &c.Active)
	if errors.Is(err, pgx.ErrNoRows) {
		return c, false, nil
	}
	if err != nil {
		return c, false, err
	}
	copy(c.SecretSHA256[:], sum)
	return c, true, nil
}

// StoreToken implements app.PartnerClients: the client's expired tokens
// go in the same round trip, so the table holds live tokens only.
func (s *Store) StoreToken(ctx context.Context, t app.IssuedToken) error {
	b := &pgx.Batch{}
	b.Queue(`DELETE FROM partner_tokens WHERE client_id = $1 AND expires_at <= $2`, t.ClientID, t.Issued)
	b.Queue(`INSERT INTO partner_tokens (token_sha256, client_id, scopes, issued_at, expires_at) VALUES ($1, $2, $3, $4, $5)`,
		t.Hash[:], t.ClientID, t.Scopes, t.Issued, t.Expires)
	return pgdb.InTx(ctx, s.pool, func(tx pgx.Tx) error { return tx.SendBatch(ctx, b).Close() })
}

// TokenCaller implements app.PartnerClients: the token's scopes that its
// client still holds (a scope taken from the client in the file is taken
// from its live tokens too).
func (s *Store) TokenCaller(ctx context.Context, hash [32]byte) (partner.Caller, time.Time, bool, error) {
	var c partner.Caller
	var expires time.Time
	err := s.pool.QueryRow(ctx, `SELECT t.client_id, ARRAY(SELECT unnest(t.scopes) INTERSECT SELECT unnest(c.scopes) ORDER BY 1), t.expires_at
		FROM partner_tokens t JOIN partner_clients c USING (client_id)
		WHERE t.token_sha256 = $1 AND c.active`, hash[:]).Scan(&c.ClientID, &c.Scopes, &expires)
	if errors.Is(err, pgx.ErrNoRows) {
		return c, expires, false, nil
	}
	return c, expires, err == nil, err
}

// RecordCall implements app.PartnerCalls.
func (s *Store) RecordCall(ctx context.Context, c app.PartnerCall) error {
	return recordCall(ctx, s.pool, c)
}

func recordCall(ctx context.Context, db DB, c app.PartnerCall) error {
	kinds := c.Kinds
	if kinds == nil {
		kinds = []string{}
	}
	_, err := db.Exec(ctx, `INSERT INTO partner_calls (at, client_id, route, outcome, kinds, signals, idempotency_key, trace_id)
		VALUES ($1, NULLIF($2, ''), $3, $4, $5, $6, NULLIF($7, ''), $8)`,
		c.At, c.ClientID, c.Route, c.Outcome, kinds, c.Signals, c.IdempotencyKey, c.TraceID)
	if err != nil {
		return fmt.Errorf("record partner call: %w", err)
	}
	return nil
}

// PushSignals implements app.PartnerSignals. The key is claimed first:
// a concurrent push with the same key waits for this one to commit, then
// replays its result (or conflicts).
func (s *Store) PushSignals(ctx context.Context, b app.PartnerBatch, call app.PartnerCall) (app.PushResult, error) {
	var res app.PushResult
	var conflict bool
	err := pgdb.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		res, conflict = app.PushResult{}, false
		tag, err := tx.Exec(ctx, `INSERT INTO partner_idempotency_keys (client_id, key, fingerprint, result, created_at)
			VALUES ($1, $2, $3, '{}', $4) ON CONFLICT DO NOTHING`, b.ClientID, b.Key, b.Fingerprint, b.At)
		if err != nil {
			return fmt.Errorf("claim idempotency key: %w", err)
		}
		if tag.RowsAffected() == 0 {
			var fp, stored []byte
			if err := tx.QueryRow(ctx, `SELECT fingerprint, result FROM partner_idempotency_keys WHERE client_id = $1 AND key = $2`,
				b.ClientID, b.Key).Scan(&fp, &stored); err != nil {
				return fmt.Errorf("read idempotency key: %w", err)
			}
			call.Outcome = app.PartnerIdempotencyConflict
			if bytes.Equal(fp, b.Fingerprint) {
				call.Outcome = app.PartnerReplayed
				if err := json.Unmarshal(stored, &res.Signals); err != nil {
					return fmt.Errorf("decode stored result: %w", err)
				}
				res.Replayed = true
			} else {
				conflict = true
			}
			return recordCall(ctx, tx, call)
		}
		if res.Signals, err = insertPartnerSignals(ctx, tx, b); err != nil {
			return err
		}
		stored, err := json.Marshal(res.Signals)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE partner_idempotency_keys SET result = $3 WHERE client_id = $1 AND key = $2`,
			b.ClientID, b.Key, stored); err != nil {
			return fmt.Errorf("store result: %w", err)
		}
		call.Outcome = app.PartnerAccepted
		return recordCall(ctx, tx, call)
	})
	if err == nil && conflict {
		return app.PushResult{}, app.ErrIdempotencyConflict
	}
	return res, err
}

// insertPartnerSignals stores the batch's new signals with their details,
// in one round trip, and reads the ids of those stored before (the same
// client's reference: a duplicate).
func insertPartnerSignals(ctx context.Context, tx pgx.Tx, b app.PartnerBatch) ([]app.PushedSignal, error) {
	out := make([]app.PushedSignal, len(b.Signals))
	var late []int
	batch := &pgx.Batch{}
	for i, s := range b.Signals {
		var siret, fiscal, amount any
		if s.SIRET != "" {
			siret = s.SIRET
		}
		if !s.FiscalYearEnd.IsZero() {
			fiscal = s.FiscalYearEnd
		}
		if s.AmountCents > 0 {
			amount = s.AmountCents
		}
		batch.Queue(`WITH new AS (
				INSERT INTO signals (signal_id, source, kind, theme, siren, siret, occurred_on, strength, expires_on, source_ref, recorded_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
				ON CONFLICT (source, source_ref) DO NOTHING RETURNING signal_id
			), details AS (
				INSERT INTO partner_signal_details (signal_id, client_id, reference, amount_cents, fiscal_year_end, idempotency_key)
				SELECT signal_id, $12, $13, $14, $15, $16 FROM new
			)
			SELECT signal_id::text, true FROM new
			UNION ALL
			SELECT signal_id::text, false FROM signals WHERE source = $2 AND source_ref = $10 AND NOT EXISTS (SELECT 1 FROM new)`,
			s.ID, string(s.Source), string(s.Kind), string(s.Theme), s.SIREN, siret, s.On, s.Strength, s.Expires, s.Ref, b.At,
			b.ClientID, s.Reference, amount, fiscal, b.Key).
			QueryRow(func(r pgx.Row) error {
				var created bool
				out[i].Reference = s.Reference
				err := r.Scan(&out[i].SignalID, &created)
				if errors.Is(err, pgx.ErrNoRows) {
					// Another push of the same reference committed while
					// this statement ran, after its snapshot: read it below.
					late = append(late, i)
					return nil
				}
				if err != nil {
					return fmt.Errorf("signal %s: %w", s.Reference, err)
				}
				out[i].Outcome = app.SignalDuplicate
				if created {
					out[i].Outcome = app.SignalCreated
				}
				return nil
			})
	}
	if err := tx.SendBatch(ctx, batch).Close(); err != nil {
		return nil, fmt.Errorf("insert partner signals: %w", err)
	}
	for _, i := range late {
		s := b.Signals[i]
		if err := tx.QueryRow(ctx, `SELECT signal_id::text FROM signals WHERE source = $1 AND source_ref = $2`, string(s.Source), s.Ref).
			Scan(&out[i].SignalID); err != nil {
			return nil, fmt.Errorf("signal %s pushed concurrently: %w", s.Reference, err)
		}
		out[i].Outcome = app.SignalDuplicate
	}
	return out, nil
}

// PrunePartnerState implements app.PartnerPruner.
func (s *Store) PrunePartnerState(ctx context.Context, keysBefore, now time.Time) (keys, tokens int64, err error) {
	tag, err := s.pool.Exec(ctx, `DELETE FROM partner_idempotency_keys WHERE created_at < $1`, keysBefore)
	if err != nil {
		return 0, 0, fmt.Errorf("prune idempotency keys: %w", err)
	}
	keys = tag.RowsAffected()
	if tag, err = s.pool.Exec(ctx, `DELETE FROM partner_tokens WHERE expires_at <= $1`, now); err != nil {
		return keys, 0, fmt.Errorf("prune partner tokens: %w", err)
	}
	return keys, tag.RowsAffected(), nil
}
