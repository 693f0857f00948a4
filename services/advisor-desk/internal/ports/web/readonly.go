package web

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/ccicma/platform/services/advisor-desk/internal/adapters/peers"
	"github.com/ccicma/platform/services/advisor-desk/internal/domain/casefile"
)

// offerView is the data of offer.html, and of the "offer" part of
// match.html.
type offerView struct {
	Offer                 peers.Offer
	NAF, Commune, Advisor string
	AskingPrice           string
	// Departement is the offer's, in words ("Essonne (91)").
	Departement string
	DealTypes   []string
	// Listing: the vetting and status forms (takeover_listing.html).
	Listing listingForms
	Care    careForms   // takeover_care.go
	Concern concernForm // concern.go
}

// searchView is the data of search.html.
type searchView struct {
	Search                       peers.Search
	Advisor                      string
	Sectors, Communes, DealTypes []string
	// Departements and EPCIs are the search's, in words.
	Departements, EPCIs []string
	// Listing: the status forms and the renewal (takeover_listing.html).
	Listing listingForms
	Care    careForms // takeover_care.go
}

// matchView is the data of match.html: the match, its offer as the
// reader may see it, and the links to both sides.
type matchView struct {
	offerView
	Match                       peers.Match
	OfferAdvisor, SearchAdvisor string
	Criteria                    []string
	OfferURL, SearchURL         string
	// The introduction (introductions.go): its stage in French, whether
	// the sides were introduced, a drop's reason, the history, and the
	// forms of the reader's next steps with the drop reasons they offer.
	Stage, DropReason string
	Introduced        bool
	History           []historyLine
	Steps             []stepForm
	DropReasons       []casefile.Choice
	Token, Done       string
	// Alert is a refused step; Form the forms as sent then; Errors their
	// fields' messages, by id.
	Alert  *alert
	Form   matchForm
	Errors map[string]string
	// refusal is the refused step's error, shown instead of the page
	// when the reader may not read the match either.
	refusal error
}

// preventionView is the data of prevention.html.
type preventionView struct {
	Case            peers.PreventionCase
	Kinds, Advisors []string
	NAF, Status     string
	Contact         contact
	// Lifecycle is the case's status, timeline of actions and forms
	// (prevention.go); Done and Alert what the page says after a step.
	Lifecycle lifecycleView
	Done      string
	Alert     *alert
	// Cell: the reader is a prevention cell member, who alone may open
	// the business's page (prevention_score.html).
	Cell bool
}

func (s *site) offerData(r *http.Request, o peers.Offer) offerView {
	v := offerView{Offer: o, NAF: s.nafText(o.NAFCode), Commune: s.communeText(o.CommuneCode), Departement: s.departementLabel(o.Departement),
		Advisor: s.advisorName(r.Context(), o.AdvisorID), DealTypes: labelsOf("deal", o.DealTypes)}
	if o.AskingPrice > 0 {
		v.AskingPrice = euros(o.AskingPrice)
	}
	return v
}

func (s *site) offerPage(w http.ResponseWriter, r *http.Request) {
	c, ok := s.caseStart(w, r)
	if !ok {
		return
	}
	s.showOffer(w, r, c, http.StatusOK, takeoverForms{Listing: doneOf(r), Care: careNotice(r), Concern: concernNotice(r)})
}

// takeoverForms are the forms of an offer's or a search's page as a
// request left them: a confirmation, or a refused form to show again.
type takeoverForms struct {
	Listing listingForms // takeover_listing.html
	Care    careForms    // takeover_care.html
	Concern concernForm  // offer.html, offers only
}

func (f takeoverForms) refused() bool {
	return f.Listing.Alert != nil || f.Care.Alert != nil || f.Concern.Alert != nil
}

// showOffer reads the offer and renders its page with its forms.
func (s *site) showOffer(w http.ResponseWriter, r *http.Request, c caseRequest, status int, f takeoverForms) {
	o, err := s.Cases.Offer(r.Context(), c.bearer, c.id)
	if err != nil {
		s.caseError(w, r, c, err)
		return
	}
	v := s.offerData(r, o)
	v.Listing = s.offerListing(r.Context(), c, o, f.Listing.withErrors())
	v.Care = careOf(c, offerKind(), o.OfferID, o.AdvisorID, o.Status, o.Care, f.Care)
	if o.Teaser() {
		v.Care = careForms{Shown: f.Care.Alert != nil, Teaser: true, Alert: f.Care.Alert}
	}
	v.Concern = s.offerConcern(r.Context(), c, o, f.Concern)
	s.render(w, r, status, "offer", layout{Title: "Entreprise à céder", Errors: f.refused(), Signed: true, Token: c.formToken, Main: v})
}

func (s *site) searchPage(w http.ResponseWriter, r *http.Request) {
	c, ok := s.caseStart(w, r)
	if !ok {
		return
	}
	s.showSearch(w, r, c, http.StatusOK, takeoverForms{Listing: doneOf(r), Care: careNotice(r)})
}

// showSearch reads the search and renders its page with its forms.
func (s *site) showSearch(w http.ResponseWriter, r *http.Request, c caseRequest, status int, f takeoverForms) {
	sr, err := s.Cases.Search(r.Context(), c.bearer, c.id)
	if err != nil {
		s.caseError(w, r, c, err)
		return
	}
	v := s.searchData(r, sr)
	v.Listing = s.searchListing(r.Context(), c, sr, f.Listing.withErrors())
	v.Care = careOf(c, searchKind(), sr.SearchID, sr.AdvisorID, sr.Status, sr.Care, f.Care)
	s.render(w, r, status, "search", layout{Title: "Recherche de repreneur", Errors: f.refused(), Signed: true, Token: c.formToken, Main: v})
}

