package events_test

import (
	"fmt"
	"time"

	"github.com/ccicma/platform/pkg/events"
)

// payloadExample is a realistic instance of a registered payload with the
// envelope its producer gives it. The examples feed the schema tests and the
// AsyncAPI document; together a type's examples must set every field.
type payloadExample struct {
	name      string
	payload   events.Payload
	aggregate string // ce-subject
	territory string
	eventID   string    // fixed ce-id of the AsyncAPI example (a real one is random)
	at        time.Time // ce-time
	// decode is events.Decode for the payload's own type.
	decode func(events.Event) (events.Payload, error)
}

func exampleOf[P events.Payload](name string, p P, aggregate, territory, eventID string, at time.Time) payloadExample {
	return payloadExample{
		name: name, payload: p, aggregate: aggregate, territory: territory, eventID: eventID, at: at,
		decode: func(e events.Event) (events.Payload, error) { return events.Decode[P](e) },
	}
}

var exampleTime = time.Date(2025, 3, 4, 9, 30, 12, 345678000, time.UTC)

var absentUntil = time.Date(2025, 3, 21, 0, 0, 0, 0, time.UTC)

func payloadExamples() []payloadExample {
	return []payloadExample{
		exampleOf("artisan-above-headcount", events.CreationSubmitted{
			RequestID:        "0195a1b2-3c4d-7e5f-8a6b-7c8d9e0f1a2b",
			NAFCode:          "43.22A",
			NAFVersion:       "NAFRev2",
			CommuneCode:      "91228",
			Departement:      "91",
			LegalForm:        "SAS",
			PlannedHeadcount: 12,
			HasSIRET:         true,
			Routing: events.Routing{
				EPCI:             "200056232",
				LeadChamber:      events.ChamberCCI,
				SecondaryChamber: events.ChamberCMA,
				RuleID:           "artisanal-always-large",
				Reason:           "Activité artisanale (43.22A) mais 11 salariés ou plus : la CCI est compétente ; la CMA suit le dossier au titre du droit de suite éventuel.",
				RulesVersion:     "2026.1",
			},
			SubmittedAt: exampleTime,
		}, "0195a1b2-3c4d-7e5f-8a6b-7c8d9e0f1a2b", "91", "0195a1b2-3c4e-7a01-9b02-0c03d04e05f6", exampleTime),
		exampleOf("out-of-territory-unknown-activity", events.CreationSubmitted{
			RequestID:   "0195a1b3-0000-7aaa-9bbb-cccdddeeefff",
			CommuneCode: "75056",
			Departement: "75",
			Routing: events.Routing{
				LeadChamber:      events.ChamberCCI,
				SecondaryChamber: events.ChamberCMA,
				RuleID:           "naf-unknown",
				Reason:           "Activité sans code NAF : la CCI accueille la demande et la partage avec la CMA jusqu'à ce que l'activité soit précisée. La commune est hors du territoire servi : la demande sera transmise aux chambres compétentes.",
				OutOfTerritory:   true,
			},
			SubmittedAt: exampleTime,
		}, "0195a1b3-0000-7aaa-9bbb-cccdddeeefff", "75", "0195a1b3-0001-7b01-8c02-0d03e04f0516", exampleTime),
		exampleOf("liberal-profession-no-chamber", events.CreationSubmitted{
			RequestID:        "0195a1b4-1111-7222-8333-444455556666",
			NAFCode:          "69.10Z",
			NAFVersion:       "NAFRev2",
			CommuneCode:      "91377",
			Departement:      "91",
			PlannedHeadcount: 0,
			Routing: events.Routing{
				RuleID: "liberal-profession",
				Reason: "Profession libérale : elle ne relève ni de la CCI ni de la CMA ; adressez-vous à l'URSSAF (guichet des professions libérales) ou à l'ordre professionnel.",
			},
			SubmittedAt: exampleTime,
		}, "0195a1b4-1111-7222-8333-444455556666", "91", "0195a1b4-1112-7c01-ad02-0e03f0410527", exampleTime),

		exampleOf("artisanal-bakery-public", events.TakeoverOfferSubmitted{
			RequestID:                "0195a1c0-1000-7aaa-8bbb-000000000001",
			NAFCode:                  "10.71C",
			NAFVersion:               "NAFRev2",
			Departement:              "91",
			CommuneCode:              "91228",
			SIRET:                    "44306184100047",
			Headcount:                14,
			RevenueBand:              "1m_3m",
			GrossOperatingProfitBand: "75k_150k",
			AskingPrice:              420000,
			DealTypes:                []string{events.DealFonds, events.DealMurs},
			Reason:                   "retirement",
			Timeline:                 "6m_12m",
			Confidential:             false,
			Routing: events.Routing{
				EPCI:             "200056232",
				LeadChamber:      events.ChamberCCI,
				SecondaryChamber: events.ChamberCMA,
				RuleID:           "artisanal-always-large",
				Reason:           "Activité artisanale (10.71C) mais 11 salariés ou plus : la CCI est compétente ; la CMA suit le dossier au titre du droit de suite éventuel. Pour la reprise : l'activité étant entièrement artisanale, le repreneur du fonds pourra s'immatriculer au secteur des métiers avec 11 à 99 salariés (droit de suite) ; la CMA reste compétente pour l'accompagner.",
				RulesVersion:     "2026.1",
			},
			SubmittedAt: exampleTime,
		}, "0195a1c0-1000-7aaa-8bbb-000000000001", "91", "0195a1c0-1001-7b01-8c02-0d03e04f0601", exampleTime),
		exampleOf("confidential-teaser-out-of-territory", events.TakeoverOfferSubmitted{
			RequestID:                "0195a1c0-2000-7aaa-8bbb-000000000002",
			NAFCode:                  "47.71Z",
			NAFVersion:               "NAFRev2",
			Departement:              "75",
			Headcount:                3,
			RevenueBand:              "300k_1m",
			GrossOperatingProfitBand: "negative",
			AskingPrice:              90000,
			DealTypes:                []string{events.DealDroitAuBail},
			Reason:                   "other",
			Timeline:                 "lt_6m",
			Confidential:             true,
			Routing: events.Routing{
				LeadChamber:    events.ChamberCCI,
				RuleID:         "commercial",
				Reason:         "Activité commerciale, industrielle ou de services (47.71Z) non artisanale : la CCI est compétente. La commune est hors du territoire servi : la demande sera transmise aux chambres compétentes.",
				OutOfTerritory: true,
			},
			SubmittedAt: exampleTime,
		}, "0195a1c0-2000-7aaa-8bbb-000000000002", "75", "0195a1c0-2001-7b01-8c02-0d03e04f0602", exampleTime),

		exampleOf("mixed-sectors-essonne", events.TakeoverSearchSubmitted{
			RequestID:                "0195a1c1-1000-7aaa-8bbb-000000000003",
			Sectors:                  []string{"10.71", "47.2"},
			NAFVersion:               "NAFRev2",
			CommuneCodes:             []string{"91228"},
			EPCICodes:                []string{"200059228"},
			Departements:             []string{"77", "91"},
			Mobility:                 "regional",
			BudgetBand:               "300k_1m",
			PersonalContributionBand: "50k_100k",
			HeadcountMin:             2,
			HeadcountMax:             15,
			DealTypes:                []string{events.DealFonds, events.DealTitres},
			Timeline:                 "6m_12m",
			Experience:               "sector",
			Routing: events.Routing{
				EPCI:             "200057859",
				LeadChamber:      events.ChamberCMA,
				SecondaryChamber: events.ChamberCCI,
				RuleID:           "search-mixed",
				Reason:           "Les secteurs recherchés relèvent des deux chambres : la CMA, compétente pour le premier secteur indiqué, accompagne le repreneur et la CCI suit la recherche.",
				RulesVersion:     "2026.1",
			},
			SubmittedAt: exampleTime,
		}, "0195a1c1-1000-7aaa-8bbb-000000000003", "91", "0195a1c1-1001-7b01-8c02-0d03e04f0603", exampleTime),
		exampleOf("nationwide-commercial", events.TakeoverSearchSubmitted{
			RequestID:                "0195a1c1-2000-7aaa-8bbb-000000000004",
			Sectors:                  []string{"47.11F"},
			NAFVersion:               "NAFRev2",
			Mobility:                 "national",
			BudgetBand:               "1m_3m",
			PersonalContributionBand: "300k_1m",
			HeadcountMin:             10,
			HeadcountMax:             50,
			DealTypes:                []string{events.DealTitres},
			Timeline:                 "gt_24m",
			Experience:               "business_owner",
			Routing: events.Routing{
				LeadChamber:    events.ChamberCCI,
				RuleID:         "search-commercial",
				Reason:         "Les secteurs recherchés ne sont pas artisanaux : la CCI accompagne le repreneur.",
				OutOfTerritory: true,
			},
			SubmittedAt: exampleTime,
		}, "0195a1c1-2000-7aaa-8bbb-000000000004", events.NoTerritory, "0195a1c1-2001-7b01-8c02-0d03e04f0604", exampleTime),

		exampleOf("restaurant-call-back", events.DifficultyReported{
			RequestID:            "0195a1c2-1000-7aaa-8bbb-000000000005",
			NAFCode:              "56.10A",
			NAFVersion:           "NAFRev2",
			Departement:          "91",
			Kinds:                []string{"cash_flow", "unpaid_social_debts"},
			QuestionnaireVersion: "2026-1",
			Score:                62,
			Level:                events.DifficultyCallBack,
			Routing: events.Routing{
				EPCI:         "200056232",
				LeadChamber:  events.ChamberCCI,
				RuleID:       "commercial",
				Reason:       "Activité commerciale, industrielle ou de services (56.10A) non artisanale : la CCI est compétente.",
				RulesVersion: "2026.1",
			},
			ReportedAt: exampleTime,
		}, "0195a1c2-1000-7aaa-8bbb-000000000005", "91", "0195a1c2-1001-7b01-8c02-0d03e04f0605", exampleTime),
		exampleOf("activity-unknown-vigilance", events.DifficultyReported{
			RequestID:            "0195a1c2-2000-7aaa-8bbb-000000000006",
			Departement:          "77",
			Kinds:                []string{"major_customer_loss"},
			QuestionnaireVersion: "2026-1",
			Score:                27,
			Level:                events.DifficultyVigilance,
			Routing: events.Routing{
				LeadChamber:      events.ChamberCCI,
				SecondaryChamber: events.ChamberCMA,
				RuleID:           "naf-unknown",
				Reason:           "Activité sans code NAF : la CCI accueille la demande et la partage avec la CMA jusqu'à ce que l'activité soit précisée. La commune est hors du territoire servi : la demande sera transmise aux chambres compétentes.",
				OutOfTerritory:   true,
			},
			ReportedAt: exampleTime,
		}, "0195a1c2-2000-7aaa-8bbb-000000000006", "77", "0195a1c2-2001-7b01-8c02-0d03e04f0606", exampleTime),

		exampleOf("assigned", events.CreationCaseOpened{
			CaseID:           "0195a1b2-4000-7111-8222-333344445555",
			RequestID:        "0195a1b2-3c4d-7e5f-8a6b-7c8d9e0f1a2b",
			Chamber:          events.ChamberCCI,
			SecondaryChamber: events.ChamberCMA,
			AdvisorID:        "cci-91-0042",
			NAFCode:          "43.22A",
			CommuneCode:      "91228",
			Departement:      "91",
			OpenedAt:         exampleTime.Add(40 * time.Millisecond),
		}, "0195a1b2-4000-7111-8222-333344445555", "91", "0195a1b2-4001-7d01-8e02-0f0301415263", exampleTime.Add(40*time.Millisecond)),
		exampleOf("no-advisor-available", events.CreationCaseOpened{
			CaseID:      "0195a1b3-5000-7111-8222-333344445555",
			RequestID:   "0195a1b3-0000-7aaa-9bbb-cccdddeeefff",
			Chamber:     events.ChamberCMA,
			CommuneCode: "91228",
			Departement: "91",
			OpenedAt:    exampleTime.Add(55 * time.Millisecond),
		}, "0195a1b3-5000-7111-8222-333344445555", "91", "0195a1b3-5001-7e01-9f02-a00301425364", exampleTime.Add(55*time.Millisecond)),

		exampleOf("taken-in-charge", events.CreationCaseTakenInCharge{
			CaseID:    "0195a1b2-4000-7111-8222-333344445555",
			RequestID: "0195a1b2-3c4d-7e5f-8a6b-7c8d9e0f1a2b",
			Chamber:   events.ChamberCCI,
			AdvisorID: "cci-91-0042",
			TakenAt:   exampleTime.Add(26 * time.Hour),
		}, "0195a1b2-4000-7111-8222-333344445555", "91", "0195a1b2-4002-7d01-8e02-0f0301415264", exampleTime.Add(26*time.Hour)),
		exampleOf("handed-back-to-the-other-chamber", events.CreationCaseReassigned{
			CaseID:            "0195a1b2-4000-7111-8222-333344445555",
			RequestID:         "0195a1b2-3c4d-7e5f-8a6b-7c8d9e0f1a2b",
			Chamber:           events.ChamberCMA,
			SecondaryChamber:  events.ChamberCCI,
			AdvisorID:         "cma-91-0007",
			PreviousChamber:   events.ChamberCCI,
			PreviousAdvisorID: "cci-91-0042",
			Reason:            events.ReassignWrongChamber,
			ReassignedAt:      exampleTime.Add(3 * time.Hour),
		}, "0195a1b2-4000-7111-8222-333344445555", "91", "0195a1b2-4003-7d01-8e02-0f0301415265", exampleTime.Add(3*time.Hour)),
		exampleOf("skipped-training", events.CreationCaseStageChanged{
			CaseID:           "0195a1b2-4000-7111-8222-333344445555",
			RequestID:        "0195a1b2-3c4d-7e5f-8a6b-7c8d9e0f1a2b",
			Chamber:          events.ChamberCMA,
			SecondaryChamber: events.ChamberCCI,
			AdvisorID:        "cma-91-0007",
			From:             "diagnosis",
			To:               "business_plan",
			Reason:           "holder_choice",
			ChangedAt:        exampleTime.Add(20 * 24 * time.Hour),
		}, "0195a1b2-4000-7111-8222-333344445555", "91", "0195a1b2-4004-7d01-8e02-0f0301415266", exampleTime.Add(20*24*time.Hour)),
		exampleOf("registered-sarl", events.CreationCaseRegistered{
			CaseID:           "0195a1b2-4000-7111-8222-333344445555",
			RequestID:        "0195a1b2-3c4d-7e5f-8a6b-7c8d9e0f1a2b",
			Chamber:          events.ChamberCMA,
			SecondaryChamber: events.ChamberCCI,
			AdvisorID:        "cma-91-0007",
			LegalForm:        "SARL",
			RegisteredOn:     "2025-06-02",
			RecordedAt:       exampleTime.Add(95 * 24 * time.Hour),
		}, "0195a1b2-4000-7111-8222-333344445555", "91", "0195a1b2-4005-7d01-8e02-0f0301415267", exampleTime.Add(95*24*time.Hour)),
		exampleOf("abandoned-no-funding", events.CreationCaseClosed{
			CaseID:           "0195a1b2-5000-7111-8222-333344445555",
			RequestID:        "0195a1b3-0000-7aaa-9bbb-cccdddeeefff",
			Chamber:          events.ChamberCCI,
			SecondaryChamber: events.ChamberCMA,
			AdvisorID:        "cci-91-0042",
			From:             "funding",
			Outcome:          events.OutcomeAbandoned,
			Reason:           events.AbandonNoFunding,
			ClosedAt:         exampleTime.Add(60 * 24 * time.Hour),
		}, "0195a1b2-5000-7111-8222-333344445555", "91", "0195a1b2-5001-7d01-8e02-0f0301415268", exampleTime.Add(60*24*time.Hour)),
		exampleOf("would-rather-buy", events.CreationCaseRedirectedToTakeover{
			CaseID:           "0195a1b2-6000-7111-8222-333344445555",
			RequestID:        "0195a1b2-6000-7aaa-9bbb-cccdddeeefff",
			Chamber:          events.ChamberCMA,
			SecondaryChamber: events.ChamberCCI,
			AdvisorID:        "cma-91-0007",
			NAFCode:          "10.71C",
			CommuneCode:      "91228",
			Departement:      "91",
			RedirectedAt:     exampleTime.Add(15 * 24 * time.Hour),
		}, "0195a1b2-6000-7111-8222-333344445555", "91", "0195a1b2-6001-7d01-8e02-0f0301415269", exampleTime.Add(15*24*time.Hour)),
		exampleOf("business-plan-late", events.CreationCaseNextActionOverdue{
			CaseID:     "0195a1b2-5000-7111-8222-333344445555",
			RequestID:  "0195a1b2-5000-7aaa-9bbb-cccdddeeefff",
			Chamber:    events.ChamberCCI,
			AdvisorID:  "cci-91-0042",
			Stage:      "business_plan",
			Due:        time.Date(2026, 3, 20, 0, 0, 0, 0, time.UTC),
			DetectedAt: time.Date(2026, 3, 21, 0, 15, 0, 0, time.UTC),
		}, "0195a1b2-5000-7111-8222-333344445555", "91", "0195a1b2-5001-7d01-8e02-0f0301415270", time.Date(2026, 3, 21, 0, 15, 0, 0, time.UTC)),
		exampleOf("struggling-bakery-at-one-year", events.CreationCaseDifficultySeen{
			CaseID:           "0195a1b2-4000-7111-8222-333344445555",
			RequestID:        "0195a1b2-3c4d-7e5f-8a6b-7c8d9e0f1a2b",
			Chamber:          events.ChamberCMA,
			SecondaryChamber: events.ChamberCCI,
			AdvisorID:        "cma-91-0007",
			NAFCode:          "10.71C",
			NAFVersion:       "NAFRev2",
			Departement:      "91",
			EPCI:             "200056232",
			CheckpointIndex:  1,
			CheckpointLabel:  "1 an",
			SeenAt:           time.Date(2026, 6, 3, 14, 0, 0, 0, time.UTC),
		}, "0195a1b2-4000-7111-8222-333344445555", "91", "0195a1b2-4006-7d01-8e02-0f0301415272", time.Date(2026, 6, 3, 14, 0, 0, 0, time.UTC)),
		exampleOf("training-seat", events.CreationSessionRegistered{
			SessionID:    "0195a1b2-7000-7111-8222-333344445555",
			CaseID:       "0195a1b2-6000-7111-8222-333344445555",
			RequestID:    "0195a1b2-6000-7aaa-9bbb-cccdddeeefff",
			Chamber:      events.ChamberCMA,
			Kind:         "training",
			Title:        "Stage de préparation à l'installation",
			StartsAt:     time.Date(2026, 4, 13, 9, 0, 0, 0, time.UTC),
			Place:        "CMA Essonne, Évry-Courcouronnes",
			RegisteredAt: time.Date(2026, 3, 20, 10, 0, 0, 0, time.UTC),
		}, "0195a1b2-7000-7111-8222-333344445555", "91", "0195a1b2-7001-7d01-8e02-0f0301415271", time.Date(2026, 3, 20, 10, 0, 0, 0, time.UTC)),
		exampleOf("redirected-project", events.TakeoverSearchRegistered{
			SearchID:     "0195a1d0-2100-7aaa-8bbb-000000000005",
			RequestID:    "0195a1b2-6000-7aaa-9bbb-cccdddeeefff",
			Chamber:      events.ChamberCMA,
			AdvisorID:    "cma-91-0011",
			Draft:        true,
			RegisteredAt: exampleTime.Add(15*24*time.Hour + time.Second),
		}, "0195a1d0-2100-7aaa-8bbb-000000000005", "91", "0195a1d0-2101-7b01-8c02-0d03e04f0705", exampleTime.Add(15*24*time.Hour+time.Second)),

		exampleOf("confidential-bakery", events.TakeoverOfferRegistered{
			OfferID:          "0195a1d0-1000-7aaa-8bbb-000000000001",
			RequestID:        "0195a1c0-1000-7aaa-8bbb-000000000001",
			Chamber:          events.ChamberCMA,
			SecondaryChamber: events.ChamberCCI,
			AdvisorID:        "cma-91-0007",
			NAFCode:          "10.71C",
			Departement:      "91",
			Confidential:     true,
			RegisteredAt:     exampleTime.Add(30 * time.Millisecond),
		}, "0195a1d0-1000-7aaa-8bbb-000000000001", "91", "0195a1d0-1001-7b01-8c02-0d03e04f0701", exampleTime.Add(30*time.Millisecond)),
		exampleOf("buyer-assigned", events.TakeoverSearchRegistered{
			SearchID:         "0195a1d0-2000-7aaa-8bbb-000000000002",
			RequestID:        "0195a1c1-2000-7aaa-8bbb-000000000004",
			Chamber:          events.ChamberCCI,
			SecondaryChamber: events.ChamberCMA,
			AdvisorID:        "cci-91-0042",
			RegisteredAt:     exampleTime.Add(30 * time.Millisecond),
		}, "0195a1d0-2000-7aaa-8bbb-000000000002", "91", "0195a1d0-2001-7b01-8c02-0d03e04f0702", exampleTime.Add(30*time.Millisecond)),
		exampleOf("bakery-for-a-baker", events.TakeoverMatchProposed{
			MatchID:         "0195a1d0-3000-7aaa-8bbb-000000000003",
			OfferID:         "0195a1d0-1000-7aaa-8bbb-000000000001",
			SearchID:        "0195a1d0-2000-7aaa-8bbb-000000000002",
			OfferChamber:    events.ChamberCMA,
			SearchChamber:   events.ChamberCCI,
			OfferAdvisorID:  "cma-91-0007",
			SearchAdvisorID: "cci-91-0042",
			Score:           82,
			Criteria:        []string{"budget", "deal_type", "experience"},
			ProposedAt:      exampleTime.Add(time.Second),
			RulesVersion:    "2026.1",
			Contributions: []events.MatchContribution{
				{Criterion: "sector", Level: "class", Points: 30, MaxPoints: 35},
				{Criterion: "area", Level: "epci", Points: 17, MaxPoints: 20},
				{Criterion: "budget", Level: "in_budget", Points: 20, MaxPoints: 20},
				{Criterion: "size", Level: "near", Points: 5, MaxPoints: 10},
				{Criterion: "timeline", Level: "adjacent", Points: 5, MaxPoints: 10},
				{Criterion: "experience", Level: "sector", Points: 5, MaxPoints: 5},
			},
		}, "0195a1d0-3000-7aaa-8bbb-000000000003", "91", "0195a1d0-3001-7b01-8c02-0d03e04f0703", exampleTime.Add(time.Second)),
		exampleOf("seller-side-reviewed", events.TakeoverMatchStageChanged{
			MatchID:         "0195a1d0-3000-7aaa-8bbb-000000000003",
			OfferID:         "0195a1d0-1000-7aaa-8bbb-000000000001",
			SearchID:        "0195a1d0-2000-7aaa-8bbb-000000000002",
			OfferChamber:    events.ChamberCMA,
			SearchChamber:   events.ChamberCCI,
			OfferAdvisorID:  "cma-91-0007",
			SearchAdvisorID: "cci-91-0042",
			Step:            "review",
			Side:            "seller",
			AdvisorID:       "cma-91-0007",
			From:            "proposed",
			To:              "proposed",
			ChangedAt:       exampleTime.Add(2 * time.Second),
		}, "0195a1d0-3000-7aaa-8bbb-000000000003", "91", "0195a1d0-3002-7b01-8c02-0d03e04f0704", exampleTime.Add(2*time.Second)),
		exampleOf("introduced-by-the-undertaking", events.TakeoverMatchStageChanged{
			MatchID:         "0195a1d0-3000-7aaa-8bbb-000000000003",
			OfferID:         "0195a1d0-1000-7aaa-8bbb-000000000001",
			SearchID:        "0195a1d0-2000-7aaa-8bbb-000000000002",
			OfferChamber:    events.ChamberCMA,
			SearchChamber:   events.ChamberCCI,
			OfferAdvisorID:  "cma-91-0007",
			SearchAdvisorID: "cci-91-0042",
			Step:            "accept_undertaking",
			Side:            "buyer",
			AdvisorID:       "cci-91-0042",
			From:            "interested",
			To:              "introduced",
			OfferRequestID:  "0195a1c1-1000-7aaa-8bbb-000000000003",
			SearchRequestID: "0195a1c1-2000-7aaa-8bbb-000000000004",
			ChangedAt:       exampleTime.Add(3 * time.Second),
		}, "0195a1d0-3000-7aaa-8bbb-000000000003", "91", "0195a1d0-3003-7b01-8c02-0d03e04f0705", exampleTime.Add(3*time.Second)),
		exampleOf("dropped-on-price", events.TakeoverMatchStageChanged{
			MatchID:         "0195a1d0-3000-7aaa-8bbb-000000000003",
			OfferID:         "0195a1d0-1000-7aaa-8bbb-000000000001",
			SearchID:        "0195a1d0-2000-7aaa-8bbb-000000000002",
			OfferChamber:    events.ChamberCMA,
			SearchChamber:   events.ChamberCCI,
			OfferAdvisorID:  "cma-91-0007",
			SearchAdvisorID: "cci-91-0042",
			Step:            "drop",
			Side:            "buyer",
			AdvisorID:       "cci-91-0042",
			From:            "negotiating",
			To:              "dropped",
			Reason:          "price",
			ChangedAt:       exampleTime.Add(4 * time.Second),
		}, "0195a1d0-3000-7aaa-8bbb-000000000003", "91", "0195a1d0-3004-7b01-8c02-0d03e04f0706", exampleTime.Add(4*time.Second)),

		exampleOf("bakery-listing-published", events.TakeoverOfferPublished{
			OfferID: "0195a1d0-1000-7aaa-8bbb-000000000001", Chamber: events.ChamberCMA, SecondaryChamber: events.ChamberCCI,
			AdvisorID: "cma-91-0007", VettedBy: "cma-91-0007", Sector: "10.71", SectorLevel: "class", Place: "200056232", PlaceLevel: "epci",
			RevenueBand: "300k_1m", ProfitBand: "25k_75k", HeadcountBand: "3_5", PriceBand: "100k_300k",
			DealTypes: []string{events.DealFonds}, Timeline: "6m_12m", PublishedAt: exampleTime.Add(2 * time.Second),
		}, "0195a1d0-1000-7aaa-8bbb-000000000001", "91", "0195a1d0-1002-7b01-8c02-0d03e04f0704", exampleTime.Add(2*time.Second)),

		exampleOf("bakery-listing-paused", events.TakeoverOfferStatusChanged{
			OfferID: "0195a1d0-1000-7aaa-8bbb-000000000001", Chamber: events.ChamberCMA, AdvisorID: "cma-91-0007",
			From: events.OfferPublished, To: events.OfferPaused, By: "cma-91-0007", ChangedAt: exampleTime.Add(3 * time.Second),
		}, "0195a1d0-1000-7aaa-8bbb-000000000001", "91", "0195a1d0-1003-7b01-8c02-0d03e04f0705", exampleTime.Add(3*time.Second)),

		exampleOf("buyer-search-expired", events.TakeoverSearchStatusChanged{
			SearchID: "0195a1d0-2000-7aaa-8bbb-000000000002", Chamber: events.ChamberCCI, AdvisorID: "cci-91-0042",
			From: events.SearchOpen, To: events.SearchExpired, By: "system", ChangedAt: exampleTime.Add(4 * time.Second),
		}, "0195a1d0-2000-7aaa-8bbb-000000000002", "91", "0195a1d0-2003-7b01-8c02-0d03e04f0706", exampleTime.Add(4*time.Second)),

		exampleOf("bakery-listing-review-due", events.TakeoverOfferReviewDue{
			OfferID: "0195a1d0-1000-7aaa-8bbb-000000000001", Chamber: events.ChamberCMA, AdvisorID: "cma-91-0007",
			Status: events.OfferPublished, UpdatedAt: exampleTime, DueAt: exampleTime.Add(4380 * time.Hour),
		}, "0195a1d0-1000-7aaa-8bbb-000000000001", "91", "0195a1d0-1004-7b01-8c02-0d03e04f0707", exampleTime.Add(4380*time.Hour)),
		exampleOf("bakery-offer-taken-in-charge", events.TakeoverOfferTakenInCharge{
			OfferID: "0195a1d0-1000-7aaa-8bbb-000000000001", RequestID: "0195a1c2-1000-7aaa-8bbb-000000000001",
			Chamber: events.ChamberCMA, AdvisorID: "cma-91-0007", TakenAt: exampleTime.Add(48 * time.Hour),
		}, "0195a1d0-1000-7aaa-8bbb-000000000001", "91", "0195a1d0-1005-7b01-8c02-0d03e04f0708", exampleTime.Add(48*time.Hour)),
		exampleOf("bakery-offer-handed-back", events.TakeoverOfferReassigned{
			OfferID: "0195a1d0-1000-7aaa-8bbb-000000000001", RequestID: "0195a1c2-1000-7aaa-8bbb-000000000001",
			Chamber: events.ChamberCMA, SecondaryChamber: events.ChamberCCI, AdvisorID: "cma-91-0008",
			PreviousAdvisorID: "cma-91-0007", Reason: events.ReassignNoCapacity, ReassignedAt: exampleTime.Add(24 * time.Hour),
		}, "0195a1d0-1000-7aaa-8bbb-000000000001", "91", "0195a1d0-1006-7b01-8c02-0d03e04f0709", exampleTime.Add(24*time.Hour)),
		exampleOf("bakery-concern-between-checkpoints", events.CreationCaseConcernRaised{
			CaseID: "0195a1b2-4000-7111-8222-333344445555", ConcernID: "0195a1b2-4003-7c01-8d02-0e0301415274",
			RequestID: "0195a1b2-3c4d-7e5f-8a6b-7c8d9e0f1a2b", Chamber: events.ChamberCMA, SecondaryChamber: events.ChamberCCI,
			AdvisorID: "cma-91-0007", NAFCode: "10.71C", NAFVersion: "NAFRev2", Departement: "91", EPCI: "200057859",
			Concerns: []string{events.ConcernActivityDrop, events.ConcernOverdueDebts}, RaisedAt: time.Date(2026, 9, 14, 10, 0, 0, 0, time.UTC),
		}, "0195a1b2-4000-7111-8222-333344445555", "91", "0195a1b2-4004-7c01-8d02-0e0301415275", time.Date(2026, 9, 14, 10, 0, 0, 0, time.UTC)),
		exampleOf("bakery-offer-concern", events.TakeoverOfferDifficultySeen{
			OfferID: "0195a1d0-1000-7aaa-8bbb-000000000001", ConcernID: "0195a1d0-1007-7b01-8c02-0d03e04f0712",
			RequestID: "0195a1c2-1000-7aaa-8bbb-000000000001", Chamber: events.ChamberCMA, SecondaryChamber: events.ChamberCCI,
			AdvisorID: "cma-91-0008", NAFCode: "10.71C", Departement: "91", EPCI: "200057859",
			Concerns: []string{events.ConcernCashFlow, events.ConcernSupplierDelays}, SeenAt: exampleTime.Add(30 * 24 * time.Hour),
		}, "0195a1d0-1000-7aaa-8bbb-000000000001", "91", "0195a1d0-1007-7b01-8c02-0d03e04f0713", exampleTime.Add(30*24*time.Hour)),
		exampleOf("search-taken-in-charge", events.TakeoverSearchTakenInCharge{
			SearchID: "0195a1d0-2000-7aaa-8bbb-000000000002", RequestID: "0195a1c2-1000-7aaa-8bbb-000000000002",
			Chamber: events.ChamberCCI, AdvisorID: "cci-91-0042", TakenAt: exampleTime.Add(72 * time.Hour),
		}, "0195a1d0-2000-7aaa-8bbb-000000000002", "91", "0195a1d0-2005-7b01-8c02-0d03e04f0710", exampleTime.Add(72*time.Hour)),
		exampleOf("search-handed-back", events.TakeoverSearchReassigned{
			SearchID: "0195a1d0-2000-7aaa-8bbb-000000000002", RequestID: "0195a1c2-1000-7aaa-8bbb-000000000002",
			Chamber: events.ChamberCCI, SecondaryChamber: events.ChamberCMA, AdvisorID: "cci-91-0043",
			PreviousAdvisorID: "cci-91-0042", Reason: events.ReassignWrongSpeciality, ReassignedAt: exampleTime.Add(36 * time.Hour),
		}, "0195a1d0-2000-7aaa-8bbb-000000000002", "91", "0195a1d0-2006-7b01-8c02-0d03e04f0711", exampleTime.Add(36*time.Hour)),

		exampleOf("call-back-two-chambers", events.DifficultyCaseOpened{
			CaseID:           "0195a1d1-1000-7aaa-8bbb-000000000001",
			RequestID:        "0195a1c2-1000-7aaa-8bbb-000000000005",
			Chamber:          events.ChamberCCI,
			SecondaryChamber: events.ChamberCMA,
			AdvisorIDs:       []string{"cci-91-0002", "cma-91-0002"},
			Level:            events.DifficultyCallBack,
			Departement:      "91",
			OpenedAt:         exampleTime.Add(35 * time.Millisecond),
		}, "0195a1d1-1000-7aaa-8bbb-000000000001", "91", "0195a1d1-1001-7b01-8c02-0d03e04f0801", exampleTime.Add(35*time.Millisecond)),

		exampleOf("seen-at-a-post-creation-checkpoint", events.DifficultyCaseOpened{
			CaseID:      "0195a1d1-2000-7aaa-8bbb-000000000002",
			RequestID:   "0195a1b2-3c4d-7e5f-8a6b-7c8d9e0f1a2b",
			Chamber:     events.ChamberCMA,
			AdvisorIDs:  []string{"cma-91-0002"},
			Level:       events.DifficultyCallBack,
			Source:      events.DifficultySourceAdvisorObservation,
			ObservedIn:  events.ObservedInCreationCase,
			Departement: "91",
			OpenedAt:    time.Date(2026, 6, 3, 14, 0, 0, 40000000, time.UTC),
		}, "0195a1d1-2000-7aaa-8bbb-000000000002", "91", "0195a1d1-2001-7b01-8c02-0d03e04f0802", time.Date(2026, 6, 3, 14, 0, 0, 40000000, time.UTC)),
		exampleOf("concern-about-a-business-for-sale", events.DifficultyCaseOpened{
			CaseID: "0195a1d1-3000-7aaa-8bbb-000000000003", RequestID: "0195a1c2-1000-7aaa-8bbb-000000000001",
			Chamber: events.ChamberCMA, SecondaryChamber: events.ChamberCCI, AdvisorIDs: []string{"cma-91-0002", "cci-91-0002"},
			Level: events.DifficultyCallBack, Source: events.DifficultySourceAdvisorObservation,
			ObservedIn: events.ObservedInTakeoverOffer, Departement: "91", OpenedAt: exampleTime.Add(30*24*time.Hour + time.Second),
		}, "0195a1d1-3000-7aaa-8bbb-000000000003", "91", "0195a1d1-3001-7b01-8c02-0d03e04f0803", exampleTime.Add(30*24*time.Hour+time.Second)),

		exampleOf("cell-member-takes-a-case", events.DifficultyCaseTakenInCharge{
			CaseID:           "0195a1d1-1000-7aaa-8bbb-000000000001",
			Chamber:          events.ChamberCCI,
			SecondaryChamber: events.ChamberCMA,
			AdvisorIDs:       []string{"cci-91-0002", "cma-91-0002"},
			AdvisorID:        "cma-91-0002",
			Departement:      "91",
			TakenAt:          exampleTime.Add(48 * time.Hour),
		}, "0195a1d1-1000-7aaa-8bbb-000000000001", "91", "0195a1d1-1002-7b01-8c02-0d03e04f0803", exampleTime.Add(48*time.Hour)),

		exampleOf("referral-to-the-ccsf", events.DifficultyCaseActionRecorded{
			CaseID:           "0195a1d1-1000-7aaa-8bbb-000000000001",
			ActionID:         "0195a1d1-1100-7aaa-8bbb-000000000001",
			Chamber:          events.ChamberCCI,
			SecondaryChamber: events.ChamberCMA,
			AdvisorIDs:       []string{"cci-91-0002", "cma-91-0002"},
			AdvisorID:        "cci-91-0002",
			Kind:             events.DifficultyActionReferralCCSF,
			Outcome:          events.DifficultyOutcomeFollowUp,
			OccurredOn:       "2025-03-07",
			Departement:      "91",
			RecordedAt:       exampleTime.Add(72 * time.Hour),
		}, "0195a1d1-1000-7aaa-8bbb-000000000001", "91", "0195a1d1-1003-7b01-8c02-0d03e04f0804", exampleTime.Add(72*time.Hour)),

		exampleOf("recovered", events.DifficultyCaseClosed{
			CaseID:           "0195a1d1-1000-7aaa-8bbb-000000000001",
			Chamber:          events.ChamberCCI,
			SecondaryChamber: events.ChamberCMA,
			AdvisorIDs:       []string{"cci-91-0002", "cma-91-0002"},
			ClosedBy:         "cci-91-0002",
			Reason:           events.DifficultyCloseRecovered,
			From:             "taken_in_charge",
			Departement:      "91",
			ClosedAt:         exampleTime.Add(2160 * time.Hour),
		}, "0195a1d1-1000-7aaa-8bbb-000000000001", "91", "0195a1d1-1004-7b01-8c02-0d03e04f0805", exampleTime.Add(2160*time.Hour)),

		exampleOf("rising-to-high-risk", events.DifficultyBusinessLevelChanged{
			BusinessID:    "6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f",
			PreviousLevel: events.BusinessLevelModerate,
			Level:         events.BusinessLevelHigh,
			RulesVersion:  "2026.1",
			ChangedAt:     time.Date(2026, 11, 3, 9, 30, 0, 0, time.UTC),
		}, "6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f", events.NoTerritory, "0195a1d1-3001-7b01-8c02-0d03e04f0803", time.Date(2026, 11, 3, 9, 30, 0, 0, time.UTC)),

		exampleOf("score-case-raised-to-call-back", events.DifficultyCaseEscalated{
			CaseID:           "0195a1d1-4000-7aaa-8bbb-000000000004",
			Chamber:          events.ChamberCCI,
			SecondaryChamber: events.ChamberCMA,
			AdvisorIDs:       []string{"cci-91-0002"},
			PreviousLevel:    events.DifficultyVigilance,
			Level:            events.DifficultyCallBack,
			Departement:      "91",
			EscalatedAt:      time.Date(2026, 11, 3, 9, 30, 0, 0, time.UTC),
		}, "0195a1d1-4000-7aaa-8bbb-000000000004", "91", "0195a1d1-4001-7b01-8c02-0d03e04f0804", time.Date(2026, 11, 3, 9, 30, 0, 0, time.UTC)),

		exampleOf("conflict-of-interest", events.DifficultyCaseHandedBack{
			CaseID:            "0195a1d1-1000-7aaa-8bbb-000000000001",
			Chamber:           events.ChamberCCI,
			SecondaryChamber:  events.ChamberCMA,
			AdvisorIDs:        []string{"cci-91-0003", "cma-91-0002"},
			PreviousAdvisorID: "cci-91-0002",
			AdvisorID:         "cci-91-0003",
			HandBackChamber:   events.ChamberCCI,
			Reason:            events.DifficultyHandBackConflict,
			Departement:       "91",
			HandedBackAt:      exampleTime.Add(24 * time.Hour),
		}, "0195a1d1-1000-7aaa-8bbb-000000000001", "91", "0195a1d1-1005-7b01-8c02-0d03e04f0806", exampleTime.Add(24*time.Hour)),

		exampleOf("creation-and-takeover", events.AdvisorUpdated{
			AdvisorID:    "cci-91-0042",
			Revision:     3,
			Chamber:      events.ChamberCCI,
			Departements: []string{"91", "77"},
			Specialities: []string{events.SpecialityCreation, events.SpecialityTakeover},
			Capacity:     40,
			Active:       true,
			AbsentUntil:  &absentUntil,
			Communes:     []string{"91228", "91174"},
			EPCIs:        []string{"200056232"},
			Roles:        []string{"advisor", "prevention_cell"},
			UpdatedAt:    exampleTime,
		}, "cci-91-0042", "91", "0195a1b2-0000-7f01-8a02-b00301435465", exampleTime),
		exampleOf("deactivated-no-speciality", events.AdvisorUpdated{
			AdvisorID:    "cma-91-0007",
			Revision:     12,
			Chamber:      events.ChamberCMA,
			Departements: []string{"91"},
			Specialities: nil, // encoded as null: the schema accepts it
			Capacity:     0,
			Active:       false,
			UpdatedAt:    exampleTime,
		}, "cma-91-0007", "91", "0195a1b2-0001-7f11-9a12-b01301435466", exampleTime),
		// The confidential stream (PREVENTION): the business behind the
		// restaurant's report above, and behind the bakery a creation
		// advisor saw in difficulty at one year.
		exampleOf("restaurant-identified", events.PreventionReportIdentified{
			RequestID:            "0195a1c2-1000-7aaa-8bbb-000000000005",
			SIREN:                "732829320",
			SIRET:                "73282932000074",
			Score:                62,
			Level:                events.DifficultyCallBack,
			QuestionnaireVersion: "2026-1",
			IdentifiedAt:         exampleTime,
		}, "0195a1c2-1000-7aaa-8bbb-000000000005", "91", "0195a1c2-1001-7c01-8d02-0e0301415271", exampleTime),
		exampleOf("bakery-identified-at-one-year", events.PreventionObservationIdentified{
			CaseID:          "0195a1b2-4000-7111-8222-333344445555",
			RequestID:       "0195a1b2-3c4d-7e5f-8a6b-7c8d9e0f1a2b",
			CheckpointIndex: 1,
			SIREN:           "732829320",
			ObservedAt:      time.Date(2026, 6, 3, 14, 0, 0, 0, time.UTC),
		}, "0195a1b2-4000-7111-8222-333344445555", "91", "0195a1b2-4002-7c01-8d02-0e0301415272", time.Date(2026, 6, 3, 14, 0, 0, 0, time.UTC)),
		exampleOf("bakery-identified-between-checkpoints", events.PreventionCreationConcernIdentified{
			CaseID: "0195a1b2-4000-7111-8222-333344445555", ConcernID: "0195a1b2-4003-7c01-8d02-0e0301415274",
			RequestID: "0195a1b2-3c4d-7e5f-8a6b-7c8d9e0f1a2b", SIREN: "732829320", ObservedAt: time.Date(2026, 9, 14, 10, 0, 0, 0, time.UTC),
		}, "0195a1b2-4000-7111-8222-333344445555", "91", "0195a1b2-4005-7c01-8d02-0e0301415276", time.Date(2026, 9, 14, 10, 0, 0, 0, time.UTC)),
		exampleOf("bakery-for-sale-identified", events.PreventionConcernIdentified{
			OfferID: "0195a1d0-1000-7aaa-8bbb-000000000001", ConcernID: "0195a1d0-1007-7b01-8c02-0d03e04f0712",
			RequestID: "0195a1c2-1000-7aaa-8bbb-000000000001", SIREN: "732829320", SIRET: "73282932000074",
			ObservedAt: exampleTime.Add(30 * 24 * time.Hour),
		}, "0195a1d0-1000-7aaa-8bbb-000000000001", "91", "0195a1c2-1002-7c01-8d02-0e0301415273", exampleTime.Add(30*24*time.Hour)),
	}
}

