package access

import "testing"

func TestVetsAndActs(t *testing.T) {
	t.Parallel()
	cma := Owners{Chamber: "CMA"}
	shared := Owners{Chamber: "CCI", SecondaryChamber: "CMA"}
	if !Vets(cmaAdvisor, cma, cmaAdvisor.Subject) || !Acts(cmaAdvisor, cma) {
		t.Error("the offer's own advisor may vet and act")
	}
	if Vets(cmaAdvisor, cma, "cma-91-999") {
		t.Error("another advisor of the chamber vets an offer assigned to someone else")
	}
	if !Acts(cmaAdvisor, cma) {
		t.Error("an advisor of the chamber may change a status")
	}
	if !Vets(cmaManager, cma, "cma-91-999") {
		t.Error("a manager of the chamber may vet")
	}
	if !Vets(cmaAdvisor, cma, "") {
		t.Error("an unassigned offer is vetted by any advisor of its chamber")
	}
	if !Vets(cmaManager, shared, "cci-91-002") || !Acts(cmaAdvisor, shared) {
		t.Error("the sharing chamber's manager vets and its advisors act")
	}
	for _, p := range []struct {
		name string
		ok   bool
	}{{"other chamber vets", Vets(cciAdvisor, cma, "")}, {"other chamber acts", Acts(cciManager, cma)},
		{"prevention cell acts", Acts(cciCell, shared)}, {"admin vets", Vets(cciAdmin, shared, "")}} {
		if p.ok {
			t.Errorf("%s: allowed", p.name)
		}
	}
}
