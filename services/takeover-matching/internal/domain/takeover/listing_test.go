package takeover

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

func submitted(confidential bool) Offer {
	o := Offer{ID: "0195a1d0-1000-7aaa-8bbb-000000000001", Chamber: "CMA", AdvisorID: "cma-1", NAFCode: "10.71C",
		Departement: "91", CommuneCode: "91228", EPCI: "200056232", DealTypes: []string{"fonds"}, Timeline: "6m_12m",
		Status: OfferSubmitted, Confidential: confidential}
	if confidential {
		o.CommuneCode, o.EPCI = "", ""
	}
	return o
}

func vetting() Vetting {
	return Vetting{File: File{Owner: "Gérant depuis 1998", Business: "Boulangerie de centre-ville", Customers: "Clientèle locale",
		Equipment: "Four 2019", Staff: "3 vendeuses, 1 apprenti", Results: "Stables", ReasonForSale: "Retraite",
		Revenue: 450_000, Profit: 60_000, Headcount: 4, Price: 240_000},
		SectorLevel: LevelClass, PlaceLevel: PlaceEPCI, RevenueBand: "300k_1m", ProfitBand: "25k_75k",
		HeadcountBand: "3_5", PriceBand: "100k_300k", DealTypes: []string{"titres", "fonds"}, Timeline: "lt_6m"}
}

// TestVetPublishesTheTeaserAtTheChosenLevels: each NAF and place level
// shows the offer's code at that level; the event carries the teaser's
// codes and bands, and none of the file's texts.
func TestVetPublishesTheTeaserAtTheChosenLevels(t *testing.T) {
	t.Parallel()
	for level, want := range map[string]string{LevelSection: "C", LevelDivision: "10", LevelGroup: "10.7",
		LevelClass: "10.71", LevelSubclass: "10.71C"} {
		v := vetting()
		v.SectorLevel = level
		got, _, ev, err := submitted(false).Vet(v, "cma-1", t0)
		if err != nil || got.Teaser.Sector != want || ev.Sector != want || ev.SectorLevel != level {
			t.Errorf("sector level %s: %v, teaser %+v", level, err, got.Teaser)
		}
	}
	for level, want := range map[string]string{PlaceCommune: "91228", PlaceEPCI: "200056232", PlaceDepartement: "91"} {
		v := vetting()
		v.PlaceLevel = level
		got, _, ev, err := submitted(false).Vet(v, "cma-1", t0)
		if err != nil || got.Teaser.Place != want || ev.Place != want {
			t.Errorf("place level %s: %v, teaser %+v", level, err, got.Teaser)
		}
	}
	got, c, ev, err := submitted(false).Vet(vetting(), "cma-mgr", t0)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != OfferPublished || !got.Matched() || c.From != OfferSubmitted || c.To != OfferPublished || c.By != "cma-mgr" {
		t.Fatalf("vetted %+v, change %+v", got, c)
	}
	if got.File == nil || got.File.Owner != "Gérant depuis 1998" || got.AskingPrice != 240_000 || got.Headcount != 4 ||
		!slices.Equal(got.DealTypes, []string{"fonds", "titres"}) || got.Timeline != "lt_6m" {
		t.Fatalf("the vetted figures do not drive matching: %+v", got)
	}
	if err := ev.Validate(); err != nil {
		t.Fatal(err)
	}
	if s := strings.ToLower(strings.Join([]string{ev.Sector, ev.Place, ev.RevenueBand, ev.PriceBand, ev.HeadcountBand}, "|")); strings.Contains(s, "retraite") || strings.Contains(s, "240000") {
		t.Fatalf("the event leaks the file: %+v", ev)
	}
	if _, _, _, err := got.Vet(vetting(), "cma-1", t0); !errors.Is(err, ErrNotSubmitted) {
		t.Fatalf("vetting twice: %v", err)
	}
}

// TestVetRefusesEachBadField: every bad field is named at once, and the
// offer stays submitted; a confidential offer has no commune or EPCI to
// show.
func TestVetRefusesEachBadField(t *testing.T) {
	t.Parallel()
	v := vetting()
	v.File.Owner, v.File.Business = "", strings.Repeat("é", MaxTextLen+1)
	v.File.Price, v.File.Revenue, v.File.Headcount = 0, -1, -2
	v.SectorLevel, v.RevenueBand, v.ProfitBand, v.HeadcountBand, v.PriceBand = "naf", "x", "y", "z", "w"
	v.DealTypes, v.Timeline = nil, "soon"
	got, _, _, err := submitted(true).Vet(v, "cma-1", t0)
	var invalid InvalidCriteria
	if !errors.As(err, &invalid) || got.Status != OfferSubmitted {
		t.Fatalf("err %v, status %s", err, got.Status)
	}
	var fields []string
	for _, p := range invalid {
		fields = append(fields, p.Field+":"+p.Code)
	}
	for _, want := range []string{"file.owner:required", "file.business:too_long", "file.price:range", "file.revenue:range",
		"file.headcount:range", "teaser.sector_level:unknown", "teaser.place_level:unavailable", "teaser.revenue_band:unknown",
		"teaser.gross_operating_profit_band:unknown", "teaser.headcount_band:unknown", "teaser.price_band:unknown",
		"teaser.deal_types:required", "teaser.timeline:unknown"} {
		if !slices.Contains(fields, want) {
			t.Errorf("missing %s in %v", want, fields)
		}
	}
	v = vetting()
	v.PlaceLevel = "region"
	if _, _, _, err := submitted(false).Vet(v, "cma-1", t0); !errors.As(err, &invalid) || invalid[0].Field != "teaser.place_level" {
		t.Fatalf("unknown place level: %v", err)
	}
	v = vetting()
	v.PlaceLevel = PlaceDepartement
	if got, _, _, err := submitted(true).Vet(v, "cma-1", t0); err != nil || got.Teaser.Place != "91" {
		t.Fatalf("a confidential offer shows its département: %v", err)
	}
}
