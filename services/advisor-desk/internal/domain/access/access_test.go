package access_test

import (
	"testing"

	"github.com/ccicma/platform/pkg/auth"

	"github.com/ccicma/platform/services/advisor-desk/internal/domain/access"
	"github.com/ccicma/platform/services/advisor-desk/internal/domain/directory"
)

func TestReadNotifications(t *testing.T) {
	t.Parallel()
	who := func(id, chamber string, roles ...auth.Role) auth.Principal {
		return auth.Principal{Subject: id, Chamber: chamber, Roles: roles}
	}
	cma1 := &directory.Advisor{AdvisorID: "cma-91-001", Chamber: "CMA"}
	cci1 := &directory.Advisor{AdvisorID: "cci-91-001", Chamber: "CCI"}
	tests := []struct {
		name   string
		reader auth.Principal
		owner  string
		entry  *directory.Advisor
		needs  bool
		may    bool
	}{
		{"own inbox", who("cma-91-001", "CMA", auth.RoleAdvisor), "cma-91-001", nil, false, true},
		{"own inbox, as a manager", who("cma-91-001", "CMA", auth.RoleManager), "cma-91-001", nil, false, true},
		{"colleague of the same chamber", who("cma-91-002", "CMA", auth.RoleAdvisor, auth.RolePreventionCell), "cma-91-001", nil, false, false},
		{"advisor of the other chamber", who("cci-91-002", "CCI", auth.RoleAdvisor), "cma-91-001", nil, false, false},
		{"admin", who("cma-91-009", "CMA", auth.RoleAdvisor, auth.RoleAdmin), "cma-91-001", nil, false, false},
		{"manager of the chamber", who("cma-91-006", "CMA", auth.RoleAdvisor, auth.RoleManager), "cma-91-001", cma1, true, true},
		{"manager of the other chamber", who("cma-91-006", "CMA", auth.RoleManager), "cci-91-001", cci1, true, false},
		{"manager, owner unknown", who("cma-91-006", "CMA", auth.RoleManager), "cma-91-404", nil, true, false},
		{"manager, entry of another id", who("cma-91-006", "CMA", auth.RoleManager), "cma-91-404", cma1, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := access.NeedsOwner(tt.reader, tt.owner); got != tt.needs {
				t.Errorf("NeedsOwner = %v, want %v", got, tt.needs)
			}
			if got := access.ReadNotifications(tt.reader, tt.owner, tt.entry); got != tt.may {
				t.Errorf("ReadNotifications = %v, want %v", got, tt.may)
			}
		})
	}
}
