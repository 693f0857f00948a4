package routing_test

import (
	"strings"
	"testing"

	"github.com/ccicma/platform/pkg/refdata"

	"github.com/ccicma/platform/services/intake/internal/domain/routing"
)

// TestTableCoverage counts how many sub-classes of the list of artisanal
// activities the embedded table routes to the CMA as lead for a business
// of one employee: all of them, 'always' and 'partly' alike. The counts go
// in the closing note (go test -run TestTableCoverage -v).
func TestTableCoverage(t *testing.T) {
	t.Parallel()
	ref := loadRef(t)
	router := routing.Router{Ref: ref, Departements: []string{"91"}}
	stats := ref.Stats()

	var subclasses []refdata.NAFEntry
	for d := '0'; d <= '9'; d++ {
		subclasses = append(subclasses, ref.SearchNAF(string(d), 1000)...)
	}
	if len(subclasses) != stats.NAFSubclasses {
		t.Fatalf("enumerated %d sub-classes, the nomenclature has %d", len(subclasses), stats.NAFSubclasses)
	}
	listed := map[refdata.ArtisanalKind]int{}
	toCMA := map[refdata.ArtisanalKind]int{}
	var missed []string
	version := ""
	for _, e := range subclasses {
		a, ok := ref.Artisanat(e.Code)
		if !ok {
			continue
		}
		listed[a.Kind]++
		r := router.Route(routing.Input{NAFCode: e.Code, Headcount: 1, Departement: "91"})
		version = r.RulesVersion
		if r.LeadChamber == cma && strings.HasPrefix(r.RuleID, "artisanal-") {
			toCMA[a.Kind]++
		} else {
			missed = append(missed, e.Code+" "+string(a.Kind)+" -> "+r.RuleID)
		}
	}
	always, partly := refdata.ArtisanalAlways, refdata.ArtisanalPartly
	t.Logf("table %s: CMA leads for %d of %d 'always' and %d of %d 'partly' artisanal sub-classes (1 employee)",
		version, toCMA[always], listed[always], toCMA[partly], listed[partly])
	if listed[always] != stats.ArtisanalAlways || listed[partly] != stats.ArtisanalPartly {
		t.Errorf("found %d always and %d partly sub-classes, refdata lists %d and %d",
			listed[always], listed[partly], stats.ArtisanalAlways, stats.ArtisanalPartly)
	}
	if len(missed) > 0 {
		t.Errorf("artisanal sub-classes not routed to the CMA: %s", strings.Join(missed, "; "))
	}
}
