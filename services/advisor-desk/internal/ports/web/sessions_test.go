package web

import (
	"net/url"
	"slices"
	"testing"
	"time"
)

// The planning form reads a session in Paris time; what it cannot send
// is said on its fields, each by its id.
func TestParseSessionForm(t *testing.T) {
	valid := url.Values{"type-session": {"training"}, "intitule": {" Stage de préparation à l'installation "},
		"date-session": {"2027-01-12"}, "heure-session": {"09:30"}, "lieu": {"CMA Essonne, Évry"}, "places": {"12"}}
	f, plan, bad := parseSessionForm(valid)
	if len(bad) > 0 {
		t.Fatalf("valid form refused: %v", bad)
	}
	// 9 h 30 in Paris in winter is 8 h 30 UTC.
	if plan.Kind != "training" || plan.Title != "Stage de préparation à l'installation" || plan.Place != "CMA Essonne, Évry" ||
		plan.Capacity != 12 || !plan.StartsAt.Equal(time.Date(2027, 1, 12, 8, 30, 0, 0, time.UTC)) {
		t.Errorf("plan %+v", plan)
	}
	if f.Title != "Stage de préparation à l'installation" || f.Day != "2027-01-12" || f.Seats != "12" {
		t.Errorf("form as sent %+v", f)
	}
	if _, plan, _ := parseSessionForm(with(valid, "date-session", "2027-07-01")); plan.StartsAt.UTC().Hour() != 7 {
		t.Errorf("summer time: %v", plan.StartsAt.UTC())
	}

	long := string(make([]rune, 201))
	for _, c := range []struct {
		name   string
		form   url.Values
		fields []string
	}{
		{"empty", url.Values{}, []string{"type-session", "intitule", "date-session", "heure-session", "lieu", "places"}},
		{"unknown kind", with(valid, "type-session", "party"), []string{"type-session"}},
		{"blank title", with(valid, "intitule", "  "), []string{"intitule"}},
		{"title too long", with(valid, "intitule", long), []string{"intitule"}},
		{"French date", with(valid, "date-session", "12/01/2027"), []string{"date-session"}},
		{"bad hour", with(valid, "heure-session", "9h"), []string{"heure-session"}},
		{"no seat", with(valid, "places", "0"), []string{"places"}},
		{"too many seats", with(valid, "places", "501"), []string{"places"}},
		{"seats in words", with(valid, "places", "douze"), []string{"places"}},
	} {
		_, _, bad := parseSessionForm(c.form)
		var got []string
		for _, b := range bad {
			got = append(got, b.Field)
			if b.Message == "" {
				t.Errorf("%s: %s has no message", c.name, b.Field)
			}
		}
		if !slices.Equal(got, c.fields) {
			t.Errorf("%s: errors on %q, want %q", c.name, got, c.fields)
		}
	}
}

func with(v url.Values, name, value string) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = vs
	}
	out.Set(name, value)
	return out
}
