package httpapi

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/ccicma/platform/pkg/auth"
	"github.com/ccicma/platform/pkg/httpserver"

	"github.com/ccicma/platform/services/takeover-matching/internal/domain/access"
	"github.com/ccicma/platform/services/takeover-matching/internal/domain/takeover"
)

// Lifecycle changes offers and searches (app.VetOffer,
// app.ChangeOfferStatus, app.ChangeSearchStatus, app.RenewSearch).
type Lifecycle interface {
	Vet(ctx context.Context, p auth.Principal, id string, v takeover.Vetting) (takeover.Offer, error)
	ChangeOffer(ctx context.Context, p auth.Principal, id, to, reason string) (takeover.Offer, error)
	ChangeSearch(ctx context.Context, p auth.Principal, id, to, reason string) (takeover.Search, error)
	Renew(ctx context.Context, p auth.Principal, id string) (takeover.Search, error)
}

// maxVettingBytes bounds a vetting's body: seven texts of 2,000
// characters (up to 4 bytes each) and a few codes.
const maxVettingBytes = 64 << 10

// fileJSON is the vetted file, private to the offer's chambers.
type fileJSON struct {
	Owner         string `json:"owner"`
	Business      string `json:"business"`
	Customers     string `json:"customers"`
	Equipment     string `json:"equipment"`
	Staff         string `json:"staff"`
	Results       string `json:"results"`
	ReasonForSale string `json:"reason_for_sale"`
	Revenue       int64  `json:"revenue"`
	Profit        int64  `json:"gross_operating_profit"`
	Headcount     int    `json:"headcount"`
	Price         int64  `json:"price"`
}

// teaserChoiceJSON is what the seller accepts to show: the levels and
// bands of the teaser.
type teaserChoiceJSON struct {
	SectorLevel   string   `json:"sector_level"`
	PlaceLevel    string   `json:"place_level"`
	RevenueBand   string   `json:"revenue_band"`
	ProfitBand    string   `json:"gross_operating_profit_band"`
	HeadcountBand string   `json:"headcount_band"`
	PriceBand     string   `json:"price_band"`
	DealTypes     []string `json:"deal_types"`
	Timeline      string   `json:"timeline"`
}

// vettingJSON is the body of POST /api/v1/takeover-offers/{id}/vetting.
type vettingJSON struct {
	File   fileJSON         `json:"file"`
	Teaser teaserChoiceJSON `json:"teaser"`
}

// statusJSON is the body of POST .../status.
type statusJSON struct {
	To     string `json:"to"`
	Reason string `json:"reason"`
}

// vetOffer publishes a submitted offer: 200 with the listing; 400 naming
// each bad field; 409 when it is not waiting for vetting.
func (rt Routes) vetOffer(w http.ResponseWriter, r *http.Request) {
	p, ok := auth.PrincipalOf(w, r, rt.Log)
	if !ok {
		return
	}
	var in vettingJSON
	if !httpserver.ReadJSON(w, r, maxVettingBytes, &in) {
		return
	}
	f, t := in.File, in.Teaser
	o, err := rt.Lifecycle.Vet(r.Context(), p, r.PathValue("id"), takeover.Vetting{
		File: takeover.File{Owner: f.Owner, Business: f.Business, Customers: f.Customers, Equipment: f.Equipment,
			Staff: f.Staff, Results: f.Results, ReasonForSale: f.ReasonForSale, Revenue: f.Revenue, Profit: f.Profit,
			Headcount: f.Headcount, Price: f.Price},
		SectorLevel: t.SectorLevel, PlaceLevel: t.PlaceLevel, RevenueBand: t.RevenueBand, ProfitBand: t.ProfitBand,
		HeadcountBand: t.HeadcountBand, PriceBand: t.PriceBand, DealTypes: t.DealTypes, Timeline: t.Timeline,
	})
	if rt.lifecycleFailed(w, r, "vet offer", "Offre de cession inconnue", err) {
		return
	}
	httpserver.WriteJSON(w, http.StatusOK, offerView(o, access.Full))
}

// changeOfferStatus moves a listing: 200 with it; 409 for a move its life
// does not allow.
func (rt Routes) changeOfferStatus(w http.ResponseWriter, r *http.Request) {
	p, in, ok := rt.statusInput(w, r)
	if !ok {
		return
	}
	o, err := rt.Lifecycle.ChangeOffer(r.Context(), p, r.PathValue("id"), in.To, in.Reason)
	if rt.lifecycleFailed(w, r, "change offer status", "Offre de cession inconnue", err) {
		return
	}
	httpserver.WriteJSON(w, http.StatusOK, offerView(o, access.Full))
}

// changeSearchStatus moves a search: 200 with it; 409 for a move its life
// does not allow.
func (rt Routes) changeSearchStatus(w http.ResponseWriter, r *http.Request) {
	p, in, ok := rt.statusInput(w, r)
	if !ok {
		return
	}
	s, err := rt.Lifecycle.ChangeSearch(r.Context(), p, r.PathValue("id"), in.To, in.Reason)
	if rt.lifecycleFailed(w, r, "change search status", "Recherche de repreneur inconnue", err) {
		return
	}
	httpserver.WriteJSON(w, http.StatusOK, searchView(s))
}

