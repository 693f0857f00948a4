package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/ccicma/platform/pkg/audit"
	"github.com/ccicma/platform/pkg/auth"
	"github.com/ccicma/platform/pkg/events"

	"github.com/ccicma/platform/services/intake/internal/domain/access"
	"github.com/ccicma/platform/services/intake/internal/domain/request"
)

// ErrForbidden means that the reader may not see this.
var ErrForbidden = errors.New("forbidden")

// AdvisorView is what an advisor allowed by the access rules sees of a
// request: everything, with the applicant's contact details.
type AdvisorView struct {
	RequestID string         `json:"request_id"`
	Kind      string         `json:"kind"`
	Status    request.Status `json:"status"`
	// Chamber holds the case now, once a chamber opened one.
	Chamber    string         `json:"chamber,omitempty"`
	AdvisorIDs []string       `json:"advisor_ids"`
	Routing    events.Routing `json:"routing"`
	// RoutingBasis is what the routing relied on (routing.Basis): the
	// inputs as read and what the reference data said of them.
	RoutingBasis json.RawMessage `json:"routing_basis"`
	SubmittedAt  time.Time       `json:"submitted_at"`
	UpdatedAt    time.Time       `json:"updated_at"`
	// Details is the request as submitted, with the applicant; after the
	// retention period it holds only {"anonymised": true}.
	Details json.RawMessage `json:"details"`
	// IntroducedTo are the chambers of the other sides of the takeover
	// introductions of the request, for the access rules only.
	IntroducedTo []string `json:"-"`
}

// Access returns what the access rules look at.
func (v AdvisorView) Access() access.Request {
	return access.Request{Kind: v.Kind, LeadChamber: v.Routing.LeadChamber, SecondaryChamber: v.Routing.SecondaryChamber,
		CaseChamber: v.Chamber, AdvisorIDs: v.AdvisorIDs, IntroducedTo: v.IntroducedTo}
}

// ReadLog is the log of advisors' reads of requests.
type ReadLog interface {
	// AdvisorView returns a request with its details, or ErrNotFound.
	AdvisorView(ctx context.Context, requestID string) (AdvisorView, error)
	// RecordReads appends to the log.
	RecordReads(ctx context.Context, entries ...audit.Entry) error
	// Reads queries the log.
	Reads(ctx context.Context, f audit.Filter) ([]audit.Entry, error)
}

// Audit resources: what was read.
const (
	ResourceRequest          = "request"           // a request with its contact details
	ResourceDifficultyReport = "difficulty_report" // a confidential difficulty report
)

// ReadRequest lets an advisor read a request with its applicant's contact
// details, as the access rules allow; every read is logged before the data
// is returned, and a read that cannot be logged does not happen.
type ReadRequest struct {
	Log ReadLog
	Now Clock
}

// Get returns the request, ErrNotFound, or ErrForbidden.
func (uc ReadRequest) Get(ctx context.Context, reader auth.Principal, requestID string) (AdvisorView, error) {
	v, err := uc.Log.AdvisorView(ctx, requestID)
	if err != nil {
		return AdvisorView{}, err
	}
	rules := v.Access()
	if !access.ReadRequest(reader, rules) {
		return AdvisorView{}, ErrForbidden
	}
	resource := ResourceRequest
	if v.Kind == request.KindDifficulty {
		resource = ResourceDifficultyReport
	}
	entry := audit.Entry{At: uc.Now(), ActorID: reader.Subject, ActorChamber: reader.Chamber, Action: "read",
		Resource: resource, ResourceID: v.RequestID, Chambers: rules.Chambers(), TraceID: audit.TraceID(ctx)}
	if err := uc.Log.RecordReads(ctx, entry); err != nil {
		return AdvisorView{}, fmt.Errorf("log the read of request %s: %w", requestID, err)
	}
	return v, nil
}
