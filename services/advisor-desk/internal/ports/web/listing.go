package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/ccicma/platform/pkg/auth"
	"github.com/ccicma/platform/pkg/refdata"

	"github.com/ccicma/platform/services/advisor-desk/internal/adapters/peers"
	"github.com/ccicma/platform/services/advisor-desk/internal/domain/casefile"
)

// The life of a listing and of a search on their pages: the vetting that
// publishes an offer (its file and the teaser the seller accepts), the
// status changes, and a search's renewal. takeover-matching decides who
// may do what (the offer's advisor vets it; the advisors of its chambers
// change its status) and when; the page relays its refusals (400 and 422
// naming fields, 403, 409) next to the fields, as the creation case's.

// TakeoverListings reads the marketplace and changes listings and
// searches in takeover-matching (adapters/peers).
type TakeoverListings interface {
	Offers(ctx context.Context, token string, f peers.MarketFilter) (peers.OfferPage, error)
	Searches(ctx context.Context, token string, f peers.MarketFilter) (peers.SearchPage, error)
	VetOffer(ctx context.Context, token, id string, v peers.Vetting) error
	ChangeOfferStatus(ctx context.Context, token, id, to, reason string) error
	ChangeSearchStatus(ctx context.Context, token, id, to, reason string) error
	RenewSearch(ctx context.Context, token, id string) error
}

// Values of the "fait" parameter after these actions, and what the page
// then says.
var listingDone = map[string]string{
	"publication":    "L'offre est examinée : son annonce est publiée sur la place de marché.",
	"statut":         "Le nouveau statut est enregistré.",
	"renouvellement": "La recherche est renouvelée : sa durée de validité repart d'aujourd'hui.",
}

// vettingFields and statusFields map takeover-matching's names of the
// forms' fields to the page's ids.
var (
	vettingFields = fieldIDs{
		"file.owner": "dossier-cedant", "file.business": "dossier-activite", "file.customers": "dossier-clientele",
		"file.equipment": "dossier-materiel", "file.staff": "dossier-personnel", "file.results": "dossier-resultats",
		"file.reason_for_sale": "dossier-motif", "file.revenue": "dossier-ca", "file.gross_operating_profit": "dossier-ebe",
		"file.headcount": "dossier-effectif", "file.price": "dossier-prix",
		"teaser.sector_level": "vitrine-activite", "teaser.place_level": "vitrine-lieu", "teaser.revenue_band": "vitrine-ca",
		"teaser.gross_operating_profit_band": "vitrine-ebe", "teaser.headcount_band": "vitrine-effectif",
		"teaser.price_band": "vitrine-prix", "teaser.deal_types": "vitrine-cession", "teaser.timeline": "vitrine-calendrier",
	}
	statusFields = fieldIDs{"to": "statut", "reason": "motif-statut"}
)

// pageFields renames takeover-matching's fields to the page's ids; a
// deal type's index ("teaser.deal_types[1]") leads to the deal types.
func pageFields(errs []peers.FieldError) []peers.FieldError {
	out := make([]peers.FieldError, len(errs))
	for i, e := range errs {
		name, _, _ := strings.Cut(e.Field, "[")
		e.Field = vettingFields[name]
		if e.Field == "" {
			e.Field = statusFields[name]
		}
		out[i] = e
	}
	return out
}

// vettingForm is the vetting form as sent.
type vettingForm struct {
	Owner, Business, Customers, Equipment, Staff, Results, ReasonForSale string
	Revenue, Profit, Headcount, Price                                    string
	SectorLevel, PlaceLevel, RevenueBand, ProfitBand, HeadcountBand      string
	PriceBand, Timeline                                                  string
	DealTypes                                                            []string
}

// Has tells whether the form's deal types hold code (for the checkboxes).
func (f vettingForm) Has(code string) bool {
	for _, d := range f.DealTypes {
		if d == code {
			return true
		}
	}
	return false
}

