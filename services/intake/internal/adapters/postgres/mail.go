package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ccicma/platform/services/intake/internal/app"
	"github.com/ccicma/platform/services/intake/internal/domain/notice"
	"github.com/ccicma/platform/services/intake/internal/domain/request"
)

// mailSettings is how the store queues e-mails (nil: it queues none).
type mailSettings struct {
	followUpDelay time.Duration
	now           func() time.Time
}

// EnableMail makes the store queue the applicants' e-mails (pkg/mailer's
// mail_queue, in the same transactions as what calls for them): a receipt
// with every request stored, and a follow-up, due followUpDelay later,
// with every step of a case that calls for one (notice.FollowsUp). Called
// before the store is used.
func (s *Store) EnableMail(followUpDelay time.Duration, now func() time.Time) {
	s.mail = &mailSettings{followUpDelay: followUpDelay, now: now}
}

// queueReceiptSQL queues a request's receipt; a key already queued (it
// cannot be: the request is new) is left as it is.
const queueReceiptSQL = `INSERT INTO mail_queue (key, next_attempt_at, created_at) VALUES ($1, $2, $2)
	ON CONFLICT (key) DO NOTHING`

// followUpStatuses are the statuses whose steps call for a follow-up (the
// SQL of Advance filters on them, notice composes them).
func followUpStatuses() []string {
	var out []string
	for _, st := range []request.Status{request.StatusReceived, request.StatusAssigned, request.StatusInCharge, request.StatusClosed} {
		if notice.FollowsUp(request.KindCreation, st) {
			out = append(out, string(st))
		}
	}
	return out
}

// MailRequest implements app.MailContents: what an e-mail may say of the
// request, as it is now; found=false when the request is gone or its
// personal data was erased.
func (s *Store) MailRequest(ctx context.Context, requestID string) (notice.Request, bool, error) {
	r := notice.Request{ID: requestID}
	var routing, applicant []byte
	var erased bool
	err := s.pool.QueryRow(ctx, `SELECT kind, routing, submitted_at, details->'applicant', coalesce(outcome, ''),
			anonymised_at IS NOT NULL
		FROM requests WHERE request_id = $1`, requestID).
		Scan(&r.Kind, &routing, &r.SubmittedAt, &applicant, &r.Outcome, &erased)
	if errors.Is(err, pgx.ErrNoRows) {
		return notice.Request{}, false, nil
	}
	if err != nil {
		return notice.Request{}, false, fmt.Errorf("load request %s for e-mail: %w", requestID, err)
	}
	if erased || applicant == nil {
		return notice.Request{}, false, nil
	}
	if err := json.Unmarshal(routing, &r.Routing); err != nil {
		return notice.Request{}, false, fmt.Errorf("decode routing: %w", err)
	}
	var a request.Applicant
	if err := json.Unmarshal(applicant, &a); err != nil {
		return notice.Request{}, false, fmt.Errorf("decode applicant: %w", err)
	}
	r.FirstName, r.LastName, r.Email = a.FirstName, a.LastName, a.Email
	return r, true, nil
}

var _ app.MailContents = (*Store)(nil)
