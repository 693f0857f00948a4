// Package postgres stores intake's requests. A request, its idempotency key
// and the outbox rows of its events commit in one transaction.
package postgres

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ccicma/platform/pkg/events"
	"github.com/ccicma/platform/pkg/outbox"
	"github.com/ccicma/platform/pkg/pgdb"

	"github.com/ccicma/platform/services/intake/internal/app"
	"github.com/ccicma/platform/services/intake/internal/domain/notice"
	"github.com/ccicma/platform/services/intake/internal/domain/request"
	"github.com/ccicma/platform/services/intake/internal/domain/routing"
)

// Store is the Postgres adapter.
type Store struct {
	pool  *pgxpool.Pool
	relay outbox.Waker
	mail  *mailSettings // EnableMail
}

// New returns a store over pool.
func New(pool *pgxpool.Pool, relay outbox.Waker) *Store { return &Store{pool: pool, relay: relay} }

type creationDetails struct {
	Applicant        request.Applicant `json:"applicant"`
	Description      string            `json:"description"`
	NAFCode          string            `json:"naf_code,omitempty"`
	LegalForm        string            `json:"legal_form,omitempty"`
	CommuneCode      string            `json:"commune_code"`
	PlannedStart     string            `json:"planned_start,omitempty"`
	PlannedHeadcount int               `json:"planned_headcount"`
	SIRET            string            `json:"siret,omitempty"`
}

// SaveCreation implements app.Requests.
func (s *Store) SaveCreation(ctx context.Context, c request.Creation, idem *app.Idempotency, evs []events.Event) (string, error) {
	d := creationDetails{Applicant: c.Applicant, Description: c.Description, NAFCode: c.NAFCode, LegalForm: c.LegalForm,
		CommuneCode: c.Commune.Code, PlannedHeadcount: c.PlannedHeadcount, SIRET: c.SIRET}
	if c.PlannedStart != nil {
		d.PlannedStart = c.PlannedStart.Format("2006-01-02")
	}
	return s.save(ctx, requestRow{
		id: c.ID, kind: request.KindCreation, naf: c.NAFCode, commune: c.Commune.Code, departement: c.Commune.Departement,
		routing: c.Routing, basis: c.RoutingBasis, details: d, submittedAt: c.SubmittedAt,
	}, idem, evs, nil)
}

// requestRow is a row of the requests table; details is encoded as JSON.
type requestRow struct {
	id, kind                  string
	naf, commune, departement string // empty: NULL
	routing                   events.Routing
	basis                     routing.Basis
	details                   any
	submittedAt               time.Time
}

