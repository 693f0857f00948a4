package directory_test

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ccicma/platform/pkg/refdata"

	"github.com/ccicma/platform/services/advisor-desk/internal/domain/directory"
)

var loadPlaces = sync.OnceValues(refdata.Load)

func places(t *testing.T) *refdata.Data {
	t.Helper()
	ref, err := loadPlaces()
	if err != nil {
		t.Fatal(err)
	}
	return ref
}

var now = time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC)

func valid() directory.Advisor {
	return directory.Advisor{
		AdvisorID: "cma-91-003", Chamber: "CMA", FullName: "Inès Moreau", Email: "ines.moreau@cma-idf.example",
		Departements: []string{"91", "77"}, Communes: []string{"91228", "77288"}, EPCIs: []string{"200059228"},
		Specialities: []string{"creation", "takeover"}, Capacity: 30, Active: true, Roles: []string{"advisor"},
	}
}

func TestValidate(t *testing.T) {
	t.Parallel()
	ref := places(t)
	if err := valid().Validate(ref, now); err != nil {
		t.Fatalf("the valid entry is refused: %v", err)
	}
	in := func(d time.Duration) *time.Time { v := now.Add(d); return &v }
	tests := []struct {
		name   string
		change func(*directory.Advisor)
		fields []string // the fields named, in order
		codes  []string
	}{
		{"id with capitals", func(a *directory.Advisor) { a.AdvisorID = "CMA-91-003" }, []string{"advisor_id"}, []string{"invalid"}},
		{"id too short", func(a *directory.Advisor) { a.AdvisorID = "c9" }, []string{"advisor_id"}, []string{"invalid"}},
		{"unknown chamber", func(a *directory.Advisor) { a.Chamber = "CCIMA" }, []string{"chamber"}, []string{"invalid"}},
		{"lowercase chamber", func(a *directory.Advisor) { a.Chamber = "cma" }, []string{"chamber"}, []string{"invalid"}},
		{"no name", func(a *directory.Advisor) { a.FullName = "  " }, []string{"full_name"}, []string{"required"}},
		{"name too long", func(a *directory.Advisor) { a.FullName = strings.Repeat("é", 201) }, []string{"full_name"}, []string{"length"}},
		{"name with a newline", func(a *directory.Advisor) { a.FullName = "Inès\nMoreau" }, []string{"full_name"}, []string{"invalid"}},
		{"name with spaces around", func(a *directory.Advisor) { a.FullName = " Inès " }, []string{"full_name"}, []string{"invalid"}},
		{"no e-mail", func(a *directory.Advisor) { a.Email = "" }, []string{"email"}, []string{"required"}},
		{"e-mail with a display name", func(a *directory.Advisor) { a.Email = "Inès <ines@cma.example>" }, []string{"email"}, []string{"invalid"}},
		{"e-mail without a domain dot", func(a *directory.Advisor) { a.Email = "ines@localhost" }, []string{"email"}, []string{"invalid"}},
		{"e-mail too long", func(a *directory.Advisor) { a.Email = strings.Repeat("a", 250) + "@cma.example" }, []string{"email"}, []string{"invalid"}},
		{"no département", func(a *directory.Advisor) { a.Departements, a.Communes = nil, nil }, []string{"departements"}, []string{"required"}},
		{"département that does not exist", func(a *directory.Advisor) { a.Departements = []string{"91", "77", "96"} }, []string{"departements"}, []string{"unknown"}},
		{"département not canonical", func(a *directory.Advisor) { a.Departements = []string{"91", "2a"}; a.Communes = []string{"91228"} },
			[]string{"departements"}, []string{"unknown"}},
		{"département twice", func(a *directory.Advisor) { a.Departements = []string{"91", "77", "91"} }, []string{"departements"}, []string{"duplicate"}},
		{"too many départements", func(a *directory.Advisor) {
			a.Departements = []string{"01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12", "13", "14", "15", "16", "17", "18", "19", "21", "91"}
			a.Communes = nil
		}, []string{"departements"}, []string{"length"}},
		{"commune that does not exist", func(a *directory.Advisor) { a.Communes = []string{"91999"} }, []string{"communes"}, []string{"unknown"}},
		{"commune outside the départements", func(a *directory.Advisor) { a.Communes = []string{"75056"} }, []string{"communes"}, []string{"outside"}},
		{"EPCI that does not exist", func(a *directory.Advisor) { a.EPCIs = []string{"123456789"} }, []string{"epcis"}, []string{"unknown"}},
		{"EPCI twice", func(a *directory.Advisor) { a.EPCIs = []string{"200059228", "200059228"} }, []string{"epcis"}, []string{"duplicate"}},
		{"unknown speciality", func(a *directory.Advisor) { a.Specialities = []string{"creation", "export"} }, []string{"specialities"}, []string{"unknown"}},
		{"negative capacity", func(a *directory.Advisor) { a.Capacity = -1 }, []string{"capacity"}, []string{"range"}},
		{"capacity above the bound", func(a *directory.Advisor) { a.Capacity = directory.MaxCapacity + 1 }, []string{"capacity"}, []string{"range"}},
		{"absence too far ahead", func(a *directory.Advisor) { a.AbsentUntil = in(directory.MaxAbsence + time.Hour) }, []string{"absent_until"}, []string{"range"}},
		{"no role", func(a *directory.Advisor) { a.Roles = nil }, []string{"roles"}, []string{"required"}},
		{"unknown role", func(a *directory.Advisor) { a.Roles = []string{"advisor", "superuser"} }, []string{"roles"}, []string{"unknown"}},
		{"role twice", func(a *directory.Advisor) { a.Roles = []string{"manager", "manager"} }, []string{"roles"}, []string{"duplicate"}},
		{"several at once", func(a *directory.Advisor) { a.Chamber, a.Email, a.Capacity = "", "x", 9999 },
			[]string{"chamber", "email", "capacity"}, []string{"invalid", "invalid", "range"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			a := valid()
			tt.change(&a)
			err := a.Validate(ref, now)
			var ve *directory.ValidationError
			if !errors.As(err, &ve) || !errors.Is(err, directory.ErrInvalid) {
				t.Fatalf("Validate = %v, want a ValidationError wrapping ErrInvalid", err)
			}
			var fields, codes []string
			for _, f := range ve.Fields {
				fields, codes = append(fields, f.Field), append(codes, f.Code)
				if f.Message == "" {
					t.Errorf("field %s has no message", f.Field)
				}
			}
			if !slices.Equal(fields, tt.fields) || !slices.Equal(codes, tt.codes) {
				t.Errorf("fields %v codes %v, want %v %v (%v)", fields, codes, tt.fields, tt.codes, err)
			}
		})
	}

	t.Run("valid variants", func(t *testing.T) {
		t.Parallel()
		for _, change := range []func(*directory.Advisor){
			func(a *directory.Advisor) {
				a.Departements, a.Communes, a.EPCIs = []string{"2A", "974"}, []string{"2A004"}, nil
			},
			func(a *directory.Advisor) { a.Specialities, a.Capacity, a.Roles = nil, 0, []string{"admin"} },
			func(a *directory.Advisor) { a.AbsentUntil = in(-24 * time.Hour) }, // a past absence is harmless
			func(a *directory.Advisor) { a.AbsentUntil = in(directory.MaxAbsence) },
			func(a *directory.Advisor) { a.Capacity = directory.MaxCapacity },
		} {
			a := valid()
			change(&a)
			if err := a.Validate(ref, now); err != nil {
				t.Errorf("%+v refused: %v", a, err)
			}
		}
	})
}

