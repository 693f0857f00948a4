package app

import (
	"context"
	"log/slog"
	"time"
)

// MailPruner deletes old finished e-mails (mailer.PostgresQueue; the
// e-mails' rows and items go with them).
type MailPruner interface {
	Prune(ctx context.Context, before time.Time) (int64, error)
}

// PruneMails is the periodic job that keeps the e-mail queue small. The
// retention must outlast the digests' look-back (a week), or notifications
// of a pruned digest would look unsent.
type PruneMails struct {
	Mails     MailPruner
	Retention time.Duration
	Now       Clock
	Log       *slog.Logger
}

// Run deletes the e-mails finished before the retention horizon.
func (uc PruneMails) Run(ctx context.Context) error {
	n, err := uc.Mails.Prune(ctx, uc.Now().Add(-uc.Retention))
	if err != nil {
		return err
	}
	if n > 0 {
		uc.Log.InfoContext(ctx, "pruned e-mails", "rows", n)
	}
	return nil
}
