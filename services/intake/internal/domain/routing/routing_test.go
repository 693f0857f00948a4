package routing_test

import (
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/ccicma/platform/pkg/events"
	"github.com/ccicma/platform/pkg/refdata"

	"github.com/ccicma/platform/services/intake/internal/domain/routing"
)

var loadRefOnce = sync.OnceValues(refdata.Load)

// loadRef loads the real reference data once per test binary run.
func loadRef(t testing.TB) *refdata.Data {
	t.Helper()
	ref, err := loadRefOnce()
	if err != nil {
		t.Fatalf("load reference data: %v", err)
	}
	return ref
}

// art is what the test expects artisanat.tsv to say about a code: "" (not
// listed), "always" or "partly", with the family. The test checks it
// against the data, so a change of the list shows up here first.
type art struct {
	kind   refdata.ArtisanalKind
	family string
}

var (
	notArtisanal = art{}
	alwaysAlim   = art{refdata.ArtisanalAlways, refdata.FamilyAlimentation}
	alwaysBat    = art{refdata.ArtisanalAlways, refdata.FamilyBatiment}
	alwaysFab    = art{refdata.ArtisanalAlways, refdata.FamilyFabrication}
	alwaysServ   = art{refdata.ArtisanalAlways, refdata.FamilyServices}
	partlyAlim   = art{refdata.ArtisanalPartly, refdata.FamilyAlimentation}
	partlyBat    = art{refdata.ArtisanalPartly, refdata.FamilyBatiment}
	partlyFab    = art{refdata.ArtisanalPartly, refdata.FamilyFabrication}
	partlyServ   = art{refdata.ArtisanalPartly, refdata.FamilyServices}
)

const (
	cci = events.ChamberCCI
	cma = events.ChamberCMA
)

