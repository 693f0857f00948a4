// Package mailer sends a service's transactional e-mails once each, over
// SMTP, from a queue in the service's own schema.
//
// Delivery is lease, send, record. A mailer claims a due e-mail in a short
// transaction that marks it as being sent, by whom and until when (its
// lease), and commits; it sends it with no transaction open; then it
// records what the SMTP server answered (sent, retry at, failed for good)
// in a transaction of its own, with a context detached from the job's
// cancellation. A service stopping cleanly therefore finishes the send in
// flight (bounded by the SMTP timeout) and records its outcome (retried
// while the database does not answer, up to RecordTimeout): nothing is
// sent twice. Only a process killed inside the send window (after the
// claim, before the record), or a database unreachable for all of
// RecordTimeout right after the send, leaves an e-mail leased without an
// outcome; it is sent again once its lease has expired, never before. That
// is the one at-least-once case, and the resend carries the same
// Message-ID (derived from the e-mail's key), so that the receiving side
// can recognise it.
//
// What is generic lives here: the SMTP sender (whose errors and logs never
// carry an address or content), its settings, the retry policy and the
// classification of SMTP answers (4xx and network errors are retried with
// backoff, 5xx are final), the delivery loop over a small Queue interface,
// and a Postgres queue (Migrations, Enqueue, PostgresQueue). A service
// keeps what its e-mails say: it queues keys in its own transactions and
// composes each message when it is sent (Composer), from its own tables,
// so that no address or text is copied into the queue.
package mailer

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"time"
)

// Message is a composed e-mail. To, ToName, Subject, Text and HTML are
// personal data: the mailer never logs them.
type Message struct {
	// MessageID is set by the mailer from the e-mail's key (MessageID).
	MessageID string
	To        string
	ToName    string
	Subject   string
	Text      string
	// HTML, when set, is sent as an alternative to Text.
	HTML string
}

// Statuses of a queued e-mail.
const (
	StatusPending = "pending" // due at next_attempt_at
	StatusSending = "sending" // leased to a mailer until next_attempt_at
	StatusSent    = "sent"
	StatusFailed  = "failed"  // given up: refused for good, or out of attempts
	StatusSkipped = "skipped" // nothing to say (the composer said so)
)

// ErrNothingToSend is what a Composer returns for an e-mail that has
// nothing left to report (an empty digest): it is skipped, not sent.
var ErrNothingToSend = errors.New("nothing to send")

// Claim is an e-mail leased to one mailer.
type Claim struct {
	ID  int64
	Key string
	// Attempt is this attempt's number, from 1; it also fences the
	// record: an outcome is stored only for the latest claim.
	Attempt     int
	Owner       string
	LeasedUntil time.Time
	// Reclaimed: the e-mail's previous lease expired without an outcome
	// (its mailer was killed); it may have been sent already.
	Reclaimed bool
}

// Outcome is what becomes of a claimed e-mail.
type Outcome struct {
	Status      string
	NextAttempt time.Time // when pending again
	Error       string    // a reason without personal data
}

// MessageID is the stable Message-ID of the e-mail with this key: a hash,
// so that the key (which names records of the service) does not show in
// the header, and the same for every attempt, so that a resend after a
// crash is recognisable.
func MessageID(key, domain string) string {
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:16]) + "@" + domain
}