// save stores a request, its idempotency key, whatever also writes and the
// outbox rows of its events in one transaction, then wakes the relay. With
// a key already used for the same fingerprint it stores nothing and
// returns the earlier request's id.
func (s *Store) save(ctx context.Context, r requestRow, idem *app.Idempotency, evs []events.Event, also func(pgx.Tx) error) (string, error) {
	details, err := json.Marshal(r.details)
	if err != nil {
		return "", fmt.Errorf("encode request details: %w", err)
	}
	routing, err := json.Marshal(r.routing)
	if err != nil {
		return "", fmt.Errorf("encode routing: %w", err)
	}
	basis, err := json.Marshal(r.basis)
	if err != nil {
		return "", fmt.Errorf("encode routing basis: %w", err)
	}
	batch := &pgx.Batch{}
	batch.Queue(`INSERT INTO requests
		(request_id, kind, status, naf_code, commune_code, departement, routing, routing_basis, details, submitted_at, updated_at)
		VALUES ($1, $2, $3, NULLIF($4, ''), NULLIF($5, ''), NULLIF($6, ''), $7, $8, $9, $10, $10)`,
		r.id, r.kind, string(request.StatusReceived), r.naf, r.commune, r.departement, routing, basis, details, r.submittedAt)
	if s.mail != nil {
		// The receipt commits with the request, or not at all: a replay
		// of an Idempotency-Key rolls both back, and queues nothing.
		batch.Queue(queueReceiptSQL, notice.ReceiptKey(r.id), s.mail.now())
	}
	if idem == nil && also == nil {
		// Nothing to decide halfway: the request and its events go in one
		// round trip, as one implicit transaction (a pipeline with a single
		// Sync commits all or nothing).
		if err := outbox.Queue(ctx, batch, evs...); err != nil {
			return "", err
		}
		if err := s.pool.SendBatch(ctx, batch).Close(); err != nil {
			return "", fmt.Errorf("insert request: %w", err)
		}
		s.relay.Wake()
		return r.id, nil
	}
	stored := r.id
	err = pgdb.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		// The request, its key and (unless also writes first) its events
		// go in one round trip; a key used before rolls it all back.
		claimed := true
		if idem != nil {
			batch.Queue(`INSERT INTO idempotency_keys (scope, key, fingerprint, request_id)
				VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`, r.kind, idem.Key, idem.Fingerprint, r.id).
				Exec(func(tag pgconn.CommandTag) error {
					claimed = tag.RowsAffected() == 1
					return nil
				})
		}
		if also == nil {
			if err := outbox.Queue(ctx, batch, evs...); err != nil {
				return err
			}
		}
		if err := tx.SendBatch(ctx, batch).Close(); err != nil {
			return fmt.Errorf("insert request: %w", err)
		}
		if !claimed {
			earlier, err := earlierUse(ctx, tx, r.kind, idem)
			if err != nil {
				return err
			}
			stored = earlier
			return errReplay // roll back this submission
		}
		if also == nil {
			return nil
		}
		if err := also(tx); err != nil {
			return err
		}
		return outbox.Add(ctx, tx, evs...)
	})
	if errors.Is(err, errReplay) {
		return stored, nil
	}
	if err != nil {
		return "", err
	}
	s.relay.Wake()
	return stored, nil
}

var errReplay = errors.New("idempotent replay")

// earlierUse returns the request an earlier use of the key produced, or
// app.ErrIdempotencyConflict when that use had another fingerprint. Two
// concurrent uses serialise on the key's primary key: the second waits for
// the first to commit, then sees it.
func earlierUse(ctx context.Context, tx pgx.Tx, scope string, idem *app.Idempotency) (string, error) {
	var fp []byte
	var earlier uuid.UUID
	if err := tx.QueryRow(ctx, `SELECT fingerprint, request_id FROM idempotency_keys WHERE scope = $1 AND key = $2`,
		scope, idem.Key).Scan(&fp, &earlier); err != nil {
		return "", fmt.Errorf("read idempotency key: %w", err)
	}
	if !bytes.Equal(fp, idem.Fingerprint) {
		return "", app.ErrIdempotencyConflict
	}
	return earlier.String(), nil
}

// Status implements app.Requests.
func (s *Store) Status(ctx context.Context, requestID string) (app.StatusView, error) {
	if _, err := uuid.Parse(requestID); err != nil {
		return app.StatusView{}, app.ErrNotFound
	}
	var v app.StatusView
	var status string
	var routing []byte
	err := s.pool.QueryRow(ctx, `SELECT request_id, kind, status, coalesce(case_chamber, ''), coalesce(stage, ''),
		coalesce(outcome, ''), routing, submitted_at, updated_at
		FROM requests WHERE request_id = $1`, requestID).Scan(&v.RequestID, &v.Kind, &status, &v.Chamber, &v.Stage,
		&v.Outcome, &routing, &v.SubmittedAt, &v.UpdatedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return app.StatusView{}, app.ErrNotFound
	}
	if err != nil {
		return app.StatusView{}, fmt.Errorf("load request status: %w", err)
	}
	v.Status = request.Status(status)
	if err := json.Unmarshal(routing, &v.Routing); err != nil {
		return app.StatusView{}, fmt.Errorf("decode routing: %w", err)
	}
	if v.Sessions, err = s.registeredSessions(ctx, requestID); err != nil {
		return app.StatusView{}, err
	}
	if err := s.pool.QueryRow(ctx, `SELECT count(*) FROM buyer_digest_matches WHERE request_id = $1 AND digest_day IS NOT NULL`,
		requestID).Scan(&v.ProposedListings); err != nil {
		return app.StatusView{}, fmt.Errorf("count proposed listings: %w", err)
	}
	return v, nil
}