func TestRouteByActivityAndHeadcount(t *testing.T) {
	t.Parallel()
	ref := loadRef(t)
	router := routing.Router{Ref: ref, Departements: []string{"91"}}

	type want struct {
		lead, secondary, rule string
	}
	small := want{cma, "", "artisanal-always-small"}
	large := want{cci, cma, "artisanal-always-large"}
	partly := want{cma, cci, "artisanal-partly"}
	partlyLarge := want{cci, cma, "artisanal-partly-large"}
	commercial := want{cci, "", "commercial"}
	agriculture := want{"", "", "agriculture"}
	liberal := want{"", "", "liberal-profession"}

	tests := []struct {
		name      string
		naf       string
		art       art
		headcount int
		want      want
	}{
		// Alimentation, always artisanal: the 11-employee threshold decides.
		{"boulangerie 10", "10.71C", alwaysAlim, 10, small},
		{"boulangerie 11", "10.71C", alwaysAlim, 11, large},
		{"boulangerie 0", "10.71C", alwaysAlim, 0, small},
		{"charcuterie 10", "10.13B", alwaysAlim, 10, small},
		{"charcuterie 11", "10.13B", alwaysAlim, 11, large},
		{"pâtisserie 3", "10.71D", alwaysAlim, 3, small},
		{"boucherie (détail) 10", "47.22Z", alwaysAlim, 10, small},
		{"boucherie (détail) 11", "47.22Z", alwaysAlim, 11, large},
		// Bâtiment, always artisanal.
		{"plomberie 10", "43.22A", alwaysBat, 10, small},
		{"plomberie 11", "43.22A", alwaysBat, 11, large},
		{"peinture 10", "43.34Z", alwaysBat, 10, small},
		{"peinture 11", "43.34Z", alwaysBat, 11, large},
		{"électricité 2", "43.21A", alwaysBat, 2, small},
		{"électricité 11", "43.21A", alwaysBat, 11, large},
		{"maçonnerie 10", "43.99C", alwaysBat, 10, small},
		{"maçonnerie 11", "43.99C", alwaysBat, 11, large},
		{"menuiserie 50", "43.32A", alwaysBat, 50, large},
		{"maisons individuelles 10", "41.20A", alwaysBat, 10, small},
		// Fabrication, always artisanal.
		{"meubles 10", "31.09B", alwaysFab, 10, small},
		{"meubles 11", "31.09B", alwaysFab, 11, large},
		{"joaillerie 10", "32.12Z", alwaysFab, 10, small},
		{"joaillerie 11", "32.12Z", alwaysFab, 11, large},
		{"articles textiles 1", "13.92Z", alwaysFab, 1, small},
		{"réparation de machines 12", "33.12Z", alwaysFab, 12, large},
		// Services, always artisanal.
		{"coiffure 10", "96.02A", alwaysServ, 10, small},
		{"coiffure 11", "96.02A", alwaysServ, 11, large},
		{"cordonnerie 10", "95.23Z", alwaysServ, 10, small},
		{"cordonnerie 11", "95.23Z", alwaysServ, 11, large},
		{"réparation auto 10", "45.20A", alwaysServ, 10, small},
		{"réparation auto 11", "45.20A", alwaysServ, 11, large},
		{"soins de beauté 1", "96.02B", alwaysServ, 1, small},
		{"taxi 1", "49.32Z", alwaysServ, 1, small},
		{"nettoyage de bâtiments 10", "81.21Z", alwaysServ, 10, small},
		// Health and technical codes listed as artisanal are not liberal
		// professions, although their NAF class is close to some.
		{"ambulances 5", "86.90A", alwaysServ, 5, small},
		{"contrôle technique auto 5", "71.20A", alwaysServ, 5, small},
		// Partly artisanal: the CMA leads and shares with the CCI.
		{"poissonnerie", "47.23Z", partlyAlim, 2, partly},
		{"restauration traditionnelle", "56.10A", partlyAlim, 4, partly},
		{"restauration rapide", "56.10C", partlyAlim, 1, partly},
		{"conserverie de légumes", "10.39A", partlyAlim, 3, partly},
		{"génie civil n.c.a.", "42.99Z", partlyBat, 3, partly},
		{"systèmes de sécurité", "80.20Z", partlyBat, 3, partly},
		{"lunettes", "32.50B", partlyFab, 2, partly},
		{"sciage du bois", "16.10A", partlyFab, 2, partly},
		{"services personnels n.c.a.", "96.09Z", partlyServ, 1, partly},
		{"photographie", "74.20Z", partlyServ, 1, partly},
		{"fleuriste", "47.76Z", partlyServ, 2, partly},
		{"motocycles", "45.40Z", partlyServ, 2, partly},
		{"lunettes 11 salariés", "32.50B", partlyFab, 11, partlyLarge},
		{"génie civil 25 salariés", "42.99Z", partlyBat, 25, partlyLarge},
		{"fleuriste 11 salariés", "47.76Z", partlyServ, 11, partlyLarge},
		{"restauration rapide 10", "56.10C", partlyAlim, 10, partly},
		{"restauration rapide 11", "56.10C", partlyAlim, 11, partlyLarge},
		// Partly artisanal, 11 employees or more: the CCI leads, the CMA follows.
		{"poissonnerie 10 salariés", "47.23Z", partlyAlim, 10, partly},
		{"poissonnerie 11 salariés", "47.23Z", partlyAlim, 11, partlyLarge},
		{"photographie 40 salariés", "74.20Z", partlyServ, 40, partlyLarge},
		// Maréchalerie is artisanal although its sub-class is agricultural.
		{"maréchalerie", "01.62Z", partlyServ, 1, partly},
		// Commerce, industry and services outside the list: the CCI.
		{"hypermarché", "47.11F", notArtisanal, 200, commercial},
		{"hypermarché petit", "47.11F", notArtisanal, 3, commercial},
		{"programmation informatique", "62.01Z", notArtisanal, 5, commercial},
		{"commerce de gros", "46.90Z", notArtisanal, 5, commercial},
		{"habillement (détail)", "47.71Z", notArtisanal, 2, commercial},
		{"débit de boissons", "56.30Z", notArtisanal, 2, commercial},
		{"hôtel", "55.10Z", notArtisanal, 15, commercial},
		{"terminal de cuisson", "10.71B", notArtisanal, 4, commercial},
		{"pain acheté-revendu", "47.24Z", notArtisanal, 4, commercial},
		{"vente de voitures", "45.11Z", notArtisanal, 12, commercial},
		{"conseil de gestion", "70.22Z", notArtisanal, 1, commercial},
		// Agriculture: neither chamber.
		{"céréales", "01.11Z", notArtisanal, 2, agriculture},
		{"sylviculture", "02.10Z", notArtisanal, 2, agriculture},
		{"pêche en mer", "03.11Z", notArtisanal, 2, agriculture},
		// Regulated liberal professions: neither chamber.
		{"avocat", "69.10Z", notArtisanal, 1, liberal},
		{"expert-comptable", "69.20Z", notArtisanal, 5, liberal},
		{"médecin généraliste", "86.21Z", notArtisanal, 1, liberal},
		{"architecte", "71.11Z", notArtisanal, 1, liberal},
		{"vétérinaire", "75.00Z", notArtisanal, 2, liberal},
		{"infirmière", "86.90D", notArtisanal, 1, liberal},
		// No NAF code yet: the CCI welcomes and shares with the CMA,
		// whatever the headcount.
		{"NAF inconnu", "", notArtisanal, 0, want{cci, cma, "naf-unknown"}},
		{"NAF inconnu 20", "", notArtisanal, 20, want{cci, cma, "naf-unknown"}},
	}
	codes := map[string]bool{}
	for _, tt := range tests {
		if tt.naf != "" {
			codes[tt.naf] = true
		}
	}
	if len(codes) < 30 {
		t.Fatalf("the table covers %d NAF sub-classes, want at least 30", len(codes))
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if tt.naf != "" {
				if _, ok := ref.NAF(tt.naf); !ok {
					t.Fatalf("%s is not a NAF rév. 2 sub-class", tt.naf)
				}
				a, listed := ref.Artisanat(tt.naf)
				got := art{}
				if listed {
					got = art{a.Kind, a.Family}
				}
				if got != tt.art {
					t.Fatalf("artisanat.tsv says %s is %+v, the table assumes %+v", tt.naf, got, tt.art)
				}
			}
			r := router.Route(routing.Input{NAFCode: tt.naf, Headcount: tt.headcount, Departement: "91"})
			if r.LeadChamber != tt.want.lead || r.SecondaryChamber != tt.want.secondary || r.RuleID != tt.want.rule {
				t.Errorf("Route(%s, %d) = lead %q, secondary %q, rule %q; want %q, %q, %q",
					tt.naf, tt.headcount, r.LeadChamber, r.SecondaryChamber, r.RuleID, tt.want.lead, tt.want.secondary, tt.want.rule)
			}
			if r.OutOfTerritory {
				t.Errorf("Route(%s) flagged out of territory for département 91", tt.naf)
			}
			assertFrenchReason(t, r.Reason)
			// Rules about an activity quote its code, so an advisor sees
			// what the decision was based on.
			if tt.naf != "" && !strings.Contains(r.Reason, tt.naf) {
				t.Errorf("reason %q does not quote the NAF code %s", r.Reason, tt.naf)
			}
			// Neither chamber: the answer, read by the applicant, names the
			// activity and says where to turn.
			if r.LeadChamber == "" {
				e, _ := ref.NAF(tt.naf)
				if !strings.Contains(r.Reason, e.Label) || !strings.Contains(r.Reason, "adressez-vous") {
					t.Errorf("reason %q does not name the activity %q and say where to turn", r.Reason, e.Label)
				}
			}
		})
	}
}

