package peers

import (
	"encoding/json"
	"io/fs"
	"slices"
	"testing"

	"github.com/ccicma/platform/services/advisor-desk/internal/domain/casefile"
)

// TestChoicesMatchTheOwnersDocument: the desk's forms offer exactly the
// legal forms, abandon reasons and funding decisions creation-support
// documents, and keep as many funding requests as it does.
func TestChoicesMatchTheOwnersDocument(t *testing.T) {
	raw, err := fs.ReadFile(services, documents[CreationSupport])
	if err != nil {
		t.Fatal(err)
	}
	type schema struct {
		Properties map[string]schema `json:"properties"`
		Items      *schema           `json:"items"`
		Enum       []string          `json:"enum"`
		MaxItems   int               `json:"maxItems"`
	}
	var doc struct {
		Components struct {
			Schemas map[string]schema `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	s := doc.Components.Schemas
	codes := func(cs []casefile.Choice) []string {
		var out []string
		for _, c := range cs {
			out = append(out, c.Code)
		}
		return out
	}
	funding := s["Facts"].Properties["funding"]
	for name, c := range map[string]struct{ got, want []string }{
		"legal forms":       {codes(casefile.LegalForms()), s["RegistrationRequest"].Properties["legal_form"].Enum},
		"abandon reasons":   {codes(casefile.AbandonReasons()), s["AbandonRequest"].Properties["reason"].Enum},
		"funding decisions": {codes(casefile.FundingDecisions()), funding.Items.Properties["decision"].Enum},
	} {
		if len(c.want) == 0 || !slices.Equal(c.got, c.want) {
			t.Errorf("%s: the desk offers %q, creation-support takes %q", name, c.got, c.want)
		}
	}
	if funding.MaxItems != casefile.MaxFunding {
		t.Errorf("the desk offers %d funding requests, creation-support keeps %d", casefile.MaxFunding, funding.MaxItems)
	}
}

// TestMatchLabelsMatchTakeoverMatching: the drop form offers exactly the
// reasons takeover-matching takes, and every stage, side and step its
// history sends has a French label.
func TestMatchLabelsMatchTakeoverMatching(t *testing.T) {
	raw, err := fs.ReadFile(services, documents[TakeoverMatching])
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Components struct {
			Schemas map[string]struct {
				Properties map[string]struct {
					Enum []string `json:"enum"`
				} `json:"properties"`
			} `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	s := doc.Components.Schemas
	var reasons []string
	for _, c := range casefile.MatchDropReasons() {
		reasons = append(reasons, c.Code)
	}
	if want := s["DropInput"].Properties["reason"].Enum; len(want) == 0 || !slices.Equal(reasons, want) {
		t.Errorf("the desk offers the drop reasons %q, takeover-matching takes %q", reasons, want)
	}
	step := s["MatchStep"].Properties
	for family, codes := range map[string][]string{"match-stage": step["to"].Enum, "side": step["side"].Enum,
		"match-step": step["step"].Enum, "match-action": step["step"].Enum} {
		if len(codes) == 0 {
			t.Errorf("%s: no codes in takeover-matching's document", family)
		}
		for _, c := range codes {
			if casefile.Label(family, c) == c {
				t.Errorf("%s %q has no French label", family, c)
			}
		}
	}
}
