package peers

import (
	"context"
	"encoding/json"
	"io/fs"
	"slices"
	"testing"

	"github.com/ccicma/platform/services/advisor-desk/internal/domain/casefile"
)

// The contracts of the takeover care calls, added to the table of
// contract_test.go.
func init() {
	for name, k := range map[string]contract{
		"TakeOfferInCharge": {TakeoverMatching, "POST /api/v1/takeover-offers/{id}/take-in-charge",
			func(ctx context.Context, c *Client) error { return c.TakeOfferInCharge(ctx, "tok", caseID) }, nil, nil},
		"HandBackOffer": {TakeoverMatching, "POST /api/v1/takeover-offers/{id}/hand-back",
			func(ctx context.Context, c *Client) error {
				return c.HandBackOffer(ctx, "tok", caseID, "no_capacity", "Trop de dossiers ce mois-ci")
			}, nil, nil},
		"TakeSearchInCharge": {TakeoverMatching, "POST /api/v1/buyer-searches/{id}/take-in-charge",
			func(ctx context.Context, c *Client) error { return c.TakeSearchInCharge(ctx, "tok", caseID) }, nil, nil},
		"HandBackSearch": {TakeoverMatching, "POST /api/v1/buyer-searches/{id}/hand-back",
			func(ctx context.Context, c *Client) error { return c.HandBackSearch(ctx, "tok", caseID, "other", "") }, nil, nil},
		"RaiseCreationConcern": {CreationSupport, "POST /api/v1/creation-cases/{id}/difficulty-concerns",
			func(ctx context.Context, c *Client) error {
				return c.RaiseCreationConcern(ctx, "tok", caseID, []string{"activity_drop"})
			}, nil, nil},
		"RaiseOfferConcern": {TakeoverMatching, "POST /api/v1/takeover-offers/{id}/difficulty-concerns",
			func(ctx context.Context, c *Client) error {
				return c.RaiseOfferConcern(ctx, "tok", caseID, []string{"cash_flow", "owner_wellbeing"})
			}, nil, nil},
	} {
		contracts[name] = k
	}
}

// TestTakeoverHandBackReasonsMatchTakeoverMatching: the desk's "pas pour
// moi" form on an offer or a search offers exactly the reasons
// takeover-matching takes.
func TestTakeoverHandBackReasonsMatchTakeoverMatching(t *testing.T) {
	raw, err := fs.ReadFile(services, documents[TakeoverMatching])
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Components struct {
			Schemas map[string]struct {
				Properties map[string]struct {
					Enum      []string `json:"enum"`
					MaxLength int      `json:"maxLength"`
				} `json:"properties"`
			} `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	in := doc.Components.Schemas["HandBackInput"].Properties
	var got []string
	for _, r := range casefile.TakeoverHandBackReasons() {
		got = append(got, r.Code)
		if !casefile.ValidTakeoverHandBackReason(r.Code) || r.Label == "" {
			t.Errorf("reason %+v", r)
		}
	}
	if want := in["reason"].Enum; len(want) == 0 || !slices.Equal(got, want) {
		t.Errorf("the desk offers %q, takeover-matching takes %q", got, want)
	}
	if in["comment"].MaxLength != casefile.MaxComment {
		t.Errorf("the desk bounds the comment to %d characters, takeover-matching to %d", casefile.MaxComment, in["comment"].MaxLength)
	}
	if casefile.ValidTakeoverHandBackReason("wrong_chamber") {
		t.Error("the other chamber is offered for a takeover file")
	}
}