// assertFrenchReason checks that a reason is a French sentence an advisor
// can read: non-empty, naming a chamber, with French words, ending with a
// full stop.
func assertFrenchReason(t *testing.T, reason string) {
	t.Helper()
	if strings.TrimSpace(reason) == "" {
		t.Fatal("empty reason")
	}
	if !strings.Contains(reason, "CCI") && !strings.Contains(reason, "CMA") {
		t.Errorf("reason %q names no chamber", reason)
	}
	french := false
	for _, w := range []string{" la ", " le ", " est ", " relève ", " ni ", " et "} {
		if strings.Contains(reason, w) {
			french = true
		}
	}
	if !french {
		t.Errorf("reason %q does not read as French", reason)
	}
	if !strings.HasSuffix(reason, ".") {
		t.Errorf("reason %q is not a sentence", reason)
	}
	if strings.ContainsAny(reason, "{}") {
		t.Errorf("reason %q has an unfilled placeholder", reason)
	}
}

func TestRouteFlagsOutOfTerritory(t *testing.T) {
	t.Parallel()
	router := routing.Router{Ref: loadRef(t), Departements: []string{"91"}}
	tests := []struct {
		departement string
		out         bool
	}{
		{"91", false},
		{"75", true},
		{"77", true},
		{"2A", true},
		{"", false}, // commune unknown: nothing to forward
	}
	for _, tt := range tests {
		r := router.Route(routing.Input{NAFCode: "10.71C", Headcount: 3, Departement: tt.departement})
		if r.OutOfTerritory != tt.out {
			t.Errorf("département %q: OutOfTerritory = %v, want %v", tt.departement, r.OutOfTerritory, tt.out)
		}
		// The chamber decision does not depend on the territory.
		if r.LeadChamber != cma || r.RuleID != "artisanal-always-small" {
			t.Errorf("département %q: lead %q by %q, want CMA by artisanal-always-small", tt.departement, r.LeadChamber, r.RuleID)
		}
		if says := strings.Contains(r.Reason, "hors du territoire"); says != tt.out {
			t.Errorf("département %q: reason %q mentions the territory: %v, want %v", tt.departement, r.Reason, says, tt.out)
		}
	}

	// Several served départements: each is in territory.
	multi := routing.Router{Ref: router.Ref, Departements: []string{"91", "75"}}
	if r := multi.Route(routing.Input{NAFCode: "62.01Z", Departement: "75"}); r.OutOfTerritory {
		t.Errorf("75 flagged out of territory although served: %+v", r)
	}
}

