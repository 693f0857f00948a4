package access_test

import (
	"testing"

	"github.com/ccicma/platform/pkg/auth"

	"github.com/ccicma/platform/services/difficulty-alert/internal/domain/access"
	"github.com/ccicma/platform/services/difficulty-alert/internal/domain/prevention"
)

func who(id, chamber string, roles ...auth.Role) auth.Principal {
	return auth.Principal{Subject: id, Chamber: chamber, Roles: roles}
}

func TestReadCase(t *testing.T) {
	t.Parallel()
	// Routed to the CMA (lead) and the CCI, assigned to one advisor of each.
	shared := prevention.Case{ID: "c1", Chamber: "CMA", SecondaryChamber: "CCI", AdvisorIDs: []string{"cma-91-010", "cci-91-010"}}
	// Routed to the CMA alone, nobody assigned yet.
	cmaOnly := prevention.Case{ID: "c2", Chamber: "CMA"}
	tests := []struct {
		name   string
		reader auth.Principal
		c      prevention.Case
		may    bool
	}{
		{"assigned advisor of the lead chamber", who("cma-91-010", "CMA", auth.RoleAdvisor), shared, true},
		{"assigned advisor of the secondary chamber", who("cci-91-010", "CCI", auth.RoleAdvisor), shared, true},
		{"assigned advisor without any role", who("cci-91-010", "CCI"), shared, true},
		{"prevention cell of the lead chamber", who("cma-91-002", "CMA", auth.RoleAdvisor, auth.RolePreventionCell), cmaOnly, true},
		{"prevention cell of the secondary chamber", who("cci-91-002", "CCI", auth.RolePreventionCell), shared, true},
		{"prevention cell of a chamber not routed", who("cci-91-002", "CCI", auth.RoleAdvisor, auth.RolePreventionCell), cmaOnly, false},
		{"advisor of the routed chamber, not assigned", who("cma-91-003", "CMA", auth.RoleAdvisor), cmaOnly, false},
		{"advisor assigned to another case", who("cma-91-010", "CMA", auth.RoleAdvisor), cmaOnly, false},
		{"manager of the routed chamber", who("cma-91-001", "CMA", auth.RoleAdvisor, auth.RoleManager), cmaOnly, false},
		{"manager of both routed chambers' kind", who("cci-91-001", "CCI", auth.RoleManager), shared, false},
		{"manager who is also in the cell", who("cma-91-005", "CMA", auth.RoleManager, auth.RolePreventionCell), cmaOnly, true},
		{"admin", who("cma-91-009", "CMA", auth.RoleAdvisor, auth.RoleAdmin), cmaOnly, false},
		{"every role but the cell, other chamber", who("cci-91-009", "CCI", auth.RoleAdvisor, auth.RoleManager, auth.RoleAdmin), shared, false},
		{"cell role without a chamber", who("x", "", auth.RolePreventionCell), prevention.Case{ID: "c3", Chamber: ""}, false},
		{"no subject is not an assignee", who("", "CMA"), prevention.Case{ID: "c4", Chamber: "CMA", AdvisorIDs: []string{""}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := access.ReadCase(tt.reader, tt.c); got != tt.may {
				t.Fatalf("ReadCase = %v, want %v", got, tt.may)
			}
		})
	}
}

func TestListScope(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		reader auth.Principal
		want   access.Scope
	}{
		{"advisor: their assigned cases", who("cma-91-003", "CMA", auth.RoleAdvisor), access.Scope{AdvisorID: "cma-91-003"}},
		{"cell member: also their chamber's cases", who("cci-91-002", "CCI", auth.RoleAdvisor, auth.RolePreventionCell), access.Scope{AdvisorID: "cci-91-002", CellChamber: "CCI"}},
		{"manager: no more than an advisor", who("cma-91-001", "CMA", auth.RoleAdvisor, auth.RoleManager), access.Scope{AdvisorID: "cma-91-001"}},
		{"admin: no more than an advisor", who("cma-91-009", "CMA", auth.RoleAdmin), access.Scope{AdvisorID: "cma-91-009"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := access.ListScope(tt.reader); got != tt.want {
				t.Fatalf("ListScope = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestReadAuditLog(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		reader  auth.Principal
		chamber string
		may     bool
	}{
		{"manager of the CMA", who("cma-91-001", "CMA", auth.RoleAdvisor, auth.RoleManager), "CMA", true},
		{"manager of the CCI", who("cci-91-001", "CCI", auth.RoleManager), "CCI", true},
		{"advisor", who("cma-91-003", "CMA", auth.RoleAdvisor), "", false},
		{"prevention cell member", who("cma-91-002", "CMA", auth.RoleAdvisor, auth.RolePreventionCell), "", false},
		{"admin", who("cma-91-009", "CMA", auth.RoleAdvisor, auth.RoleAdmin), "", false},
		{"manager without a chamber", who("x", "", auth.RoleManager), "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			chamber, ok := access.ReadAuditLog(tt.reader)
			if chamber != tt.chamber || ok != tt.may {
				t.Fatalf("ReadAuditLog = %q, %v; want %q, %v", chamber, ok, tt.chamber, tt.may)
			}
		})
	}
}

// TestSignalRules: only the prevention cell (of a chamber) imports and
// reads a business's signals; a manager, an admin or an advisor with the
// difficulty speciality does not.
func TestSignalRules(t *testing.T) {
	for _, tt := range []struct {
		name string
		p    auth.Principal
		want bool
	}{
		{"cell member", auth.Principal{Subject: "a", Chamber: "CMA", Roles: []auth.Role{auth.RoleAdvisor, auth.RolePreventionCell}}, true},
		{"cell role without a chamber", auth.Principal{Subject: "a", Roles: []auth.Role{auth.RolePreventionCell}}, false},
		{"advisor", auth.Principal{Subject: "a", Chamber: "CMA", Roles: []auth.Role{auth.RoleAdvisor}}, false},
		{"manager", auth.Principal{Subject: "a", Chamber: "CCI", Roles: []auth.Role{auth.RoleAdvisor, auth.RoleManager}}, false},
		{"admin", auth.Principal{Subject: "a", Chamber: "CCI", Roles: []auth.Role{auth.RoleAdmin}}, false},
	} {
		if got := access.ImportSignals(tt.p); got != tt.want {
			t.Errorf("%s imports: %v, want %v", tt.name, got, tt.want)
		}
		if got := access.ReadSignals(tt.p); got != tt.want {
			t.Errorf("%s reads signals: %v, want %v", tt.name, got, tt.want)
		}
	}
}
