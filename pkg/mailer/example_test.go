package mailer_test

import (
	"context"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ccicma/platform/pkg/mailer"
)

// receipts is how a service (say intake, for its applicants' receipts)
// composes its e-mails: from its own records, when they are sent.
type receipts struct{ pool *pgxpool.Pool }

func (r receipts) Compose(ctx context.Context, c mailer.Claim) (mailer.Message, error) {
	var m mailer.Message
	err := r.pool.QueryRow(ctx, `SELECT email, full_name FROM requests WHERE receipt_key = $1`, c.Key).
		Scan(&m.To, &m.ToName)
	m.Subject, m.Text = "Votre demande à la CCI et la CMA", "Nous avons bien reçu votre demande…"
	return m, err
}

// A service that sends e-mails lists mailer.Migrations() in its
// platform.Spec.Shared, queues each e-mail with the state change that
// calls for it, and runs a Mailer as a periodic job on every replica.
func Example() {
	ctx := context.Background()
	var cfg mailer.Config // embedded in the service's config: SMTP_URL, MAIL_LEASE…
	var pool *pgxpool.Pool
	var tx pgx.Tx // the transaction that stores the request

	// In the request's transaction: once-only by key, whatever retries.
	_, _ = mailer.Enqueue(ctx, tx, "receipt:"+"<request id>", time.Now())

	// At start: the settings checked, then the job.
	sender, err := mailer.NewSender(cfg, "CCI et CMA de l'Essonne <ne-pas-repondre@example.org>")
	if err != nil || cfg.Check() != nil {
		return
	}
	m := cfg.NewMailer(mailer.NewPostgresQueue(pool), receipts{pool}, sender, time.Now, slog.Default(), nil)
	_ = m.Run // rt.Every("mailer", cfg.MailPoll, m.Run)
}
