package app

import "context"

// RecordPartnerCall records a call the HTTP port refused before any use
// case could (no token, a rate exceeded, an unreadable body).
type RecordPartnerCall struct {
	Calls PartnerCalls
}

// Record records c.
func (uc RecordPartnerCall) Record(ctx context.Context, c PartnerCall) error {
	return uc.Calls.RecordCall(ctx, c)
}