func TestCheckAbsence(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		until time.Duration
		ok    bool
	}{{time.Hour, true}, {directory.MaxAbsence, true}, {0, false}, {-time.Hour, false}, {directory.MaxAbsence + time.Second, false}} {
		err := directory.CheckAbsence("cma-91-003", now.Add(tt.until), now)
		if (err == nil) != tt.ok || (err != nil && !errors.Is(err, directory.ErrInvalid)) {
			t.Errorf("absence until now%+v: %v, want ok=%v", tt.until, err, tt.ok)
		}
	}
}

func TestReviseAndRevisions(t *testing.T) {
	t.Parallel()
	a := valid()
	first, changed := directory.Revise(directory.Advisor{}, false, a)
	if !changed || first.Revision != 1 {
		t.Fatalf("new entry: revision %d changed %v", first.Revision, changed)
	}
	// The same data, even with nil lists and another time zone, is no change.
	same := a
	same.Communes = slices.Clone(a.Communes)
	if _, changed := directory.Revise(first, true, same); changed {
		t.Error("the same data made a new revision")
	}
	paris := time.FixedZone("CEST", 2*3600)
	withAbsence := first
	u := now.Add(48 * time.Hour)
	withAbsence.AbsentUntil = &u
	second, changed := directory.Revise(first, true, withAbsence)
	if !changed || second.Revision != 2 {
		t.Fatalf("absence: revision %d changed %v", second.Revision, changed)
	}
	again := second
	uParis := u.In(paris).Add(100 * time.Nanosecond) // below Postgres' precision
	again.AbsentUntil = &uParis
	if _, changed := directory.Revise(second, true, again); changed {
		t.Error("the same absence in another zone made a new revision")
	}
	noComm := second
	noComm.Communes, noComm.EPCIs = nil, nil
	if third, changed := directory.Revise(second, true, noComm); !changed || third.Revision != 3 {
		t.Errorf("narrowing removed: revision %d changed %v", third.Revision, changed)
	}

	one, stale := int64(1), int64(7)
	anyRev := directory.AnyRevision
	for _, tt := range []struct {
		found bool
		want  *int64
		ok    bool
	}{{true, nil, true}, {false, nil, true}, {true, &one, true}, {true, &stale, false}, {false, &one, false},
		{true, &anyRev, true}, {false, &anyRev, false}} {
		err := directory.CheckRevision(first, tt.found, tt.want)
		if (err == nil) != tt.ok || (err != nil && !errors.Is(err, directory.ErrStale)) {
			t.Errorf("CheckRevision(found %v, want %v) = %v", tt.found, tt.want, err)
		}
	}
}

func TestChangedCarriesNoPersonalData(t *testing.T) {
	t.Parallel()
	a := valid()
	a.Revision = 4
	u := now.Add(72 * time.Hour)
	a.AbsentUntil = &u
	ev := a.Changed(now)
	raw, err := json.Marshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(raw), a.FullName) || strings.Contains(string(raw), a.Email) || strings.Contains(string(raw), "ines") {
		t.Errorf("the event carries the name or the e-mail: %s", raw)
	}
	if ev.Revision != 4 || !slices.Equal(ev.Communes, a.Communes) || !slices.Equal(ev.EPCIs, a.EPCIs) ||
		!slices.Equal(ev.Roles, a.Roles) || ev.AbsentUntil == nil || !ev.AbsentUntil.Equal(u) || a.HomeDepartement() != "91" {
		t.Errorf("event %+v", ev)
	}
	if ev.AvailableAt(now) || !ev.AvailableAt(u) || a.AvailableAt(now) || !a.AvailableAt(u.Add(time.Second)) {
		t.Error("an absent advisor is available, or a returned one is not")
	}
	if err := ev.Validate(); err != nil {
		t.Error(err)
	}
}
