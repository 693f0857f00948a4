package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/ccicma/platform/pkg/refdata"

	"github.com/ccicma/platform/services/advisor-desk/internal/adapters/peers"
	"github.com/ccicma/platform/services/advisor-desk/internal/domain/casefile"
)

// The takeover marketplace: the published listings and the open buyers'
// searches of both chambers, for the advisors of both, with filters and
// pages. takeover-matching serves each row as the reader may see it: a
// listing of another chamber is its anonymous teaser (sector and place at
// the levels the seller chose, bands), which is all the page shows of it,
// and a filter runs on what the teaser shows. "Mes dossiers" (portee=
// chambre) lists the reader's chamber's own, by status.

// Paths of the marketplace's pages.
const (
	marketOffersPath   = "/dossiers/reprise/annonces"
	marketSearchesPath = "/dossiers/reprise/recherches"
	marketPageSize     = 20
)

// marketFields are takeover-matching's names of the filters, to the
// form's ids.
var marketFields = fieldIDs{"scope": "portee", "status": "statut", "chamber": "chambre", "naf": "secteur",
	"departement": "departement", "deal_type": "cession", "price_band": "tranche", "budget_band": "tranche", "after": "", "limit": ""}

// marketForm is the filters' form as sent (the page's parameters).
type marketForm struct {
	Own                                                     bool
	Status, Chamber, Sector, Departement, Deal, Band, After string
}

func readMarketForm(q url.Values) marketForm {
	return marketForm{Own: q.Get("portee") == "chambre", Status: q.Get("statut"), Chamber: q.Get("chambre"),
		Sector: strings.TrimSpace(q.Get("secteur")), Departement: strings.TrimSpace(q.Get("departement")),
		Deal: q.Get("cession"), Band: q.Get("tranche"), After: q.Get("apres")}
}

// filter is the form as takeover-matching's filter.
func (f marketForm) filter() peers.MarketFilter {
	return peers.MarketFilter{Market: !f.Own, Status: f.Status, Chamber: f.Chamber, NAF: f.Sector,
		Departement: f.Departement, DealType: f.Deal, Band: f.Band, After: f.After, Limit: marketPageSize}
}

// query is the form as the page's parameters, after the id given.
func (f marketForm) query(after string) string {
	q := url.Values{}
	if f.Own {
		q.Set("portee", "chambre")
	}
	for k, v := range map[string]string{"statut": f.Status, "chambre": f.Chamber, "secteur": f.Sector,
		"departement": f.Departement, "cession": f.Deal, "tranche": f.Band, "apres": after} {
		if v != "" {
			q.Set(k, v)
		}
	}
	if len(q) == 0 {
		return ""
	}
	return "?" + q.Encode()
}

// marketView is the data of marketplace.html, for either list.
type marketView struct {
	Searches                bool
	Path, Heading           string
	Form                    marketForm
	Sections                []sectionOption
	Statuses, Chambers      []casefile.Choice
	DealTypes, Bands        []casefile.Choice
	Offers                  []offerRow
	SearchRows              []searchRow
	NextURL, FirstURL       string
	Alert                   *alert
	Errors                  map[string]string
	OtherPath, OtherHeading string
}

// sectionOption is a NAF section with its divisions, for the sector
// filter.
type sectionOption struct {
	Code, Label string
	Divisions   []casefile.Choice
}

// offerRow is a listing on the marketplace: Link is empty for a teaser
// (its page is the buyer's side's through a match only).
type offerRow struct {
	Link, Ref                                 string
	Teaser                                    bool
	Sector, Place, Revenue, Profit, Headcount string
	Price, Deals, Timeline, Status, Chamber   string
}

// searchRow is a buyer's search on the marketplace: Link is empty for
// another chamber's search.
type searchRow struct {
	Link, Ref                                   string
	Sectors, Places, Budget, Contribution       string
	Headcount, Deals, Timeline, Status, Chamber string
}

func (s *site) marketRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET "+marketOffersPath, s.marketOffers)
	mux.HandleFunc("GET "+marketSearchesPath, s.marketSearches)
}

// marketStart checks the session; it answers (a redirect to sign-in)
// when it returns false.
func (s *site) marketStart(w http.ResponseWriter, r *http.Request) (caseRequest, bool) {
	p, tok, ok := s.session(r)
	if !ok {
		clearCookie(w, r, SessionCookie, "/")
		http.Redirect(w, r, "/connexion", http.StatusSeeOther)
		return caseRequest{}, false
	}
	return caseRequest{p: p, formToken: tok, bearer: sessionValue(r)}, true
}

