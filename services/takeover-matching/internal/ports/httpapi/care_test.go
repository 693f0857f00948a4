package httpapi_test

import (
	"testing"

	"github.com/ccicma/platform/pkg/events"

	"github.com/ccicma/platform/services/takeover-matching/internal/domain/takeover"
)

// assign gives the offer or search named to advisorID, as registration
// would have had the advisor been in the directory then, and puts the
// advisors in the projection (takeover advisors of département 91), so
// that a hand-back finds someone.
func (f *fixture) assign(t *testing.T, table, name, advisorID string, advisors ...takeover.Advisor) {
	t.Helper()
	ctx := t.Context()
	key := map[string]string{"takeover_offers": "offer_id", "buyer_searches": "search_id"}[table]
	if _, err := f.pool.Exec(ctx, `UPDATE `+table+` SET advisor_id = $2 WHERE `+key+` = $1`, f.ids[name], advisorID); err != nil {
		t.Fatal(err)
	}
	for _, a := range advisors {
		if err := f.store.UpsertAdvisor(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
}

// careAdvisor is a takeover advisor of département 91.
func careAdvisor(id, chamber string) takeover.Advisor {
	return takeover.Advisor{AdvisorID: id, Revision: 1, Chamber: chamber, Departements: []string{"91"},
		Specialities: []string{events.SpecialityTakeover}, Capacity: 10, Active: true}
}
