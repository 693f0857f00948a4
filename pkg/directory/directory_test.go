package directory_test

import (
	"slices"
	"testing"
	"time"

	"github.com/ccicma/platform/pkg/directory"
	"github.com/ccicma/platform/pkg/events"
)

var now = time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)

func TestFromEvent(t *testing.T) {
	back := time.Date(2026, 12, 1, 0, 0, 0, 0, time.FixedZone("CET", 3600))
	p := events.AdvisorUpdated{AdvisorID: "cci-1", Revision: 3, Chamber: "CCI", Departements: []string{"91"},
		Communes: []string{"91228"}, EPCIs: []string{"200056232"}, Specialities: []string{"difficulty"},
		Roles: []string{"advisor", "prevention_cell"}, Capacity: 12, Active: true, AbsentUntil: &back, UpdatedAt: now}
	a := directory.FromEvent(p)
	want := directory.Advisor{AdvisorID: "cci-1", Revision: 3, Chamber: "CCI", Departements: []string{"91"},
		Communes: []string{"91228"}, EPCIs: []string{"200056232"}, Specialities: []string{"difficulty"},
		Roles: []string{"advisor", "prevention_cell"}, Capacity: 12, Active: true}
	got := a
	got.AbsentUntil = nil
	if !equal(got, want) {
		t.Fatalf("FromEvent = %+v, want %+v", got, want)
	}
	if a.AbsentUntil == nil || !a.AbsentUntil.Equal(back) || a.AbsentUntil.Location() != time.UTC {
		t.Fatalf("absent until %v, want %v in UTC", a.AbsentUntil, back)
	}
	// The projection shares nothing with the payload.
	p.Departements[0], p.Roles[0] = "75", "admin"
	if a.Departements[0] != "91" || a.Roles[0] != "advisor" {
		t.Fatalf("projection changed with the payload: %+v", a)
	}
	if b := directory.FromEvent(events.AdvisorUpdated{AdvisorID: "x", Revision: 1, Chamber: "CMA"}); b.AbsentUntil != nil {
		t.Fatalf("no absence in the event, projected %v", b.AbsentUntil)
	}
}

func equal(a, b directory.Advisor) bool {
	return a.AdvisorID == b.AdvisorID && a.Revision == b.Revision && a.Chamber == b.Chamber &&
		slices.Equal(a.Departements, b.Departements) && slices.Equal(a.Communes, b.Communes) &&
		slices.Equal(a.EPCIs, b.EPCIs) && slices.Equal(a.Specialities, b.Specialities) &&
		slices.Equal(a.Roles, b.Roles) && a.Capacity == b.Capacity && a.Active == b.Active &&
		(a.AbsentUntil == nil) == (b.AbsentUntil == nil) && (a.AbsentUntil == nil || a.AbsentUntil.Equal(*b.AbsentUntil))
}

// TestAvailableAt: active and not absent, an absence ending now being
// over; the projection agrees with the event in every case.
func TestAvailableAt(t *testing.T) {
	past, future := now.Add(-time.Hour), now.Add(time.Hour)
	tests := []struct {
		name        string
		active      bool
		absentUntil *time.Time
		want        bool
	}{
		{"active, never absent", true, nil, true},
		{"inactive", false, nil, false},
		{"absent until later", true, &future, false},
		{"absence over", true, &past, true},
		{"absence ends now", true, &now, true},
		{"inactive after an absence", false, &past, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := events.AdvisorUpdated{AdvisorID: "a", Revision: 1, Chamber: "CCI", Active: tt.active, AbsentUntil: tt.absentUntil}
			a := directory.FromEvent(p)
			if got := a.AvailableAt(now); got != tt.want {
				t.Fatalf("AvailableAt = %v, want %v", got, tt.want)
			}
			if a.AvailableAt(now) != p.AvailableAt(now) {
				t.Fatalf("projection says %v, event says %v", a.AvailableAt(now), p.AvailableAt(now))
			}
		})
	}
}

func TestSpecialitiesAndRoles(t *testing.T) {
	a := directory.Advisor{Specialities: []string{events.SpecialityCreation}, Roles: []string{"advisor", "prevention_cell"}}
	if !a.HasSpeciality(events.SpecialityCreation) || a.HasSpeciality(events.SpecialityTakeover) {
		t.Errorf("specialities %v: creation %v, takeover %v", a.Specialities,
			a.HasSpeciality(events.SpecialityCreation), a.HasSpeciality(events.SpecialityTakeover))
	}
	if !a.HasRole("prevention_cell") || a.HasRole("manager") {
		t.Errorf("roles %v: prevention_cell %v, manager %v", a.Roles, a.HasRole("prevention_cell"), a.HasRole("manager"))
	}
}