func (s *site) marketView(searches bool, f marketForm) marketView {
	v := marketView{Searches: searches, Form: f, Sections: s.sectionOptions(), Chambers: casefile.Chambers(),
		DealTypes: casefile.DealTypes(), Bands: casefile.PriceBands(), Errors: map[string]string{}}
	if searches {
		v.Path, v.Heading, v.Statuses = marketSearchesPath, "Recherches de repreneurs", casefile.SearchStatuses()
		v.OtherPath, v.OtherHeading = marketOffersPath, "Entreprises à céder"
	} else {
		v.Path, v.Heading, v.Statuses = marketOffersPath, "Entreprises à céder", casefile.ListingStatuses()
		v.OtherPath, v.OtherHeading = marketSearchesPath, "Recherches de repreneurs"
	}
	if f.After != "" {
		v.FirstURL = v.Path + f.query("")
	}
	return v
}

// marketRefused shows the page with takeover-matching's refusal of the
// filters (400 naming each), or answers as a case page would.
func (s *site) marketRefused(w http.ResponseWriter, r *http.Request, c caseRequest, v marketView, err error) {
	ref, ok := peers.AsRefused(err)
	if !ok || ref.Status != http.StatusBadRequest {
		s.caseError(w, r, c, err)
		return
	}
	v.Alert = &alert{Title: "Les filtres contiennent des erreurs", Fields: marketFields.inPage(ref.Fields)}
	v.Errors = fieldMessages(v.Alert.Fields)
	s.render(w, r, http.StatusBadRequest, "marketplace", layout{Title: v.Heading, Errors: true, Signed: true, Token: c.formToken, Main: v})
}

func (s *site) marketOffers(w http.ResponseWriter, r *http.Request) {
	c, ok := s.marketStart(w, r)
	if !ok {
		return
	}
	f := readMarketForm(r.URL.Query())
	v := s.marketView(false, f)
	page, err := s.Cases.Offers(r.Context(), c.bearer, f.filter())
	if err != nil {
		s.marketRefused(w, r, c, v, err)
		return
	}
	for _, o := range page.Offers {
		v.Offers = append(v.Offers, s.offerRow(o))
	}
	if len(page.Offers) == marketPageSize && page.NextAfter != "" {
		v.NextURL = v.Path + f.query(page.NextAfter)
	}
	s.render(w, r, http.StatusOK, "marketplace", layout{Title: v.Heading, Signed: true, Token: c.formToken, Main: v})
}

func (s *site) marketSearches(w http.ResponseWriter, r *http.Request) {
	c, ok := s.marketStart(w, r)
	if !ok {
		return
	}
	f := readMarketForm(r.URL.Query())
	v := s.marketView(true, f)
	page, err := s.Cases.Searches(r.Context(), c.bearer, f.filter())
	if err != nil {
		s.marketRefused(w, r, c, v, err)
		return
	}
	for _, sr := range page.Searches {
		v.SearchRows = append(v.SearchRows, s.searchRow(c, sr))
	}
	if len(page.Searches) == marketPageSize && page.NextAfter != "" {
		v.NextURL = v.Path + f.query(page.NextAfter)
	}
	s.render(w, r, http.StatusOK, "marketplace", layout{Title: v.Heading, Signed: true, Token: c.formToken, Main: v})
}

// offerRow is a listing as the page shows it: the teaser's fields only
// for a teaser; for the reader's own chamber's, the listing as vetted (or
// the offer as registered while not vetted).
func (s *site) offerRow(o peers.Offer) offerRow {
	row := offerRow{Ref: shortID(o.OfferID), Teaser: o.Teaser(), Status: casefile.Label("listing", o.Status)}
	sector, place, placeLevel := o.NAFCode, o.Place, o.PlaceLevel
	revenue, profit, headcount, price, deals, timeline := o.RevenueBand, o.ProfitBand, o.HeadcountBand, o.PriceBand, o.DealTypes, o.Timeline
	if !o.Teaser() {
		row.Link, row.Chamber = "/dossiers/reprise/offres/"+url.PathEscape(o.OfferID), o.Chamber
		if l := o.Listing; l != nil {
			sector, place, placeLevel = l.Sector, l.Place, l.PlaceLevel
			revenue, profit, headcount, price, deals, timeline = l.RevenueBand, l.ProfitBand, l.HeadcountBand, l.PriceBand, l.DealTypes, l.Timeline
		} else {
			place, placeLevel = o.Departement, "departement"
		}
	}
	row.Sector, row.Place = s.sectorLabel(sector), s.placeLabel(placeLevel, place, o.Departement)
	row.Revenue, row.Profit = labelOrDash("band", revenue), labelOrDash("band", profit)
	row.Headcount, row.Price = labelOrDash("headcount", headcount), labelOrDash("band", price)
	row.Deals, row.Timeline = dash(strings.Join(labelsOf("deal", deals), " ; ")), labelOrDash("timeline", timeline)
	return row
}

