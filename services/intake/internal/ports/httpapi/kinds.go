package httpapi

import (
	"context"
	"net/http"

	"github.com/ccicma/platform/pkg/httpserver"

	"github.com/ccicma/platform/services/intake/internal/app"
	"github.com/ccicma/platform/services/intake/internal/domain/request"
)

// offerBody is the JSON shape of a takeover offer.
type offerBody struct {
	Applicant applicantBody `json:"applicant"`
	Business  struct {
		SIRET                    string `json:"siret"`
		NAFCode                  string `json:"naf_code"`
		Postcode                 string `json:"postcode"`
		CommuneCode              string `json:"commune_code"`
		Headcount                int    `json:"headcount"`
		RevenueBand              string `json:"revenue_band"`
		GrossOperatingProfitBand string `json:"gross_operating_profit_band"`
		LegalForm                string `json:"legal_form"`
		CraftsRegistered         string `json:"crafts_registered"`
	} `json:"business"`
	Offer struct {
		AskingPrice   int64    `json:"asking_price"`
		DealTypes     []string `json:"deal_types"`
		Reason        string   `json:"reason"`
		ReasonDetails string   `json:"reason_details"`
		Timeline      string   `json:"timeline"`
		Confidential  bool     `json:"confidential"`
	} `json:"offer"`
}

func (b offerBody) input() request.TakeoverOfferInput {
	return request.TakeoverOfferInput{
		Contact: b.Applicant.input(),
		SIRET:   b.Business.SIRET, NAFCode: b.Business.NAFCode, Postcode: b.Business.Postcode, CommuneCode: b.Business.CommuneCode,
		Headcount: b.Business.Headcount, RevenueBand: b.Business.RevenueBand, ProfitBand: b.Business.GrossOperatingProfitBand,
		LegalForm: b.Business.LegalForm, CraftsRegistered: b.Business.CraftsRegistered,
		AskingPrice: b.Offer.AskingPrice, DealTypes: b.Offer.DealTypes, Reason: b.Offer.Reason, ReasonDetails: b.Offer.ReasonDetails,
		Timeline: b.Offer.Timeline, Confidential: b.Offer.Confidential,
	}
}

func (rt Routes) submitTakeoverOffer(w http.ResponseWriter, r *http.Request) {
	var body offerBody
	rt.accept(w, r, TakeoverOfferPath, &body, func(ctx context.Context, idem *app.Idempotency) (app.Submitted, error) {
		return rt.TakeoverOffer.Submit(ctx, body.input(), idem)
	})
}

// searchBody is the JSON shape of a buyer search.
type searchBody struct {
	Applicant applicantBody `json:"applicant"`
	Search    struct {
		Sectors []string `json:"sectors"`
		Areas   struct {
			Communes     []string `json:"communes"`
			EPCIs        []string `json:"epcis"`
			Departements []string `json:"departements"`
		} `json:"areas"`
		Mobility             string   `json:"mobility"`
		Budget               int64    `json:"budget"`
		PersonalContribution int64    `json:"personal_contribution"`
		HeadcountMin         int      `json:"headcount_min"`
		HeadcountMax         int      `json:"headcount_max"`
		DealTypes            []string `json:"deal_types"`
		Timeline             string   `json:"timeline"`
		Experience           string   `json:"experience"`
		ExperienceDetails    string   `json:"experience_details"`
	} `json:"search"`
}

func (b searchBody) input() request.BuyerSearchInput {
	s := b.Search
	return request.BuyerSearchInput{
		Contact: b.Applicant.input(), Sectors: s.Sectors,
		Communes: s.Areas.Communes, EPCIs: s.Areas.EPCIs, Departements: s.Areas.Departements, Mobility: s.Mobility,
		Budget: s.Budget, PersonalContribution: s.PersonalContribution, HeadcountMin: s.HeadcountMin, HeadcountMax: s.HeadcountMax,
		DealTypes: s.DealTypes, Timeline: s.Timeline, Experience: s.Experience, ExperienceDetails: s.ExperienceDetails,
	}
}

func (rt Routes) submitBuyerSearch(w http.ResponseWriter, r *http.Request) {
	var body searchBody
	rt.accept(w, r, BuyerSearchPath, &body, func(ctx context.Context, idem *app.Idempotency) (app.Submitted, error) {
		return rt.BuyerSearch.Submit(ctx, body.input(), idem)
	})
}

// difficultyBody is the JSON shape of a difficulty report.
type difficultyBody struct {
	Applicant applicantBody `json:"applicant"`
	Business  struct {
		SIRET       string `json:"siret"`
		NAFCode     string `json:"naf_code"`
		Postcode    string `json:"postcode"`
		CommuneCode string `json:"commune_code"`
		Headcount   int    `json:"headcount"`
	} `json:"business"`
	Report struct {
		Situation string         `json:"situation"`
		Kinds     []string       `json:"kinds"`
		Answers   map[string]int `json:"answers"`
	} `json:"report"`
}

func (b difficultyBody) input() request.DifficultyInput {
	return request.DifficultyInput{
		Contact: b.Applicant.input(),
		SIRET:   b.Business.SIRET, NAFCode: b.Business.NAFCode, Postcode: b.Business.Postcode, CommuneCode: b.Business.CommuneCode,
		Headcount: b.Business.Headcount,
		Situation: b.Report.Situation, Kinds: b.Report.Kinds, Answers: b.Report.Answers,
	}
}

func (rt Routes) submitDifficulty(w http.ResponseWriter, r *http.Request) {
	var body difficultyBody
	rt.accept(w, r, DifficultyPath, &body, func(ctx context.Context, idem *app.Idempotency) (app.Submitted, error) {
		return rt.Difficulty.Submit(ctx, body.input(), idem)
	})
}

// questionnaireView lists the self-diagnosis questions a difficulty report
// answers under report.answers: question id -> index of the chosen option.
type questionnaireView struct {
	Version   string         `json:"version"`
	Questions []questionView `json:"questions"`
	Kinds     []choiceView   `json:"kinds"`
}

type questionView struct {
	ID      string   `json:"id"`
	Text    string   `json:"text"`
	Options []string `json:"options"`
}

type choiceView struct {
	Code  string `json:"code"`
	Label string `json:"label"`
}

func (rt Routes) questionnaire(w http.ResponseWriter, _ *http.Request) {
	v := questionnaireView{Version: request.QuestionnaireVersion}
	for _, q := range request.Questionnaire() {
		v.Questions = append(v.Questions, questionView{ID: q.ID, Text: q.Text, Options: q.Options})
	}
	for _, c := range request.DifficultyKinds {
		v.Kinds = append(v.Kinds, choiceView{Code: c.Code, Label: c.Label})
	}
	httpserver.WriteJSON(w, http.StatusOK, v)
}