// listingForms is the data of takeover_listing.html on an offer's or a
// search's page.
type listingForms struct {
	Token string
	// Vet: the vetting form, for a submitted offer, shown to its advisor
	// (or a manager of its chamber, or anyone of it while it has none).
	Vet            bool
	VetURL         string
	SectorLevels   []casefile.Choice
	PlaceLevels    []casefile.Choice
	RevenueBands   []casefile.Choice
	ProfitBands    []casefile.Choice
	HeadcountBands []casefile.Choice
	PriceBands     []casefile.Choice
	DealTypes      []casefile.Choice
	Timelines      []casefile.Choice
	// Moves are the status changes the page offers, posted to StatusURL;
	// Renew the renewal of a search.
	Moves     []casefile.Choice
	StatusURL string
	Renew     bool
	RenewURL  string
	// Done is the last action's confirmation; Alert its refusal, with
	// the forms as sent and their fields' messages by id.
	Done   string
	Alert  *alert
	Vetted vettingForm
	Reason string
	Errors map[string]string
	// Published is the listing as the marketplace shows it, File the
	// vetted file and History the status changes, for its own chambers.
	Published []factLine
	File      []factLine
	History   []changeLine
}

// factLine is a term and its description on the page.
type factLine struct{ Term, Text string }

// changeLine is a status change in French.
type changeLine struct {
	At                 time.Time
	From, To, By, Note string
}

func (s *site) listingRoutes(mux *http.ServeMux) {
	mux.HandleFunc("POST /dossiers/reprise/offres/{id}/publication", s.vetOffer)
	mux.HandleFunc("POST /dossiers/reprise/offres/{id}/statut", s.changeOfferStatus)
	mux.HandleFunc("POST /dossiers/reprise/recherches/{id}/statut", s.changeSearchStatus)
	mux.HandleFunc("POST /dossiers/reprise/recherches/{id}/renouvellement", s.renewSearch)
}

// ownChamber tells whether p belongs to one of the chambers.
func ownChamber(p auth.Principal, chamber, secondary string) bool {
	return p.Chamber != "" && (p.Chamber == chamber || p.Chamber == secondary)
}

// offerListing fills the forms of an offer's page for its reader; l holds
// a confirmation or a refusal already.
func (s *site) offerListing(ctx context.Context, c caseRequest, o peers.Offer, l listingForms) listingForms {
	l.Token = c.formToken
	if l.Errors == nil {
		l.Errors = map[string]string{}
	}
	if o.Teaser() || !ownChamber(c.p, o.Chamber, o.SecondaryChamber) {
		return l
	}
	base := "/dossiers/reprise/offres/" + url.PathEscape(o.OfferID)
	l.Vet = o.Status == casefile.ListingSubmitted &&
		(o.AdvisorID == "" || o.AdvisorID == c.p.Subject || c.p.Has(auth.RoleManager))
	if l.Vet {
		l.VetURL = base + "/publication"
		l.SectorLevels, l.PlaceLevels = s.sectorLevels(o.NAFCode), s.placeLevels(o)
		l.RevenueBands, l.ProfitBands, l.HeadcountBands = casefile.RevenueBands(), casefile.ProfitBands(), casefile.HeadcountBands()
		l.PriceBands, l.DealTypes, l.Timelines = casefile.PriceBands(), casefile.DealTypes(), casefile.Timelines()
		if l.Alert == nil { // a first form: what the seller said on the request
			l.Vetted = vettingForm{DealTypes: o.DealTypes, Timeline: o.Timeline, RevenueBand: o.RevenueBand,
				ProfitBand: o.ProfitBand, SectorLevel: "subclass", PlaceLevel: "departement"}
			if o.AskingPrice > 0 {
				l.Vetted.Price = strconv.FormatInt(o.AskingPrice, 10)
			}
		}
	}
	l.Moves, l.StatusURL = casefile.ListingMoves(o.Status), base+"/statut"
	l.Published, l.File = s.publishedLines(o), fileLines(o.File)
	l.History = s.changeLines(ctx, "listing", o.History)
	return l
}

