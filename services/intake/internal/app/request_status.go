package app

import "context"

// RequestStatus shows an applicant where their request stands.
type RequestStatus struct {
	Requests Requests
}

// Get returns the status of a request, or ErrNotFound.
func (uc RequestStatus) Get(ctx context.Context, requestID string) (StatusView, error) {
	return uc.Requests.Status(ctx, requestID)
}