// renewSearch renews an open or paused search: 200 with it; 409 otherwise.
func (rt Routes) renewSearch(w http.ResponseWriter, r *http.Request) {
	p, ok := auth.PrincipalOf(w, r, rt.Log)
	if !ok {
		return
	}
	s, err := rt.Lifecycle.Renew(r.Context(), p, r.PathValue("id"))
	if rt.lifecycleFailed(w, r, "renew search", "Recherche de repreneur inconnue", err) {
		return
	}
	httpserver.WriteJSON(w, http.StatusOK, searchView(s))
}

// statusInput reads the principal and a status change's body (the note
// bounded).
func (rt Routes) statusInput(w http.ResponseWriter, r *http.Request) (auth.Principal, statusJSON, bool) {
	var in statusJSON
	p, ok := auth.PrincipalOf(w, r, rt.Log)
	if !ok {
		return p, in, false
	}
	if !httpserver.ReadJSON(w, r, 8<<10, &in) {
		return p, in, false
	}
	var errs []httpserver.FieldError
	if in.To == "" {
		errs = append(errs, httpserver.FieldError{Field: "to", Code: "required", Message: "Indiquez le nouveau statut."})
	}
	if len([]rune(in.Reason)) > takeover.MaxReasonLen {
		errs = append(errs, httpserver.FieldError{Field: "reason", Code: "too_long", Message: "500 caractères au plus."})
	}
	if len(errs) > 0 {
		httpserver.WriteProblem(w, r, httpserver.Problem{Status: http.StatusBadRequest, Title: "Changement de statut invalide", Errors: errs})
		return p, in, false
	}
	return p, in, true
}

// lifecycleFailed answers a change's error, if any, and tells whether it
// did.
func (rt Routes) lifecycleFailed(w http.ResponseWriter, r *http.Request, what, unknown string, err error) bool {
	var invalid takeover.InvalidCriteria
	switch {
	case err == nil:
		return false
	case errors.As(err, &invalid):
		errs := make([]httpserver.FieldError, len(invalid))
		for i, f := range invalid {
			errs[i] = httpserver.FieldError{Field: f.Field, Code: f.Code, Message: f.Detail}
		}
		httpserver.WriteProblem(w, r, httpserver.Problem{Status: http.StatusBadRequest, Title: "Dossier invalide", Errors: errs})
	case errors.Is(err, takeover.ErrTransition):
		httpserver.WriteProblem(w, r, httpserver.Problem{Status: http.StatusConflict, Title: "Changement de statut impossible",
			Detail: "Ce changement n'est pas permis depuis le statut actuel."})
	case errors.Is(err, takeover.ErrNotSubmitted):
		httpserver.WriteProblem(w, r, httpserver.Problem{Status: http.StatusConflict, Title: "Offre déjà examinée",
			Detail: "Seule une offre en attente d'examen se publie."})
	default:
		rt.fail(w, r, what, unknown, err)
	}
	return true
}

// changeJSON is one step of a listing's or a search's history.
type changeJSON struct {
	From   string    `json:"from"`
	To     string    `json:"to"`
	By     string    `json:"by"`
	At     time.Time `json:"at"`
	Reason string    `json:"reason,omitempty"`
}

func historyView(cs []takeover.StatusChange) []changeJSON {
	if cs == nil {
		return nil
	}
	out := make([]changeJSON, len(cs))
	for i, c := range cs {
		out[i] = changeJSON{From: c.From, To: c.To, By: c.By, At: c.At, Reason: c.Reason}
	}
	return out
}

// listingJSON is a listing's teaser as published, in an offer's full view.
type listingJSON struct {
	Sector        string   `json:"sector"`
	SectorLevel   string   `json:"sector_level"`
	Place         string   `json:"place"`
	PlaceLevel    string   `json:"place_level"`
	RevenueBand   string   `json:"revenue_band"`
	ProfitBand    string   `json:"gross_operating_profit_band"`
	HeadcountBand string   `json:"headcount_band"`
	PriceBand     string   `json:"price_band"`
	DealTypes     []string `json:"deal_types"`
	Timeline      string   `json:"timeline"`
}

func listingView(t *takeover.Teaser) *listingJSON {
	if t == nil {
		return nil
	}
	return &listingJSON{Sector: t.Sector, SectorLevel: t.SectorLevel, Place: t.Place, PlaceLevel: t.PlaceLevel,
		RevenueBand: t.RevenueBand, ProfitBand: t.ProfitBand, HeadcountBand: t.HeadcountBand, PriceBand: t.PriceBand,
		DealTypes: t.DealTypes, Timeline: t.Timeline}
}

// fileView renders a vetted file (nil when the offer carries none).
func fileView(f *takeover.File) *fileJSON {
	if f == nil {
		return nil
	}
	return &fileJSON{Owner: f.Owner, Business: f.Business, Customers: f.Customers, Equipment: f.Equipment,
		Staff: f.Staff, Results: f.Results, ReasonForSale: f.ReasonForSale, Revenue: f.Revenue, Profit: f.Profit,
		Headcount: f.Headcount, Price: f.Price}
}
