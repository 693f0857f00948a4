package access_test

import (
	"testing"

	"github.com/ccicma/platform/pkg/auth"

	"github.com/ccicma/platform/services/intake/internal/domain/access"
	"github.com/ccicma/platform/services/intake/internal/domain/request"
)

func TestReadRequest(t *testing.T) {
	t.Parallel()
	who := func(id, chamber string, roles ...auth.Role) auth.Principal {
		return auth.Principal{Subject: id, Chamber: chamber, Roles: roles}
	}
	creation := access.Request{Kind: request.KindCreation, LeadChamber: "CMA", AdvisorIDs: []string{"cma-91-003"}}
	shared := access.Request{Kind: request.KindBuyerSearch, LeadChamber: "CCI", SecondaryChamber: "CMA"}
	handedOver := access.Request{Kind: request.KindCreation, LeadChamber: "CMA", CaseChamber: "CCI", AdvisorIDs: []string{"cci-91-004"}}
	report := access.Request{Kind: request.KindDifficulty, LeadChamber: "CCI", SecondaryChamber: "CMA", AdvisorIDs: []string{"cci-91-002"}}
	reportCMAOnly := access.Request{Kind: request.KindDifficulty, LeadChamber: "CMA"}
	seller := access.Request{Kind: request.KindTakeoverOffer, LeadChamber: "CMA", AdvisorIDs: []string{"cma-91-003"}}
	sellerIntroduced := seller
	sellerIntroduced.IntroducedTo = []string{"CCI"}
	buyerIntroduced := access.Request{Kind: request.KindBuyerSearch, LeadChamber: "CCI", CaseChamber: "CCI", IntroducedTo: []string{"CMA"}}
	creationIntroduced := access.Request{Kind: request.KindCreation, LeadChamber: "CMA", IntroducedTo: []string{"CCI"}}
	tests := []struct {
		name   string
		reader auth.Principal
		req    access.Request
		may    bool
	}{
		{"advisor of the lead chamber", who("cma-91-005", "CMA", auth.RoleAdvisor), creation, true},
		{"manager of the lead chamber", who("cma-91-001", "CMA", auth.RoleManager), creation, true},
		{"advisor of the other chamber", who("cci-91-005", "CCI", auth.RoleAdvisor), creation, false},
		{"manager of the other chamber", who("cci-91-001", "CCI", auth.RoleManager), creation, false},
		{"admin of the lead chamber", who("cma-91-009", "CMA", auth.RoleAdmin), creation, false},
		{"no role at all", who("cma-91-010", "CMA"), creation, false},
		{"advisor of the secondary chamber", who("cma-91-005", "CMA", auth.RoleAdvisor), shared, true},
		{"chamber the case was handed over to", who("cci-91-005", "CCI", auth.RoleAdvisor), handedOver, true},
		{"assigned advisor of the case", who("cci-91-004", "CCI", auth.RoleAdvisor), handedOver, true},
		{"report: assigned prevention advisor", who("cci-91-002", "CCI", auth.RoleAdvisor), report, true},
		{"report: prevention cell of a routed chamber", who("cma-91-002", "CMA", auth.RolePreventionCell), report, true},
		{"report: advisor of a routed chamber", who("cci-91-005", "CCI", auth.RoleAdvisor), report, false},
		{"report: manager of a routed chamber", who("cci-91-001", "CCI", auth.RoleManager), report, false},
		{"report: prevention cell of another chamber", who("cci-91-002", "CCI", auth.RolePreventionCell), reportCMAOnly, false},
		{"report: prevention cell of the only chamber", who("cma-91-002", "CMA", auth.RolePreventionCell), reportCMAOnly, true},
		{"seller before the introduction: the buyer's chamber", who("cci-91-005", "CCI", auth.RoleAdvisor), seller, false},
		{"seller introduced: the buyer's chamber's advisor", who("cci-91-005", "CCI", auth.RoleAdvisor), sellerIntroduced, true},
		{"seller introduced: the buyer's chamber's manager", who("cci-91-001", "CCI", auth.RoleManager), sellerIntroduced, false},
		{"buyer introduced: the seller's chamber's advisor", who("cma-91-005", "CMA", auth.RoleAdvisor), buyerIntroduced, true},
		{"buyer introduced: the seller's chamber's manager", who("cma-91-001", "CMA", auth.RoleManager), buyerIntroduced, false},
		{"an introduction grants no creation request", who("cci-91-005", "CCI", auth.RoleAdvisor), creationIntroduced, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := access.ReadRequest(tt.reader, tt.req); got != tt.may {
				t.Errorf("ReadRequest = %v, want %v", got, tt.may)
			}
		})
	}
}

func TestReadAuditLog(t *testing.T) {
	t.Parallel()
	if !access.ReadAuditLog(auth.Principal{Subject: "cci-91-001", Chamber: "CCI", Roles: []auth.Role{auth.RoleManager}}) {
		t.Error("a manager may read the audit log")
	}
	if access.ReadAuditLog(auth.Principal{Subject: "cci-91-002", Chamber: "CCI", Roles: []auth.Role{auth.RoleAdvisor, auth.RolePreventionCell, auth.RoleAdmin}}) {
		t.Error("an advisor, prevention cell member or admin may not")
	}
}

func TestChambers(t *testing.T) {
	t.Parallel()
	got := access.Request{LeadChamber: "CMA", SecondaryChamber: "CCI", CaseChamber: "CCI"}.Chambers()
	if len(got) != 2 || got[0] != "CMA" || got[1] != "CCI" {
		t.Errorf("Chambers = %v, want [CMA CCI]", got)
	}
	if got := (access.Request{}).Chambers(); len(got) != 0 {
		t.Errorf("Chambers of a request routed nowhere = %v", got)
	}
}