// examplesByType groups the examples by ce-type.
func examplesByType() map[string][]payloadExample {
	m := map[string][]payloadExample{}
	for _, ex := range payloadExamples() {
		typ := ex.payload.EventName().Type()
		m[typ] = append(m[typ], ex)
	}
	return m
}

// event builds the example's event exactly as its producer would.
func (ex payloadExample) event(service string) (events.Event, error) {
	ev, err := events.New(service, ex.aggregate, ex.territory, ex.payload, ex.at)
	if err != nil {
		return events.Event{}, fmt.Errorf("example %s: %w", ex.name, err)
	}
	return ev, nil
}

// traceparentExample is the trace context header of the AsyncAPI examples.
const traceparentExample = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"

// asyncAPIExample renders the example as an AsyncAPI message example, with
// its fixed id so that the document does not change at each generation.
func (ex payloadExample) asyncAPIExample(service string) (apiMessageExample, error) {
	ev, err := ex.event(service)
	if err != nil {
		return apiMessageExample{}, err
	}
	ev.ID = ex.eventID
	h := map[string]string{"traceparent": traceparentExample}
	for k, v := range ev.Headers() {
		h[k] = v[0]
	}
	return apiMessageExample{
		Name:    ex.name,
		Summary: "On subject " + ev.Topic + ".",
		Headers: h,
		Payload: ev.Data,
	}, nil
}
