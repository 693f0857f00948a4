package web

import (
	"net/http"
	"strconv"

	"github.com/ccicma/platform/services/advisor-desk/internal/domain/casefile"
)

// readView is the data of the read-only pages: offer.html, search.html,
// match.html (the match and its offer) and prevention.html.
type readView struct {
	Offer            casefile.Offer
	NAF, Commune     string
	Advisor          string
	AskingPrice      string
	DealTypes        []string
	OfferURL         string
	SearchURL        string
	Match            *casefile.Match
	MatchOfferAdv    string
	MatchSearchAdv   string
	MatchCriteria    []string
	Search           *casefile.Search
	SearchSectors    []string
	SearchCommunes   []string
	SearchDealTypes  []string
	SearchAdvisor    string
	PreventionCase   *casefile.PreventionCase
	PreventionKinds  []string
	PreventionAdvs   []string
	PreventionNAF    string
	PreventionStatus string
	Contact          contact
}

func (s *site) offerData(r *http.Request, o casefile.Offer) readView {
	v := readView{Offer: o, NAF: s.nafText(o.NAFCode), Commune: s.communeText(o.CommuneCode),
		Advisor: s.advisorName(r.Context(), o.AdvisorID), DealTypes: labelsOf("deal", o.DealTypes),
		OfferURL: "/dossiers/reprise/offres/" + o.OfferID}
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
	o, err := s.Cases.Offer(r.Context(), c.bearer, c.id)
	if err != nil {
		s.caseError(w, r, c, err)
		return
	}
	s.renderCase(w, r, c, http.StatusOK, "offer", "Entreprise à céder", s.offerData(r, o))
}

func (s *site) searchPage(w http.ResponseWriter, r *http.Request) {
	c, ok := s.caseStart(w, r)
	if !ok {
		return
	}
	sr, err := s.Cases.Search(r.Context(), c.bearer, c.id)
	if err != nil {
		s.caseError(w, r, c, err)
		return
	}
	v := readView{Search: &sr, SearchSectors: s.sectors(sr.Sectors), SearchDealTypes: labelsOf("deal", sr.DealTypes),
		SearchAdvisor: s.advisorName(r.Context(), sr.AdvisorID)}
	for _, code := range sr.CommuneCodes {
		v.SearchCommunes = append(v.SearchCommunes, s.communeText(code))
	}
	s.renderCase(w, r, c, http.StatusOK, "search", "Recherche de repreneur", v)
}

func (s *site) matchPage(w http.ResponseWriter, r *http.Request) {
	c, ok := s.caseStart(w, r)
	if !ok {
		return
	}
	m, err := s.Cases.Match(r.Context(), c.bearer, c.id)
	if err != nil {
		s.caseError(w, r, c, err)
		return
	}
	v := s.offerData(r, m.Offer)
	v.Match, v.MatchCriteria = &m, labelsOf("criterion", m.Criteria)
	v.MatchOfferAdv, v.MatchSearchAdv = s.advisorName(r.Context(), m.OfferAdvisorID), s.advisorName(r.Context(), m.SearchAdvisorID)
	v.OfferURL, v.SearchURL = "/dossiers/reprise/offres/"+m.OfferID, "/dossiers/reprise/recherches/"+m.SearchID
	s.renderCase(w, r, c, http.StatusOK, "match", "Mise en relation", v)
}

// preventionPage shows a confidential difficulty case: difficulty-alert
// logs the read, intake logs the read of the contact details, and the
// page is never cached (render sends no-store).
func (s *site) preventionPage(w http.ResponseWriter, r *http.Request) {
	c, ok := s.caseStart(w, r)
	if !ok {
		return
	}
	pc, err := s.Cases.PreventionCase(r.Context(), c.bearer, c.id)
	if err != nil {
		s.caseError(w, r, c, err)
		return
	}
	v := readView{PreventionCase: &pc, PreventionKinds: labelsOf("kind", pc.Kinds), PreventionNAF: s.nafText(pc.NAFCode),
		PreventionStatus: preventionStatus(pc.Status)}
	for _, id := range pc.AdvisorIDs {
		v.PreventionAdvs = append(v.PreventionAdvs, s.advisorName(r.Context(), id))
	}
	v.Contact = s.contactOf(r.Context(), c, pc.RequestID)
	s.renderCase(w, r, c, http.StatusOK, "prevention", "Dossier de prévention", v)
}

func preventionStatus(code string) string {
	if code == "opened" {
		return "Ouvert : en attente du rappel d'un conseiller"
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