// publishedLines is the listing as the marketplace shows it.
func (s *site) publishedLines(o peers.Offer) []factLine {
	t := o.Listing
	if t == nil {
		return nil
	}
	return []factLine{{"Activité", s.sectorLabel(t.Sector)}, {"Lieu", s.placeLabel(t.PlaceLevel, t.Place, o.Departement)},
		{"Chiffre d'affaires", labelOrDash("band", t.RevenueBand)}, {"Excédent brut d'exploitation", labelOrDash("band", t.ProfitBand)},
		{"Effectif", labelOrDash("headcount", t.HeadcountBand)}, {"Prix", labelOrDash("band", t.PriceBand)},
		{"Ce qui est cédé", dash(strings.Join(labelsOf("deal", t.DealTypes), " ; "))}, {"Calendrier", labelOrDash("timeline", t.Timeline)}}
}

// fileLines is the vetted file, private to the offer's chambers.
func fileLines(f *peers.VettedFile) []factLine {
	if f == nil {
		return nil
	}
	return []factLine{{"Le cédant", f.Owner}, {"L'entreprise", f.Business}, {"La clientèle", f.Customers},
		{"Le matériel et les locaux", f.Equipment}, {"Le personnel", f.Staff}, {"Les résultats", f.Results},
		{"La raison de la cession", f.ReasonForSale}, {"Chiffre d'affaires", euros(f.Revenue)},
		{"Excédent brut d'exploitation", signedEuros(f.Profit)}, {"Effectif", strconv.Itoa(f.Headcount) + " salariés"},
		{"Prix demandé", euros(f.Price)}}
}

func signedEuros(n int64) string {
	if n < 0 {
		return "-" + euros(-n)
	}
	return euros(n)
}

// changeLines names a history's statuses (family "listing" or "search")
// and advisors.
func (s *site) changeLines(ctx context.Context, family string, h []peers.ListingChange) []changeLine {
	out := make([]changeLine, len(h))
	for i, c := range h {
		by := "Le système (expiration)"
		if c.By != "system" {
			by = s.advisorName(ctx, c.By)
		}
		out[i] = changeLine{At: c.At, From: casefile.Label(family, c.From), To: casefile.Label(family, c.To), By: by, Note: c.Reason}
	}
	return out
}

// searchListing fills the forms of a search's page for its reader.
func (s *site) searchListing(ctx context.Context, c caseRequest, sr peers.Search, l listingForms) listingForms {
	l.Token = c.formToken
	if l.Errors == nil {
		l.Errors = map[string]string{}
	}
	if !ownChamber(c.p, sr.Chamber, sr.SecondaryChamber) {
		return l
	}
	base := "/dossiers/reprise/recherches/" + url.PathEscape(sr.SearchID)
	l.Moves, l.StatusURL = casefile.SearchMoves(sr.Status), base+"/statut"
	l.Renew, l.RenewURL = casefile.Renewable(sr.Status), base+"/renouvellement"
	l.History = s.changeLines(ctx, "search", sr.History)
	return l
}

// sectorLevels are the levels the offer's NAF code can be shown at, each
// with its code and label.
func (s *site) sectorLevels(code string) []casefile.Choice {
	ids := map[string]string{"subclass": code}
	if len(code) >= 5 {
		ids["division"], ids["group"], ids["class"] = code[:2], code[:4], code[:5]
	}
	if sec, ok := refdata.NAFSection(code); ok {
		ids["section"] = sec
	}
	var out []casefile.Choice
	for _, lv := range casefile.SectorLevels() {
		if id := ids[lv.Code]; id != "" {
			out = append(out, casefile.Choice{Code: lv.Code, Label: lv.Label + " : " + s.sectorLabel(id)})
		}
	}
	return out
}

// placeLevels are the levels the offer's place can be shown at (a
// confidential offer has no commune: only its département).
func (s *site) placeLevels(o peers.Offer) []casefile.Choice {
	var out []casefile.Choice
	for _, lv := range casefile.PlaceLevels() {
		switch {
		case lv.Code == "commune" && o.CommuneCode != "":
			out = append(out, casefile.Choice{Code: lv.Code, Label: lv.Label + " : " + s.communeText(o.CommuneCode)})
		case lv.Code == "epci" && o.EPCI != "":
			out = append(out, casefile.Choice{Code: lv.Code, Label: lv.Label + " : " + s.placeLabel("epci", o.EPCI, o.Departement)})
		case lv.Code == "departement":
			out = append(out, casefile.Choice{Code: lv.Code, Label: lv.Label + " : " + s.departementLabel(o.Departement)})
		}
	}
	return out
}