// TestCovers: the département first, then the narrower territory when
// the place tells enough to check it.
func TestCovers(t *testing.T) {
	const commune, epci, otherCommune, otherEPCI = "91228", "200056232", "91001", "249100157"
	tests := []struct {
		name     string
		depts    []string
		communes []string
		epcis    []string
		place    directory.Place
		want     bool
	}{
		{"whole département", []string{"91"}, nil, nil, directory.Place{Departement: "91", Commune: commune, EPCI: epci}, true},
		{"other département", []string{"75", "92"}, nil, nil, directory.Place{Departement: "91", Commune: commune, EPCI: epci}, false},
		{"one of several départements", []string{"75", "91"}, nil, nil, directory.Place{Departement: "91"}, true},
		{"no département: any", []string{"75"}, nil, nil, directory.Place{}, true},
		{"commune listed", []string{"91"}, []string{commune}, nil, directory.Place{Departement: "91", Commune: commune, EPCI: epci}, true},
		{"other commune", []string{"91"}, []string{otherCommune}, nil, directory.Place{Departement: "91", Commune: commune, EPCI: epci}, false},
		{"EPCI listed", []string{"91"}, nil, []string{epci}, directory.Place{Departement: "91", Commune: commune, EPCI: epci}, true},
		{"other EPCI", []string{"91"}, nil, []string{otherEPCI}, directory.Place{Departement: "91", Commune: commune, EPCI: epci}, false},
		{"other commune, EPCI listed", []string{"91"}, []string{otherCommune}, []string{epci}, directory.Place{Departement: "91", Commune: commune, EPCI: epci}, true},
		{"narrowed, place without commune nor EPCI", []string{"91"}, []string{otherCommune}, []string{otherEPCI}, directory.Place{Departement: "91"}, true},
		{"narrowed to communes, place with an EPCI only", []string{"91"}, []string{commune}, nil, directory.Place{Departement: "91", EPCI: epci}, false},
		{"narrowed, other département", []string{"75"}, []string{commune}, nil, directory.Place{Departement: "91", Commune: commune}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := directory.Advisor{Departements: tt.depts, Communes: tt.communes, EPCIs: tt.epcis}
			if got := a.Covers(tt.place); got != tt.want {
				t.Fatalf("Covers(%+v) = %v, want %v", tt.place, got, tt.want)
			}
		})
	}
}

func TestChooseAdvisor(t *testing.T) {
	l := func(id string, open, capacity int) directory.Load {
		return directory.Load{Advisor: directory.Advisor{AdvisorID: id, Capacity: capacity}, OpenCases: open}
	}
	tests := []struct {
		name       string
		candidates []directory.Load
		want       string
		ok         bool
	}{
		{"no candidate", nil, "", false},
		{"single candidate", []directory.Load{l("a", 3, 10)}, "a", true},
		{"least loaded wins", []directory.Load{l("b", 3, 10), l("a", 5, 10), l("c", 4, 10)}, "b", true},
		{"tie broken by id", []directory.Load{l("z", 2, 10), l("m", 2, 10)}, "m", true},
		{"tie broken by id whatever the order", []directory.Load{l("m", 2, 10), l("z", 2, 10)}, "m", true},
		{"full advisor passed over", []directory.Load{l("a", 1, 1), l("b", 7, 10)}, "b", true},
		{"over capacity passed over", []directory.Load{l("a", 2, 1), l("b", 7, 10)}, "b", true},
		{"zero capacity counts as full", []directory.Load{l("a", 0, 0), l("b", 3, 5)}, "b", true},
		{"everyone full: least loaded still owns it", []directory.Load{l("a", 12, 10), l("b", 11, 10)}, "b", true},
		{"everyone full, tie: by id", []directory.Load{l("b", 10, 10), l("a", 10, 10)}, "a", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := directory.ChooseAdvisor(tt.candidates)
			if got != tt.want || ok != tt.ok {
				t.Fatalf("ChooseAdvisor = %q, %v; want %q, %v", got, ok, tt.want, tt.ok)
			}
		})
	}
}