// searchRow is a search as the page shows it, linked for the reader's own
// chamber.
func (s *site) searchRow(c caseRequest, sr peers.Search) searchRow {
	row := searchRow{Ref: shortID(sr.SearchID), Chamber: sr.Chamber, Status: casefile.Label("search", sr.Status),
		Budget: casefile.Label("band", sr.BudgetBand), Contribution: casefile.Label("band", sr.ContributionBand),
		Headcount: fmt.Sprintf("De %d à %d salariés", sr.HeadcountMin, sr.HeadcountMax),
		Deals:     strings.Join(labelsOf("deal", sr.DealTypes), " ; "), Timeline: casefile.Label("timeline", sr.Timeline)}
	if c.p.Chamber != "" && (sr.Chamber == c.p.Chamber || sr.SecondaryChamber == c.p.Chamber) {
		row.Link = "/dossiers/reprise/recherches/" + url.PathEscape(sr.SearchID)
	}
	var sectors, places []string
	for _, code := range sr.Sectors {
		sectors = append(sectors, s.sectorLabel(code))
	}
	for _, d := range sr.Departements {
		places = append(places, s.departementLabel(d))
	}
	row.Sectors, row.Places = dash(strings.Join(sectors, " ; ")), dash(strings.Join(places, " ; "))
	if sr.Mobility == "national" {
		row.Places = casefile.Label("mobility", sr.Mobility)
	}
	return row
}

// sectorLabel names a NAF id at any level in words, with its code:
// "Boulangerie et boulangerie-pâtisserie (10.71C)".
func (s *site) sectorLabel(code string) string {
	switch {
	case code == "":
		return "Non précisée"
	case len(code) == 1:
		return casefile.NAFSectionLabel(code) + " (section " + code + ")"
	}
	if s.Places != nil {
		if l, ok := s.Places.NAFLabel(code); ok {
			return l + " (" + code + ")"
		}
	}
	return code
}

// placeLabel names a teaser's place at its level: a commune, an EPCI or
// a département; dept is the offer's département, which every teaser
// shows.
func (s *site) placeLabel(level, code, dept string) string {
	switch level {
	case "commune":
		return s.communeText(code)
	case "epci":
		return s.epciLabel(code) + " — " + s.departementLabel(dept)
	}
	if code == "" {
		code = dept
	}
	return s.departementLabel(code)
}

// epciLabel is an EPCI's name, or "Intercommunalité" and its SIREN.
func (s *site) epciLabel(code string) string {
	if s.Places != nil {
		if e, ok := s.Places.EPCI(code); ok {
			return e.Name
		}
	}
	return "Intercommunalité " + code
}

// departementLabel is "Essonne (91)", or the code.
func (s *site) departementLabel(code string) string {
	if code == "" {
		return "Non précisé"
	}
	if s.Places != nil {
		if d, ok := s.Places.Departement(code); ok {
			return d.Name + " (" + code + ")"
		}
	}
	return code
}

// sectionOptions lists the NAF sections and their divisions, labelled.
func (s *site) sectionOptions() []sectionOption {
	out := make([]sectionOption, 0, len(casefile.NAFSections()))
	index := map[string]int{}
	for _, sec := range casefile.NAFSections() {
		index[sec.Code] = len(out)
		out = append(out, sectionOption{Code: sec.Code, Label: sec.Label})
	}
	if s.Places == nil {
		return out
	}
	for d := 1; d <= 99; d++ {
		div := fmt.Sprintf("%02d", d)
		label, ok := s.Places.NAFLabel(div)
		sec, known := refdata.NAFSection(div)
		if !ok || !known {
			continue
		}
		i := index[sec]
		out[i].Divisions = append(out[i].Divisions, casefile.Choice{Code: div, Label: label})
	}
	return out
}

// shortID is the end of an id, enough to tell rows apart.
func shortID(id string) string {
	if len(id) > 8 {
		return id[len(id)-8:]
	}
	return id
}

// labelOrDash is the label of a code, or a dash when it is missing.
func labelOrDash(family, code string) string { return dash(casefile.Label(family, code)) }

func dash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}