func (s *site) searchData(r *http.Request, sr peers.Search) searchView {
	v := searchView{Search: sr, Sectors: s.sectors(sr.Sectors), DealTypes: labelsOf("deal", sr.DealTypes),
		Advisor: s.advisorName(r.Context(), sr.AdvisorID)}
	for _, code := range sr.CommuneCodes {
		v.Communes = append(v.Communes, s.communeText(code))
	}
	for _, code := range sr.Departements {
		v.Departements = append(v.Departements, s.departementLabel(code))
	}
	for _, code := range sr.EPCICodes {
		v.EPCIs = append(v.EPCIs, s.epciLabel(code))
	}
	return v
}

func (s *site) matchPage(w http.ResponseWriter, r *http.Request) {
	c, ok := s.caseStart(w, r)
	if !ok {
		return
	}
	var v matchView
	if st, ok := matchStepBy(r.URL.Query().Get("fait")); ok && st.Slug == r.URL.Query().Get("fait") {
		v.Done = st.Done
	}
	s.showMatch(w, r, c, http.StatusOK, v)
}

// showMatch reads the match and renders its page with what v already
// holds (a confirmation, a refused step).
func (s *site) showMatch(w http.ResponseWriter, r *http.Request, c caseRequest, status int, v matchView) {
	m, err := s.Cases.Match(r.Context(), c.bearer, c.id)
	if _, hidden := peers.AsRefused(err); hidden && v.refusal != nil {
		// A reader who may not see the match is told why their step was
		// refused rather than why the page is.
		err = v.refusal
	}
	if err != nil {
		s.caseError(w, r, c, err)
		return
	}
	v.offerView, v.Match, v.Criteria = s.offerData(r, m.Offer), m, labelsOf("criterion", m.Criteria)
	v.OfferAdvisor, v.SearchAdvisor = s.advisorName(r.Context(), m.OfferAdvisorID), s.advisorName(r.Context(), m.SearchAdvisorID)
	v.OfferURL, v.SearchURL = "/dossiers/reprise/offres/"+url.PathEscape(m.OfferID), "/dossiers/reprise/recherches/"+url.PathEscape(m.SearchID)
	s.fillIntroduction(r.Context(), c, m, &v)
	s.render(w, r, status, "match", layout{Title: "Mise en relation", Errors: v.Alert != nil, Signed: true, Token: c.formToken, Main: v})
}

// preventionPage shows a confidential difficulty case: difficulty-alert
// logs the read, intake logs the read of the contact details, and the
// page is never cached (render sends no-store).
func (s *site) preventionPage(w http.ResponseWriter, r *http.Request) {
	c, ok := s.caseStart(w, r)
	if !ok {
		return
	}
	s.showPrevention(w, r, c, http.StatusOK, preventionView{Done: preventionDone[r.URL.Query().Get("fait")]})
}

// showPrevention reads the case and renders its page with what v already
// holds (a confirmation, a refused step and its form as sent).
func (s *site) showPrevention(w http.ResponseWriter, r *http.Request, c caseRequest, status int, v preventionView) {
	pc, err := s.Cases.PreventionCase(r.Context(), c.bearer, c.id)
	if err != nil {
		s.caseError(w, r, c, err)
		return
	}
	v.Case, v.Kinds, v.NAF, v.Status = pc, labelsOf("kind", pc.Kinds), s.nafText(pc.NAFCode), preventionStatus(pc.Status)
	if pc.TakeoverOfferID != "" || (pc.CreationCaseID != "" && pc.Checkpoint == "") {
		// An advisor's concern (a takeover advisor's, or a creation
		// advisor's between two checkpoints): its codes are the concerns.
		v.Kinds = casefile.ConcernLabels(pc.Kinds)
	}
	for _, id := range pc.AdvisorIDs {
		v.Advisors = append(v.Advisors, s.advisorName(r.Context(), id))
	}
	if pc.RequestID != "" {
		v.Contact = s.contactOf(r.Context(), c, pc.RequestID)
	}
	s.fillLifecycle(r.Context(), &v, pc, c.formToken, c.p.Subject)
	v.Cell = cellMember(c.p)
	s.render(w, r, status, "prevention", layout{Title: "Dossier de prévention", Errors: v.Alert != nil, Signed: true, Token: c.formToken, Main: v})
}

func preventionStatus(code string) string {
	switch code {
	case "opened":
		return "Ouvert : en attente du rappel d'un conseiller"
	case "taken_in_charge":
		return "Pris en charge"
	case "closed":
		return "Clos"
	}
	return code
}

// sectors names the NAF codes or prefixes of a search.
func (s *site) sectors(codes []string) []string {
	out := make([]string, len(codes))
	for i, c := range codes {
		out[i] = s.nafText(c)
	}
	return out
}

func labelsOf(family string, codes []string) []string {
	out := make([]string, len(codes))
	for i, c := range codes {
		out[i] = casefile.Label(family, c)
	}
	return out
}

// euros writes 250000 as "250 000 €" (narrow no-break spaces).
func euros(n int64) string {
	s := []byte{}
	digits := []byte(strconv.FormatInt(n, 10))
	for i, d := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			s = append(s, "\u202f"...)
		}
		s = append(s, d)
	}
	return string(s) + "\u00a0€"
}
