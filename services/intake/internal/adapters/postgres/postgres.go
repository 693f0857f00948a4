// Package postgres stores intake's requests. A request, its idempotency key
// and the outbox rows of its events commit in one transaction.
package postgres

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ccicma/platform/pkg/events"
	"github.com/ccicma/platform/pkg/outbox"
	"github.com/ccicma/platform/pkg/pgdb"

	"github.com/ccicma/platform/services/intake/internal/app"
	"github.com/ccicma/platform/services/intake/internal/domain/request"
)

// Waker is told after a commit that wrote outbox rows (the relay).
type Waker interface{ Wake() }

// Store is the Postgres adapter.
type Store struct {
	pool  *pgxpool.Pool
	relay Waker
}

// New returns a store over pool.
func New(pool *pgxpool.Pool, relay Waker) *Store { return &Store{pool: pool, relay: relay} }

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
	details, err := json.Marshal(d)
	if err != nil {
		return "", fmt.Errorf("encode request details: %w", err)
	}
	routing, err := json.Marshal(c.Routing)
	if err != nil {
		return "", fmt.Errorf("encode routing: %w", err)
	}
	stored := c.ID
	err = pgdb.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO requests
			(request_id, kind, status, naf_code, commune_code, departement, routing, details, submitted_at, updated_at)
			VALUES ($1, 'creation', $2, NULLIF($3, ''), $4, $5, $6, $7, $8, $8)`,
			c.ID, string(request.StatusReceived), c.NAFCode, c.Commune.Code, c.Commune.Departement, routing, details, c.SubmittedAt); err != nil {
			return fmt.Errorf("insert request: %w", err)
		}
		if idem != nil {
			earlier, err := claimKey(ctx, tx, "creation", idem, c.ID)
			if err != nil {
				return err
			}
			if earlier != "" {
				stored = earlier
				return errReplay // roll back this submission
			}
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

// claimKey records the key for requestID, or returns the request an
// earlier use of the key produced. Two concurrent uses serialise on the
// primary key: the second waits for the first to commit, then sees it.
func claimKey(ctx context.Context, tx pgx.Tx, scope string, idem *app.Idempotency, requestID string) (string, error) {
	tag, err := tx.Exec(ctx, `INSERT INTO idempotency_keys (scope, key, fingerprint, request_id)
		VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`, scope, idem.Key, idem.Fingerprint, requestID)
	if err != nil {
		return "", fmt.Errorf("record idempotency key: %w", err)
	}
	if tag.RowsAffected() == 1 {
		return "", nil
	}
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
	err := s.pool.QueryRow(ctx, `SELECT request_id, kind, status, routing, submitted_at, updated_at
		FROM requests WHERE request_id = $1`, requestID).Scan(&v.RequestID, &v.Kind, &status, &routing, &v.SubmittedAt, &v.UpdatedAt)
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
	return v, nil
}
