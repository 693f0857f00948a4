package access_test

import (
	"testing"

	"github.com/ccicma/platform/pkg/auth"

	"github.com/ccicma/platform/services/advisor-desk/internal/domain/access"
)

func TestDirectoryRules(t *testing.T) {
	t.Parallel()
	p := func(sub, chamber string, roles ...auth.Role) auth.Principal {
		return auth.Principal{Subject: sub, Chamber: chamber, Roles: roles}
	}
	tests := []struct {
		name           string
		who            auth.Principal
		target         string
		manage, absent bool
	}{
		{"an admin", p("admin-1", "CCI", auth.RoleAdmin), "cma-91-001", true, true},
		{"an admin who is also an advisor", p("cci-91-001", "CCI", auth.RoleAdvisor, auth.RoleAdmin), "cma-91-001", true, true},
		{"an advisor, for themself", p("cma-91-001", "CMA", auth.RoleAdvisor), "cma-91-001", false, true},
		{"an advisor, for a colleague", p("cma-91-001", "CMA", auth.RoleAdvisor), "cma-91-002", false, false},
		{"a manager, for an advisor of their chamber", p("cma-91-006", "CMA", auth.RoleAdvisor, auth.RoleManager), "cma-91-001", false, false},
		{"the prevention cell", p("cci-91-002", "CCI", auth.RolePreventionCell), "cma-91-002", false, false},
		{"no role at all, for themself", p("cma-91-001", "CMA"), "cma-91-001", false, true},
	}
	for _, tt := range tests {
		if got := access.ManageDirectory(tt.who); got != tt.manage {
			t.Errorf("%s: ManageDirectory = %v, want %v", tt.name, got, tt.manage)
		}
		if got := access.SetAbsence(tt.who, tt.target); got != tt.absent {
			t.Errorf("%s: SetAbsence(%s) = %v, want %v", tt.name, tt.target, got, tt.absent)
		}
	}
}