// TestRouteDroitDeSuite: an artisanal business keeps the CMA as lead above
// 10 employees when it is already registered in the secteur des métiers
// (below 250) or takes over a registered artisan's fonds (11 to 99).
func TestRouteDroitDeSuite(t *testing.T) {
	t.Parallel()
	ref := loadRef(t)
	router := routing.Router{Ref: ref, Departements: []string{"91"}}
	const (
		registered = "artisanal-always-droit-de-suite"
		takeover   = "artisanal-always-takeover"
		large      = "artisanal-always-large"
		small      = "artisanal-always-small"
	)
	tests := []struct {
		name                 string
		naf                  string
		headcount            int
		registered, takeover bool
		lead, secondary      string
		rule                 string
		says                 string // a phrase the reason must contain
	}{
		{"boulangerie immatriculée, 30 salariés", "10.71C", 30, true, false, cma, cci, registered, "droit de suite"},
		{"plomberie immatriculée, 11 salariés", "43.22A", 11, true, false, cma, cci, registered, "déjà immatriculée"},
		{"plomberie immatriculée, 249 salariés", "43.22A", 249, true, false, cma, cci, registered, "moins de 250"},
		{"plomberie immatriculée, 250 salariés", "43.22A", 250, true, false, cci, cma, large, "sans droit de suite"},
		{"plomberie immatriculée, 400 salariés", "43.22A", 400, true, false, cci, cma, large, "sans droit de suite"},
		{"coiffure immatriculée, 5 salariés", "96.02A", 5, true, false, cma, "", small, "moins de 11"},
		{"coiffure non immatriculée, 30 salariés", "96.02A", 30, false, false, cci, cma, large, "30 salariés"},
		{"reprise joaillerie, 50 salariés", "32.12Z", 50, false, true, cma, cci, takeover, "Reprise du fonds"},
		{"reprise joaillerie, 11 salariés", "32.12Z", 11, false, true, cma, cci, takeover, "99 salariés"},
		{"reprise joaillerie, 99 salariés", "32.12Z", 99, false, true, cma, cci, takeover, "99 salariés"},
		{"reprise joaillerie, 100 salariés", "32.12Z", 100, false, true, cci, cma, large, "moins de 100"},
		{"reprise joaillerie, 120 salariés", "32.12Z", 120, false, true, cci, cma, large, "120 salariés"},
		{"reprise garage, 4 salariés", "45.20A", 4, false, true, cma, "", small, "4 salariés"},
		{"reprise garage, 250 salariés", "45.20A", 250, false, true, cci, cma, large, "250 salariés"},
		// Already registered wins over the narrower takeover range.
		{"reprise par un artisan immatriculé, 120 salariés", "43.32A", 120, true, true, cma, cci, registered, "droit de suite"},
		{"reprise par un artisan immatriculé, 260 salariés", "43.32A", 260, true, true, cci, cma, large, "sans droit de suite"},
		// Partly artisanal sub-classes have the same droit de suite.
		{"poissonnerie immatriculée, 30 salariés", "47.23Z", 30, true, false, cma, cci, "artisanal-partly-droit-de-suite", "moins de 250"},
		{"reprise poissonnerie, 50 salariés", "47.23Z", 50, false, true, cma, cci, "artisanal-partly-takeover", "99 salariés"},
		{"reprise poissonnerie, 120 salariés", "47.23Z", 120, false, true, cci, cma, "artisanal-partly-large", "120 salariés"},
		{"poissonnerie immatriculée, 250 salariés", "47.23Z", 250, true, false, cci, cma, "artisanal-partly-large", "250 salariés"},
		// Not artisanal: the flags change nothing.
		{"hypermarché immatriculé", "47.11F", 30, true, true, cci, "", "commercial", "non artisanale"},
		{"sans NAF, immatriculée", "", 30, true, false, cci, cma, "naf-unknown", "sans code NAF"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := router.Route(routing.Input{NAFCode: tt.naf, Headcount: tt.headcount, Departement: "91",
				AlreadyRegistered: tt.registered, TakeoverOfArtisanFonds: tt.takeover})
			if r.LeadChamber != tt.lead || r.SecondaryChamber != tt.secondary || r.RuleID != tt.rule {
				t.Errorf("lead %q, secondary %q, rule %q; want %q, %q, %q", r.LeadChamber, r.SecondaryChamber, r.RuleID, tt.lead, tt.secondary, tt.rule)
			}
			assertFrenchReason(t, r.Reason)
			if !strings.Contains(r.Reason, tt.says) {
				t.Errorf("reason %q does not say %q", r.Reason, tt.says)
			}
		})
	}
}