// readVetting reads the vetting form: the amounts must be whole numbers
// of euros (or of employees); takeover-matching checks the rest.
func readVetting(form url.Values) (vettingForm, peers.Vetting, []peers.FieldError) {
	f := vettingForm{Owner: form.Get("dossier-cedant"), Business: form.Get("dossier-activite"),
		Customers: form.Get("dossier-clientele"), Equipment: form.Get("dossier-materiel"), Staff: form.Get("dossier-personnel"),
		Results: form.Get("dossier-resultats"), ReasonForSale: form.Get("dossier-motif"),
		Revenue: strings.TrimSpace(form.Get("dossier-ca")), Profit: strings.TrimSpace(form.Get("dossier-ebe")),
		Headcount: strings.TrimSpace(form.Get("dossier-effectif")), Price: strings.TrimSpace(form.Get("dossier-prix")),
		SectorLevel: form.Get("vitrine-activite"), PlaceLevel: form.Get("vitrine-lieu"), RevenueBand: form.Get("vitrine-ca"),
		ProfitBand: form.Get("vitrine-ebe"), HeadcountBand: form.Get("vitrine-effectif"), PriceBand: form.Get("vitrine-prix"),
		Timeline: form.Get("vitrine-calendrier"), DealTypes: form["vitrine-cession"]}
	var bad []peers.FieldError
	number := func(id, v, msg string) int64 {
		n, err := strconv.ParseInt(strings.NewReplacer(" ", "", "\u00a0", "", "\u202f", "", "€", "").Replace(v), 10, 64)
		if err != nil {
			bad = append(bad, peers.FieldError{Field: id, Code: "invalid", Message: msg})
		}
		return n
	}
	v := peers.Vetting{File: peers.VettedFile{Owner: f.Owner, Business: f.Business, Customers: f.Customers,
		Equipment: f.Equipment, Staff: f.Staff, Results: f.Results, ReasonForSale: f.ReasonForSale},
		Teaser: peers.TeaserChoice{SectorLevel: f.SectorLevel, PlaceLevel: f.PlaceLevel, RevenueBand: f.RevenueBand,
			ProfitBand: f.ProfitBand, HeadcountBand: f.HeadcountBand, PriceBand: f.PriceBand, DealTypes: f.DealTypes,
			Timeline: f.Timeline}}
	v.File.Revenue = number("dossier-ca", f.Revenue, "Indiquez le chiffre d'affaires en euros, sans centimes.")
	v.File.Profit = number("dossier-ebe", f.Profit, "Indiquez l'EBE en euros, sans centimes (négatif : précédé de -).")
	v.File.Headcount = int(number("dossier-effectif", f.Headcount, "Indiquez le nombre de salariés."))
	v.File.Price = number("dossier-prix", f.Price, "Indiquez le prix demandé en euros, sans centimes.")
	if v.Teaser.DealTypes == nil {
		v.Teaser.DealTypes = []string{}
	}
	return f, v, bad
}

// listingRefusal is takeover-matching's refusal of a form as the page
// shows it; false when it is not one to show on the page (a 404, a
// service down).
func listingRefusal(err error) (int, *alert, bool) {
	ref, ok := peers.AsRefused(err)
	if !ok {
		return 0, nil, false
	}
	switch ref.Status {
	case http.StatusBadRequest, http.StatusUnprocessableEntity:
		return http.StatusUnprocessableEntity, &alert{Title: "Le formulaire contient des erreurs", Text: ref.Detail,
			Fields: pageFields(ref.Fields)}, true
	case http.StatusForbidden:
		text := ref.Detail
		if text == "" {
			text = "Seul le conseiller du dossier, ou un responsable de sa chambre, peut faire ce changement."
		}
		return ref.Status, &alert{Title: "Action refusée", Text: text}, true
	case http.StatusConflict:
		title := ref.Title
		if title == "" {
			title = "Changement impossible"
		}
		return ref.Status, &alert{Title: title, Text: ref.Detail}, true
	}
	return 0, nil, false
}

