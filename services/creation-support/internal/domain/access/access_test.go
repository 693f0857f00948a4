package access

import (
	"errors"
	"testing"

	"github.com/ccicma/platform/pkg/auth"

	"github.com/ccicma/platform/services/creation-support/internal/domain/creation"
)

func TestRules(t *testing.T) {
	advisor := func(id, chamber string, roles ...auth.Role) auth.Principal {
		if len(roles) == 0 {
			roles = []auth.Role{auth.RoleAdvisor}
		}
		return auth.Principal{Subject: id, Chamber: chamber, Roles: roles}
	}
	cciCase := creation.Case{ID: "c1", Chamber: "CCI", AdvisorID: "cci-a"}
	sharedWithCMA := creation.Case{ID: "c2", Chamber: "CCI", SecondaryChamber: "CMA", AdvisorID: "cci-a"}
	unassigned := creation.Case{ID: "c3", Chamber: "CCI"}
	cciManager := advisor("cci-m", "CCI", auth.RoleManager)
	tests := []struct {
		name               string
		p                  auth.Principal
		c                  creation.Case
		see, act, reassign error
	}{
		{"assigned advisor", advisor("cci-a", "CCI"), cciCase, nil, nil, ErrNotManager},
		{"colleague of the same chamber sees, may not act", advisor("cci-b", "CCI"), cciCase, nil, ErrNotAssignee, ErrNotManager},
		{"advisor of the other chamber sees nothing", advisor("cma-a", "CMA"), cciCase, ErrNotVisible, ErrNotVisible, ErrNotVisible},
		{"advisor of the secondary chamber sees the shared case", advisor("cma-a", "CMA"), sharedWithCMA, nil, ErrNotAssignee, ErrNotManager},
		{"manager of the chamber reassigns", cciManager, cciCase, nil, ErrNotAssignee, nil},
		{"manager-only of the secondary chamber does not see it", advisor("cma-m", "CMA", auth.RoleManager), sharedWithCMA, ErrNotVisible, ErrNotVisible, ErrNotVisible},
		{"manager and advisor of the secondary chamber sees, may not reassign", advisor("cma-m", "CMA", auth.RoleAdvisor, auth.RoleManager), sharedWithCMA, nil, ErrNotAssignee, ErrNotManager},
		{"manager of the other chamber", advisor("cma-m", "CMA", auth.RoleManager, auth.RoleAdvisor), cciCase, ErrNotVisible, ErrNotVisible, ErrNotVisible},
		{"admin only sees nothing", advisor("cci-admin", "CCI", auth.RoleAdmin), cciCase, ErrNotVisible, ErrNotVisible, ErrNotVisible},
		{"prevention cell only sees nothing", advisor("cci-p", "CCI", auth.RolePreventionCell), cciCase, ErrNotVisible, ErrNotVisible, ErrNotVisible},
		{"nobody acts as assignee of an unassigned case", advisor("", "CCI"), unassigned, nil, ErrNotAssignee, ErrNotManager},
		{"manager reassigns an unassigned case", cciManager, unassigned, nil, ErrNotAssignee, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, rule := range []struct {
				name string
				got  error
				want error
			}{{"See", See(tt.p, tt.c), tt.see}, {"ActAsAssignee", ActAsAssignee(tt.p, tt.c), tt.act}, {"Reassign", Reassign(tt.p, tt.c), tt.reassign}} {
				if !errors.Is(rule.got, rule.want) || (rule.want == nil) != (rule.got == nil) {
					t.Errorf("%s = %v, want %v", rule.name, rule.got, rule.want)
				}
				if rule.got != nil && !errors.Is(rule.got, ErrForbidden) {
					t.Errorf("%s refusal %v is not ErrForbidden", rule.name, rule.got)
				}
			}
			// The list's scope agrees with See.
			s, ok := ScopeOf(tt.p)
			if sees := ok && s.Sees(tt.c); sees != (tt.see == nil) {
				t.Errorf("ScopeOf(...).Sees = %v, See = %v", sees, tt.see)
			}
		})
	}
}