// TestRouteAcceptsNAFSpellings: "47.11F", "4711F", lower case and spaces
// are the same code; the decision records it in canonical form with the
// nomenclature version. A code outside the nomenclature counts as missing.
func TestRouteAcceptsNAFSpellings(t *testing.T) {
	t.Parallel()
	router := routing.Router{Ref: loadRef(t), Departements: []string{"91"}}
	for _, spelling := range []string{"10.71C", "1071C", "10.71c", " 1071c "} {
		d := router.Decide(routing.Input{NAFCode: spelling, Headcount: 2, Departement: "91"})
		if d.Routing.RuleID != "artisanal-always-small" || d.Routing.LeadChamber != cma {
			t.Errorf("%q: %+v, want the CMA by artisanal-always-small", spelling, d.Routing)
		}
		if d.Input.NAFCode != "10.71C" || !d.NAFKnown || d.NAFVersion != refdata.NAFVersion {
			t.Errorf("%q: recorded NAF %q known %v version %q, want 10.71C known %s", spelling, d.Input.NAFCode, d.NAFKnown, d.NAFVersion, refdata.NAFVersion)
		}
		if d.Artisanal != refdata.ArtisanalAlways || d.Family != refdata.FamilyAlimentation {
			t.Errorf("%q: recorded %q %q, want always alimentation", spelling, d.Artisanal, d.Family)
		}
		if !strings.Contains(d.Routing.Reason, "10.71C") {
			t.Errorf("%q: reason %q does not quote the canonical code", spelling, d.Routing.Reason)
		}
	}
	for _, bad := range []string{"10.71", "99.99Z", "1O71C", "boulangerie"} {
		d := router.Decide(routing.Input{NAFCode: bad, Headcount: 2, Departement: "91"})
		if d.Routing.RuleID != "naf-unknown" || d.NAFKnown || d.Input.NAFCode != bad {
			t.Errorf("%q: rule %q, known %v, recorded %q; want naf-unknown, unknown, kept as given", bad, d.Routing.RuleID, d.NAFKnown, d.Input.NAFCode)
		}
	}
}

// TestDecisionRecordsItsGrounds: a decision keeps the inputs, where to turn
// when neither chamber is competent, the région, and the table's version.
func TestDecisionRecordsItsGrounds(t *testing.T) {
	t.Parallel()
	ref := loadRef(t)
	embedded, err := routing.EmbeddedRules()
	if err != nil {
		t.Fatal(err)
	}
	if embedded.Version() == "" {
		t.Fatal("the embedded table has no version")
	}
	router := routing.Router{Ref: ref, Departements: []string{"91"}}
	in := routing.Input{NAFCode: "6910Z", Headcount: 3, Departement: "75", AlreadyRegistered: true}
	d := router.Decide(in)
	if d.Routing.RulesVersion != embedded.Version() {
		t.Errorf("rules version %q, want the embedded table's %q", d.Routing.RulesVersion, embedded.Version())
	}
	if d.Routing.RuleID != "liberal-profession" || d.Routing.LeadChamber != "" || d.TurnTo == "" || !strings.Contains(d.Routing.Reason, d.TurnTo) {
		t.Errorf("avocat: %+v, turn to %q; want neither chamber and where to turn", d.Routing, d.TurnTo)
	}
	want := in
	want.NAFCode, want.Request = "69.10Z", routing.RequestCreation // an unnamed request is a creation
	if !reflect.DeepEqual(d.Input, want) || d.Region != "11" {
		t.Errorf("recorded input %+v, région %q; want %+v, 11", d.Input, d.Region, want)
	}
	if !d.Routing.OutOfTerritory || !strings.Contains(d.Routing.Reason, "Paris, 75") {
		t.Errorf("Paris: %+v, want out of territory naming the département", d.Routing)
	}
	// Every rule of the table sets the version, and Route agrees with Decide.
	if r := router.Route(in); r != d.Routing {
		t.Errorf("Route = %+v, Decide = %+v", r, d.Routing)
	}
}