func (s *site) vetOffer(w http.ResponseWriter, r *http.Request) {
	c, ok := s.caseForm(w, r)
	if !ok {
		return
	}
	sent, v, bad := readVetting(r.PostForm)
	l := listingForms{Vetted: sent}
	if len(bad) > 0 {
		l.Alert = &alert{Title: "Le formulaire contient des erreurs", Fields: bad}
		s.showOffer(w, r, c, http.StatusUnprocessableEntity, takeoverForms{Listing: l})
		return
	}
	s.afterOffer(w, r, c, l, "publication", s.Cases.VetOffer(r.Context(), c.bearer, c.id, v))
}

func (s *site) changeOfferStatus(w http.ResponseWriter, r *http.Request) {
	c, ok := s.caseForm(w, r)
	if !ok {
		return
	}
	to, reason := r.PostForm.Get("statut"), strings.TrimSpace(r.PostForm.Get("motif-statut"))
	s.afterOffer(w, r, c, listingForms{Reason: reason}, "statut", s.Cases.ChangeOfferStatus(r.Context(), c.bearer, c.id, to, reason))
}

// afterOffer answers an offer's form: back to its page with the
// confirmation, or the page with the refusal.
func (s *site) afterOffer(w http.ResponseWriter, r *http.Request, c caseRequest, l listingForms, done string, err error) {
	if err == nil {
		http.Redirect(w, r, "/dossiers/reprise/offres/"+url.PathEscape(c.id)+"?fait="+done, http.StatusSeeOther)
		return
	}
	status, a, ok := listingRefusal(err)
	if !ok {
		s.caseError(w, r, c, err)
		return
	}
	l.Alert = a
	s.showOffer(w, r, c, status, takeoverForms{Listing: l})
}

func (s *site) changeSearchStatus(w http.ResponseWriter, r *http.Request) {
	c, ok := s.caseForm(w, r)
	if !ok {
		return
	}
	to, reason := r.PostForm.Get("statut"), strings.TrimSpace(r.PostForm.Get("motif-statut"))
	s.afterSearch(w, r, c, listingForms{Reason: reason}, "statut", s.Cases.ChangeSearchStatus(r.Context(), c.bearer, c.id, to, reason))
}

func (s *site) renewSearch(w http.ResponseWriter, r *http.Request) {
	c, ok := s.caseForm(w, r)
	if !ok {
		return
	}
	s.afterSearch(w, r, c, listingForms{}, "renouvellement", s.Cases.RenewSearch(r.Context(), c.bearer, c.id))
}

func (s *site) afterSearch(w http.ResponseWriter, r *http.Request, c caseRequest, l listingForms, done string, err error) {
	if err == nil {
		http.Redirect(w, r, "/dossiers/reprise/recherches/"+url.PathEscape(c.id)+"?fait="+done, http.StatusSeeOther)
		return
	}
	status, a, ok := listingRefusal(err)
	if !ok {
		s.caseError(w, r, c, err)
		return
	}
	l.Alert = a
	s.showSearch(w, r, c, status, takeoverForms{Listing: l})
}

// doneOf is the confirmation the page's "fait" parameter names.
func doneOf(r *http.Request) listingForms {
	return listingForms{Done: listingDone[r.URL.Query().Get("fait")]}
}

// withErrors sets the forms' field messages from their refusal.
func (l listingForms) withErrors() listingForms {
	if l.Alert != nil {
		l.Errors = fieldMessages(l.Alert.Fields)
	}
	return l
}

// listingInput is one field of the listing's forms, as its template
// parts (takeover_listing.html) draw it with its error.
type listingInput struct {
	ID, Label, Hint, Value, Error string
	Choices                       []casefile.Choice
}

// newListingInput is the "listingInput" template function.
func newListingInput(id, label, hint, value string, errs map[string]string, choices ...[]casefile.Choice) listingInput {
	in := listingInput{ID: id, Label: label, Hint: hint, Value: value, Error: errs[id]}
	if len(choices) > 0 {
		in.Choices = choices[0]
	}
	return in
}
