package app

import (
	"context"
	"fmt"

	"github.com/ccicma/platform/services/difficulty-alert/internal/domain/partner"
)

// SyncPartnerClients provisions the partner clients from the
// configuration at start: the clients file is the whole truth, so a client
// taken out of it (or marked inactive) can no longer get nor use a token.
// Without a file, every client is inactive: the partners' API is closed.
type SyncPartnerClients struct {
	Clients PartnerClients
	Now     Clock
}

// Sync stores clients as the only active ones.
func (uc SyncPartnerClients) Sync(ctx context.Context, clients []partner.Client) error {
	if err := uc.Clients.SyncClients(ctx, clients, uc.Now()); err != nil {
		return fmt.Errorf("provision partner clients: %w", err)
	}
	return nil
}
