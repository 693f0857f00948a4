package notification_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ccicma/platform/pkg/events"
	"github.com/ccicma/platform/pkg/refdata"

	"github.com/ccicma/platform/services/advisor-desk/internal/domain/notification"
)

const (
	caseID   = "01920000-0000-7000-8000-000000000001"
	reqID    = "01920000-0000-7000-8000-000000000002"
	offerID  = "01920000-0000-7000-8000-000000000003"
	searchID = "01920000-0000-7000-8000-000000000004"
	matchID  = "01920000-0000-7000-8000-000000000005"
)

var at = time.Date(2027, 3, 1, 9, 30, 0, 0, time.UTC)

func event(t *testing.T, territory string, p events.Payload) events.Event {
	t.Helper()
	ev, err := events.New("test", "agg", territory, p, at)
	if err != nil {
		t.Fatal(err)
	}
	return ev
}

// want is what one draft must be: its body must hold every string of has
// and none of hasNot.
type want struct {
	kind, title, link string
	to                notification.Recipients
	has, hasNot       []string
}

func TestTable(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name      string
		territory string
		payload   events.Payload
		want      []want
	}{
		{"creation case assigned", "91", events.CreationCaseOpened{CaseID: caseID, RequestID: reqID, Chamber: "CMA", SecondaryChamber: "CCI",
			AdvisorID: "cma-91-001", NAFCode: "10.71C", CommuneCode: "91228", Departement: "91", OpenedAt: at},
			[]want{{kind: "creation.case.opened", title: "Nouveau dossier de création", link: "/dossiers/creation/" + caseID,
				to: notification.Recipients{AdvisorID: "cma-91-001"}, has: []string{"Boulangerie et boulangerie-pâtisserie (NAF 10.71C)", "Évry-Courcouronnes", "partagé avec la CCI"}, hasNot: []string{"INSEE"}}}},
		{"creation case for the chamber", "91", events.CreationCaseOpened{CaseID: caseID, RequestID: reqID, Chamber: "CCI",
			CommuneCode: "91228", Departement: "91", OpenedAt: at},
			[]want{{kind: "creation.case.opened", title: "Dossier de création à attribuer", link: "/dossiers/creation/" + caseID,
				to:  notification.Recipients{Chamber: "CCI", Speciality: "creation", Departement: "91"},
				has: []string{"activité non précisée"}, hasNot: []string{"partagé"}}}},
		{"taken in charge notifies nobody", "91", events.CreationCaseTakenInCharge{CaseID: caseID, RequestID: reqID, Chamber: "CCI",
			AdvisorID: "cci-91-001", TakenAt: at}, nil},
		{"reassigned to another chamber's advisor", "91", events.CreationCaseReassigned{CaseID: caseID, RequestID: reqID, Chamber: "CMA",
			AdvisorID: "cma-91-001", PreviousChamber: "CCI", PreviousAdvisorID: "cci-91-001", Reason: events.ReassignWrongChamber, ReassignedAt: at},
			[]want{
				{kind: "creation.case.reassigned", title: "Dossier de création qui vous est confié", link: "/dossiers/creation/" + caseID,
					to: notification.Recipients{AdvisorID: "cma-91-001"}, has: []string{"par la CCI à la CMA", "relève de l'autre chambre"}},
				{kind: "creation.case.reassigned", title: "Dossier de création réattribué", link: "/dossiers/creation/" + caseID,
					to: notification.Recipients{AdvisorID: "cci-91-001"}, has: []string{"ne vous est plus confié", "la CMA"}},
			}},
		{"reassigned to nobody goes to the chamber of the subject's département", "91", events.CreationCaseReassigned{CaseID: caseID,
			RequestID: reqID, Chamber: "CMA", PreviousChamber: "CMA", PreviousAdvisorID: "cma-91-002", Reason: events.ReassignAbsence, ReassignedAt: at},
			[]want{
				{kind: "creation.case.reassigned", title: "Dossier de création à attribuer", link: "/dossiers/creation/" + caseID,
					to: notification.Recipients{Chamber: "CMA", Speciality: "creation", Departement: "91"}, has: []string{"conseiller absent"}},
				{kind: "creation.case.reassigned", title: "Dossier de création réattribué", link: "/dossiers/creation/" + caseID,
					to: notification.Recipients{AdvisorID: "cma-91-002"}},
				{kind: "creation.case.reassigned", title: "Dossier de création réattribué automatiquement", link: "/dossiers/creation/" + caseID,
					to: notification.Recipients{Chamber: "CMA", Role: "manager", Departement: "91"}, has: []string{"confié à personne"}},
			}},
		{"cases of a departed advisor: the new one, the old one and the managers", "91", events.CreationCaseReassigned{CaseID: caseID,
			RequestID: reqID, Chamber: "CMA", AdvisorID: "cma-91-003", PreviousChamber: "CMA", PreviousAdvisorID: "cma-91-002",
			Reason: events.ReassignDeparture, ReassignedAt: at},
			[]want{
				{kind: "creation.case.reassigned", title: "Dossier de création qui vous est confié", link: "/dossiers/creation/" + caseID,
					to: notification.Recipients{AdvisorID: "cma-91-003"}, has: []string{"conseiller parti"}},
				{kind: "creation.case.reassigned", title: "Dossier de création réattribué", link: "/dossiers/creation/" + caseID,
					to: notification.Recipients{AdvisorID: "cma-91-002"}},
				{kind: "creation.case.reassigned", title: "Dossier de création réattribué automatiquement", link: "/dossiers/creation/" + caseID,
					to: notification.Recipients{Chamber: "CMA", Role: "manager", Departement: "91"}, has: []string{"cma-91-002", "au conseiller cma-91-003"}},
			}},
		{"reassigned to the same advisor tells them once", "_", events.CreationCaseReassigned{CaseID: caseID, RequestID: reqID, Chamber: "CCI",
			AdvisorID: "cci-91-001", PreviousChamber: "CCI", PreviousAdvisorID: "cci-91-001", Reason: events.ReassignManager, ReassignedAt: at},
			[]want{{kind: "creation.case.reassigned", title: "Dossier de création qui vous est confié", link: "/dossiers/creation/" + caseID,
				to: notification.Recipients{AdvisorID: "cci-91-001"}, has: []string{"décision du responsable"}}}},
		{"stage changed tells nobody", "91", events.CreationCaseStageChanged{CaseID: caseID, RequestID: reqID, Chamber: "CMA",
			AdvisorID: "cma-91-001", From: "welcome", To: "diagnosis", ChangedAt: at}, nil},
		{"redirected to takeover tells nobody here", "91", events.CreationCaseRedirectedToTakeover{CaseID: caseID, RequestID: reqID,
			Chamber: "CMA", AdvisorID: "cma-91-001", CommuneCode: "91228", Departement: "91", RedirectedAt: at}, nil},
		{"registration of an unshared case tells nobody", "91", events.CreationCaseRegistered{CaseID: caseID, RequestID: reqID,
			Chamber: "CMA", AdvisorID: "cma-91-001", LegalForm: "SAS", RegisteredOn: "2026-12-01", RecordedAt: at}, nil},
		{"registration of a shared case tells the other chamber", "91", events.CreationCaseRegistered{CaseID: caseID, RequestID: reqID,
			Chamber: "CMA", SecondaryChamber: "CCI", AdvisorID: "cma-91-001", LegalForm: "SAS", RegisteredOn: "2026-12-01", RecordedAt: at},
			[]want{{kind: "creation.case.registered", title: "Entreprise créée", link: "/dossiers/creation/" + caseID,
				to: notification.Recipients{Chamber: "CCI", Speciality: "creation", Departement: "91"}, has: []string{"avec la CMA", "SAS", "2026-12-01"}}}},
		{"abandon of a shared case tells the other chamber why", "91", events.CreationCaseClosed{CaseID: caseID, RequestID: reqID,
			Chamber: "CCI", SecondaryChamber: "CMA", AdvisorID: "cci-91-001", From: "funding", Outcome: events.OutcomeAbandoned,
			Reason: events.AbandonNoFunding, ClosedAt: at},
			[]want{{kind: "creation.case.closed", title: "Dossier de création clos", link: "/dossiers/creation/" + caseID,
				to: notification.Recipients{Chamber: "CMA", Speciality: "creation", Departement: "91"}, has: []string{"financement non obtenu"}}}},
		{"overdue next action reminds the case's advisor", "91", events.CreationCaseNextActionOverdue{CaseID: caseID, RequestID: reqID,
			Chamber: "CMA", AdvisorID: "cma-91-001", Stage: "business_plan", Due: time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC), DetectedAt: at},
			[]want{{kind: "creation.case.next_action_overdue", title: "Prochaine action en retard", link: "/dossiers/creation/" + caseID,
				to: notification.Recipients{AdvisorID: "cma-91-001"}, has: []string{"02/12/2026"}}}},
		{"overdue next action of a case without advisor", "91", events.CreationCaseNextActionOverdue{CaseID: caseID, RequestID: reqID,
			Chamber: "CCI", Stage: "welcome", Due: time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC), DetectedAt: at},
			[]want{{kind: "creation.case.next_action_overdue", title: "Prochaine action en retard", link: "/dossiers/creation/" + caseID,
				to: notification.Recipients{Chamber: "CCI", Speciality: "creation", Departement: "91"}}}},
		{"a session registration tells nobody", "91", events.CreationSessionRegistered{SessionID: caseID, CaseID: caseID, RequestID: reqID,
			Chamber: "CMA", Kind: "training", Title: "Stage", StartsAt: at, Place: "Évry", RegisteredAt: at}, nil},
		{"confidential offer", "91", events.TakeoverOfferRegistered{OfferID: offerID, RequestID: reqID, Chamber: "CCI", AdvisorID: "cci-91-001",
			NAFCode: "56.10A", Departement: "91", Confidential: true, RegisteredAt: at},
			[]want{{kind: "takeover.offer.registered", title: "Nouvelle entreprise à céder", link: "/dossiers/reprise/offres/" + offerID,
				to: notification.Recipients{AdvisorID: "cci-91-001"}, has: []string{"Restauration traditionnelle (NAF 56.10A)", "confidentielle"}}}},
		{"offer for the chamber", "91", events.TakeoverOfferRegistered{OfferID: offerID, RequestID: reqID, Chamber: "CMA",
			NAFCode: "43.22A", Departement: "91", RegisteredAt: at},
			[]want{{kind: "takeover.offer.registered", title: "Entreprise à céder : dossier à attribuer", link: "/dossiers/reprise/offres/" + offerID,
				to: notification.Recipients{Chamber: "CMA", Speciality: "takeover", Departement: "91"}, hasNot: []string{"confidentielle"}}}},
		{"search", "91", events.TakeoverSearchRegistered{SearchID: searchID, RequestID: reqID, Chamber: "CMA", AdvisorID: "cma-91-001", RegisteredAt: at},
			[]want{{kind: "takeover.search.registered", title: "Nouvelle recherche de repreneur", link: "/dossiers/reprise/recherches/" + searchID,
				to: notification.Recipients{AdvisorID: "cma-91-001"}}}},
		{"search without a département for the chamber", "_", events.TakeoverSearchRegistered{SearchID: searchID, RequestID: reqID, Chamber: "CCI", RegisteredAt: at},
			[]want{{kind: "takeover.search.registered", title: "Recherche de repreneur à attribuer", link: "/dossiers/reprise/recherches/" + searchID,
				to: notification.Recipients{Chamber: "CCI", Speciality: "takeover"}}}},
		{"draft search from a redirected creation project", "91", events.TakeoverSearchRegistered{SearchID: searchID, RequestID: reqID,
			Chamber: "CCI", AdvisorID: "cci-91-001", Draft: true, RegisteredAt: at},
			[]want{{kind: "takeover.search.registered", title: "Recherche de repreneur à compléter", link: "/dossiers/reprise/recherches/" + searchID,
				to: notification.Recipients{AdvisorID: "cci-91-001"}, has: []string{"complétez les critères", "chambre CCI"}}}},
		{"unassigned draft search", "91", events.TakeoverSearchRegistered{SearchID: searchID, RequestID: reqID, Chamber: "CMA",
			Draft: true, RegisteredAt: at},
			[]want{{kind: "takeover.search.registered", title: "Recherche de repreneur à compléter (à attribuer)", link: "/dossiers/reprise/recherches/" + searchID,
				to: notification.Recipients{Chamber: "CMA", Speciality: "takeover", Departement: "91"}}}},
		{"match tells both advisors", "91", events.TakeoverMatchProposed{MatchID: matchID, OfferID: offerID, SearchID: searchID,
			OfferChamber: "CCI", SearchChamber: "CMA", OfferAdvisorID: "cci-91-001", SearchAdvisorID: "cma-91-001", Score: 82,
			Criteria: []string{"sector", "budget"}, ProposedAt: at},
			[]want{
				{kind: "takeover.match.proposed", title: "Repreneur potentiel pour une entreprise à céder", link: "/dossiers/reprise/mises-en-relation/" + matchID,
					to: notification.Recipients{AdvisorID: "cci-91-001"}, has: []string{"82/100", "secteur, budget", "attend votre accord", "la CMA"}},
				{kind: "takeover.match.proposed", title: "Entreprise à reprendre pour votre repreneur", link: "/dossiers/reprise/mises-en-relation/" + matchID,
					to: notification.Recipients{AdvisorID: "cma-91-001"}, has: []string{"82/100", "conseiller de l'offre", "la CCI"}},
			}},
		{"match without a search advisor", "91", events.TakeoverMatchProposed{MatchID: matchID, OfferID: offerID, SearchID: searchID,
			OfferChamber: "CMA", SearchChamber: "CMA", OfferAdvisorID: "cma-91-001", Score: 50, ProposedAt: at},
			[]want{
				{kind: "takeover.match.proposed", title: "Repreneur potentiel pour une entreprise à céder", link: "/dossiers/reprise/mises-en-relation/" + matchID,
					to: notification.Recipients{AdvisorID: "cma-91-001"}, hasNot: []string{"critères"}},
				{kind: "takeover.match.proposed", title: "Entreprise à reprendre pour votre repreneur", link: "/dossiers/reprise/mises-en-relation/" + matchID,
					to: notification.Recipients{Chamber: "CMA", Speciality: "takeover", Departement: "91"}},
			}},
		{"review due asks the listing's advisor", "91", events.TakeoverOfferReviewDue{OfferID: offerID, Chamber: "CMA",
			AdvisorID: "cma-91-001", Status: events.OfferPublished, UpdatedAt: at, DueAt: at.AddDate(0, 6, 0)},
			[]want{{kind: "takeover.offer.review_due", title: "Offre de cession à réexaminer", link: "/dossiers/reprise/offres/" + offerID,
				to: notification.Recipients{AdvisorID: "cma-91-001"}, has: []string{at.Format("02/01/2006")}}}},
		{"review due without an advisor goes to the chamber", "91", events.TakeoverOfferReviewDue{OfferID: offerID, Chamber: "CCI",
			Status: events.OfferPaused, UpdatedAt: at, DueAt: at.AddDate(0, 6, 0)},
			[]want{{kind: "takeover.offer.review_due", title: "Offre de cession à réexaminer", link: "/dossiers/reprise/offres/" + offerID,
				to: notification.Recipients{Chamber: "CCI", Speciality: "takeover", Departement: "91"}}}},
		{"listing status change notifies nobody", "91", events.TakeoverOfferStatusChanged{OfferID: offerID, Chamber: "CMA",
			From: events.OfferPublished, To: events.OfferPaused, By: "cma-91-001", ChangedAt: at}, nil},
		{"an offer taken in charge notifies nobody", "91", events.TakeoverOfferTakenInCharge{OfferID: offerID, RequestID: reqID, Chamber: "CMA",
			AdvisorID: "cma-91-001", TakenAt: at}, nil},
		{"a search taken in charge notifies nobody", "_", events.TakeoverSearchTakenInCharge{SearchID: searchID, RequestID: reqID, Chamber: "CCI",
			AdvisorID: "cci-91-001", TakenAt: at}, nil},
		{"an offer handed back tells its new advisor", "91", events.TakeoverOfferReassigned{OfferID: offerID, RequestID: reqID, Chamber: "CMA",
			AdvisorID: "cma-91-002", PreviousAdvisorID: "cma-91-001", Reason: events.ReassignNoCapacity, ReassignedAt: at},
			[]want{{kind: "takeover.offer.reassigned", title: "Offre de cession qui vous est confiée", link: "/dossiers/reprise/offres/" + offerID,
				to: notification.Recipients{AdvisorID: "cma-91-002"}, has: []string{"cma-91-001", "conseiller sans disponibilité", "Prenez-la en charge"},
				hasNot: []string{reqID}}}},
		{"an offer handed back to nobody goes to the chamber", "91", events.TakeoverOfferReassigned{OfferID: offerID, RequestID: reqID, Chamber: "CCI",
			PreviousAdvisorID: "cci-91-001", Reason: events.ReassignOther, ReassignedAt: at},
			[]want{{kind: "takeover.offer.reassigned", title: "Offre de cession à attribuer", link: "/dossiers/reprise/offres/" + offerID,
				to: notification.Recipients{Chamber: "CCI", Speciality: "takeover", Departement: "91"}, has: []string{"attribuez-la", "cci-91-001"}}}},
		{"a search handed back tells its new advisor", "91", events.TakeoverSearchReassigned{SearchID: searchID, RequestID: reqID, Chamber: "CCI",
			AdvisorID: "cci-91-002", PreviousAdvisorID: "cci-91-001", Reason: events.ReassignWrongSpeciality, ReassignedAt: at},
			[]want{{kind: "takeover.search.reassigned", title: "Recherche de repreneur qui vous est confiée", link: "/dossiers/reprise/recherches/" + searchID,
				to: notification.Recipients{AdvisorID: "cci-91-002"}, has: []string{"Une recherche de repreneur de la CCI", "autre spécialité"}}}},
		{"a search without a département handed back to nobody", "_", events.TakeoverSearchReassigned{SearchID: searchID, RequestID: reqID, Chamber: "CMA",
			PreviousAdvisorID: "cma-91-001", Reason: events.ReassignOther, ReassignedAt: at},
			[]want{{kind: "takeover.search.reassigned", title: "Recherche de repreneur à attribuer", link: "/dossiers/reprise/recherches/" + searchID,
				to: notification.Recipients{Chamber: "CMA", Speciality: "takeover"}}}},
		{"the seller's review tells the buyer's advisor", "91", events.TakeoverMatchStageChanged{MatchID: matchID, OfferID: offerID, SearchID: searchID,
			OfferChamber: "CMA", SearchChamber: "CCI", OfferAdvisorID: "cma-91-001", SearchAdvisorID: "cci-91-001", Step: "review", Side: "seller",
			AdvisorID: "cma-91-001", From: "proposed", To: "proposed", ChangedAt: at},
			[]want{{kind: "takeover.match.stage_changed", title: "Mise en relation étudiée par l'autre chambre", link: "/dossiers/reprise/mises-en-relation/" + matchID,
				to: notification.Recipients{AdvisorID: "cci-91-001"}, has: []string{"conseiller de l'offre (CMA)", "proposée"}}}},
		{"the buyer's interest tells the seller's advisor", "91", events.TakeoverMatchStageChanged{MatchID: matchID, OfferID: offerID, SearchID: searchID,
			OfferChamber: "CMA", SearchChamber: "CCI", OfferAdvisorID: "cma-91-001", SearchAdvisorID: "cci-91-001", Step: "interest", Side: "buyer",
			AdvisorID: "cci-91-001", From: "reviewed", To: "interested", ChangedAt: at},
			[]want{{kind: "takeover.match.stage_changed", title: "Le repreneur est intéressé", link: "/dossiers/reprise/mises-en-relation/" + matchID,
				to: notification.Recipients{AdvisorID: "cma-91-001"}, has: []string{"conseiller du repreneur (CCI)", "attend votre accord"}}}},
		{"a drop tells the other side's pool when it has no advisor", "91", events.TakeoverMatchStageChanged{MatchID: matchID, OfferID: offerID,
			SearchID: searchID, OfferChamber: "CMA", SearchChamber: "CCI", OfferAdvisorID: "cma-91-001", Step: "drop", Side: "seller",
			AdvisorID: "cma-91-001", From: "negotiating", To: "dropped", Reason: "price", ChangedAt: at},
			[]want{{kind: "takeover.match.stage_changed", title: "Mise en relation abandonnée", link: "/dossiers/reprise/mises-en-relation/" + matchID,
				to: notification.Recipients{Chamber: "CCI", Speciality: "takeover", Departement: "91"}, has: []string{"désaccord sur le prix", "abandonnée"}}}},
		{"difficulty case tells each assigned advisor its level only", "91", events.DifficultyCaseOpened{CaseID: caseID, RequestID: reqID,
			Chamber: "CMA", SecondaryChamber: "CCI", AdvisorIDs: []string{"cma-91-002", "cci-91-002"}, Level: events.DifficultyCallBack,
			Departement: "91", OpenedAt: at},
			[]want{
				{kind: "difficulty.case.opened", title: "Dossier de prévention qui vous est confié", link: "/dossiers/prevention/" + caseID,
					to: notification.Recipients{AdvisorID: "cma-91-002"}, has: []string{"Niveau : à rappeler"}, hasNot: []string{reqID, "CCI", "91"}},
				{kind: "difficulty.case.opened", title: "Dossier de prévention qui vous est confié", link: "/dossiers/prevention/" + caseID,
					to: notification.Recipients{AdvisorID: "cci-91-002"}, has: []string{"Niveau : à rappeler"}, hasNot: []string{reqID, "CMA", "91"}},
			}},
		{"difficulty case seen at a post-creation checkpoint says so", "91", events.DifficultyCaseOpened{CaseID: caseID, RequestID: reqID,
			Chamber: "CMA", AdvisorIDs: []string{"cma-91-002"}, Level: events.DifficultyCallBack,
			Source: events.DifficultySourceAdvisorObservation, Departement: "91", OpenedAt: at},
			[]want{{kind: "difficulty.case.opened", title: "Dossier de prévention qui vous est confié", link: "/dossiers/prevention/" + caseID,
				to: notification.Recipients{AdvisorID: "cma-91-002"}, has: []string{"Niveau : à rappeler", "Signalé lors du suivi post-création"},
				hasNot: []string{reqID, "91"}}}},
		{"a self-reported difficulty case does not say post-creation", "91", events.DifficultyCaseOpened{CaseID: caseID, RequestID: reqID,
			Chamber: "CMA", AdvisorIDs: []string{"cma-91-002"}, Level: events.DifficultyCallBack,
			Source: events.DifficultySourceSelfReport, Departement: "91", OpenedAt: at},
			[]want{{kind: "difficulty.case.opened", title: "Dossier de prévention qui vous est confié", link: "/dossiers/prevention/" + caseID,
				to: notification.Recipients{AdvisorID: "cma-91-002"}, has: []string{"Niveau : à rappeler"}, hasNot: []string{"post-création"}}}},
		{"a prevention case taken in charge tells the other assigned advisors its number only", "91", events.DifficultyCaseTakenInCharge{
			CaseID: caseID, Chamber: "CMA", SecondaryChamber: "CCI", AdvisorIDs: []string{"cma-91-002", "cci-91-002"}, AdvisorID: "cci-91-002",
			Departement: "91", TakenAt: at},
			[]want{{kind: "difficulty.case.taken_in_charge", title: "Dossier de prévention pris en charge", link: "/dossiers/prevention/" + caseID,
				to: notification.Recipients{AdvisorID: "cma-91-002"}, has: []string{"n° 000000000001", "cci-91-002"}}}},
		{"an action on a prevention case notifies nobody", "91", events.DifficultyCaseActionRecorded{CaseID: caseID, ActionID: reqID,
			Chamber: "CMA", AdvisorIDs: []string{"cma-91-002"}, AdvisorID: "cma-91-002", Kind: events.DifficultyActionCall,
			Outcome: events.DifficultyOutcomeDone, OccurredOn: "2027-03-01", Departement: "91", RecordedAt: at}, nil},
		{"a prevention case closed tells the other assigned advisors the reason", "91", events.DifficultyCaseClosed{CaseID: caseID,
			Chamber: "CMA", SecondaryChamber: "CCI", AdvisorIDs: []string{"cma-91-002", "cci-91-002"}, ClosedBy: "cma-91-002",
			Reason: events.DifficultyCloseRecovered, From: "taken_in_charge", Departement: "91", ClosedAt: at},
			[]want{{kind: "difficulty.case.closed", title: "Dossier de prévention clos", link: "/dossiers/prevention/" + caseID,
				to: notification.Recipients{AdvisorID: "cci-91-002"}, has: []string{"n° 000000000001", "entreprise redressée"}}}},
		{"a prevention case closed by the system tells every assigned advisor", "91", events.DifficultyCaseClosed{CaseID: caseID,
			Chamber: "CMA", AdvisorIDs: []string{"cma-91-002"}, ClosedBy: events.DifficultyClosedBySystem,
			Reason: events.DifficultyCloseBusinessClosed, From: "opened", Departement: "91", ClosedAt: at},
			[]want{{kind: "difficulty.case.closed", title: "Dossier de prévention clos", link: "/dossiers/prevention/" + caseID,
				to: notification.Recipients{AdvisorID: "cma-91-002"}, has: []string{"entreprise fermée"}}}},
		{"an unassigned prevention case closed goes to the cells", "91", events.DifficultyCaseClosed{CaseID: caseID,
			Chamber: "CMA", SecondaryChamber: "CCI", ClosedBy: events.DifficultyClosedBySystem,
			Reason: events.DifficultyCloseProcedureOpened, From: "opened", Departement: "91", ClosedAt: at},
			[]want{
				{kind: "difficulty.case.closed", title: "Dossier de prévention clos", link: "/dossiers/prevention/" + caseID,
					to: notification.Recipients{Chamber: "CMA", Role: "prevention_cell", Departement: "91"}, has: []string{"procédure collective ouverte"}},
				{kind: "difficulty.case.closed", title: "Dossier de prévention clos", link: "/dossiers/prevention/" + caseID,
					to: notification.Recipients{Chamber: "CCI", Role: "prevention_cell", Departement: "91"}, has: []string{"procédure collective ouverte"}},
			}},
		{"a prevention case handed back tells the advisor it goes to, by number", "91", events.DifficultyCaseHandedBack{CaseID: caseID,
			Chamber: "CMA", AdvisorIDs: []string{"cma-91-010"}, PreviousAdvisorID: "cma-91-002", AdvisorID: "cma-91-010",
			HandBackChamber: "CMA", Reason: events.DifficultyHandBackConflict, Departement: "91", HandedBackAt: at},
			[]want{{kind: "difficulty.case.handed_back", title: "Dossier de prévention qui vous est confié", link: "/dossiers/prevention/" + caseID,
				to: notification.Recipients{AdvisorID: "cma-91-010"}, has: []string{"n° 000000000001"}, hasNot: []string{"conflict"}}}},
		{"a prevention case handed back to nobody goes to the chamber's cell", "91", events.DifficultyCaseHandedBack{CaseID: caseID,
			Chamber: "CMA", SecondaryChamber: "CCI", AdvisorIDs: []string{"cma-91-002"}, PreviousAdvisorID: "cci-91-002",
			HandBackChamber: "CCI", Reason: events.DifficultyHandBackAbsence, Departement: "91", HandedBackAt: at},
			[]want{{kind: "difficulty.case.handed_back", title: "Dossier de prévention à prendre en charge", link: "/dossiers/prevention/" + caseID,
				to: notification.Recipients{Chamber: "CCI", Role: "prevention_cell", Departement: "91"}, has: []string{"n° 000000000001"}}}},
		{"a difficulty seen at a checkpoint notifies nobody by itself", "91", events.CreationCaseDifficultySeen{CaseID: caseID, RequestID: reqID,
			Chamber: "CMA", AdvisorID: "cma-91-007", Departement: "91", CheckpointLabel: "1 an", CheckpointIndex: 1, SeenAt: at}, nil},
		{"a creation advisor's concern notifies nobody by itself", "91", events.CreationCaseConcernRaised{CaseID: caseID,
			ConcernID: reqID, RequestID: reqID, Chamber: "CMA", AdvisorID: "cma-91-007", Departement: "91",
			Concerns: []string{events.ConcernActivityDrop}, RaisedAt: at}, nil},
		{"a concern about a business for sale notifies nobody by itself", "91", events.TakeoverOfferDifficultySeen{OfferID: caseID,
			ConcernID: reqID, RequestID: reqID, Chamber: "CMA", AdvisorID: "cma-91-007", NAFCode: "10.71C", Departement: "91",
			Concerns: []string{events.ConcernCashFlow}, SeenAt: at}, nil},
		{"difficulty case raised by a takeover advisor says so, not post-creation", "91", events.DifficultyCaseOpened{CaseID: caseID,
			RequestID: reqID, Chamber: "CMA", AdvisorIDs: []string{"cma-91-002"}, Level: events.DifficultyCallBack,
			Source: events.DifficultySourceAdvisorObservation, ObservedIn: events.ObservedInTakeoverOffer, Departement: "91", OpenedAt: at},
			[]want{{kind: "difficulty.case.opened", title: "Dossier de prévention qui vous est confié", link: "/dossiers/prevention/" + caseID,
				to: notification.Recipients{AdvisorID: "cma-91-002"}, has: []string{"Niveau : à rappeler", "conseiller transmission-reprise"},
				hasNot: []string{reqID, "91", "post-création"}}}},
		{"unassigned difficulty case goes to the routed chamber's prevention cell", "91", events.DifficultyCaseOpened{CaseID: caseID, RequestID: reqID,
			Chamber: "CCI", Level: events.DifficultyVigilance, Departement: "91", OpenedAt: at},
			[]want{{kind: "difficulty.case.opened", title: "Dossier de prévention à prendre en charge", link: "/dossiers/prevention/" + caseID,
				to: notification.Recipients{Chamber: "CCI", Role: "prevention_cell", Departement: "91"}, has: []string{"Niveau : vigilance"}}}},
		{"unassigned difficulty case of two chambers goes to both cells", "91", events.DifficultyCaseOpened{CaseID: caseID, RequestID: reqID,
			Chamber: "CMA", SecondaryChamber: "CCI", Level: events.DifficultyCallBack, Departement: "91", OpenedAt: at},
			[]want{
				{kind: "difficulty.case.opened", title: "Dossier de prévention à prendre en charge", link: "/dossiers/prevention/" + caseID,
					to: notification.Recipients{Chamber: "CMA", Role: "prevention_cell", Departement: "91"}, has: []string{"Niveau : à rappeler"}},
				{kind: "difficulty.case.opened", title: "Dossier de prévention à prendre en charge", link: "/dossiers/prevention/" + caseID,
					to: notification.Recipients{Chamber: "CCI", Role: "prevention_cell", Departement: "91"}, has: []string{"Niveau : à rappeler"}},
			}},
		{"a business rising to high risk tells the joint cell its number and levels only", "", events.DifficultyBusinessLevelChanged{
			BusinessID: caseID, PreviousLevel: events.BusinessLevelModerate, Level: events.BusinessLevelHigh, RulesVersion: "2026.1", ChangedAt: at},
			[]want{{kind: "difficulty.business.level_changed", title: "Niveau de risque d'une entreprise en hausse",
				link: "/prevention/entreprises?niveau=high", to: notification.Recipients{Role: "prevention_cell"},
				has: []string{"Entreprise n° " + caseID, "risque modéré → risque fort"}, hasNot: []string{"2026.1"}}}},
		{"an escalated case without advisors tells its cells the level only", "91", events.DifficultyCaseEscalated{CaseID: caseID,
			Chamber: "CCI", SecondaryChamber: "CMA", PreviousLevel: events.DifficultyVigilance, Level: events.DifficultyCallBack,
			Departement: "91", EscalatedAt: at},
			[]want{
				{kind: "difficulty.case.escalated", title: "Dossier de prévention : niveau relevé", link: "/dossiers/prevention/" + caseID,
					to: notification.Recipients{Chamber: "CCI", Role: "prevention_cell", Departement: "91"}, has: []string{"niveau : à rappeler"}},
				{kind: "difficulty.case.escalated", title: "Dossier de prévention : niveau relevé", link: "/dossiers/prevention/" + caseID,
					to: notification.Recipients{Chamber: "CMA", Role: "prevention_cell", Departement: "91"}, has: []string{"niveau : à rappeler"}},
			}},
		{"an escalated case tells its advisors", "91", events.DifficultyCaseEscalated{CaseID: caseID, Chamber: "CMA",
			AdvisorIDs: []string{"cma-91-002"}, PreviousLevel: events.DifficultyNone, Level: events.DifficultyVigilance,
			Departement: "91", EscalatedAt: at},
			[]want{{kind: "difficulty.case.escalated", title: "Dossier de prévention : niveau relevé", link: "/dossiers/prevention/" + caseID,
				to: notification.Recipients{AdvisorID: "cma-91-002"}, has: []string{"niveau : vigilance"}}}},
		{"a business falling to no alert says so", "", events.DifficultyBusinessLevelChanged{
			BusinessID: caseID, PreviousLevel: events.BusinessLevelHigh, Level: events.BusinessLevelNone, RulesVersion: "2026.1", ChangedAt: at},
			[]want{{kind: "difficulty.business.level_changed", title: "Niveau de risque d'une entreprise en baisse",
				link: "/prevention/entreprises?niveau=none", to: notification.Recipients{Role: "prevention_cell"},
				has: []string{"risque fort → aucune alerte"}}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ev := event(t, tc.territory, tc.payload)
			rule, ok := notification.Rules(names(t))[ev.Type]
			if !ok {
				t.Fatalf("no rule for %s", ev.Type)
			}
			got, err := rule(ev)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tc.want) {
				t.Fatalf("%d drafts, want %d: %+v", len(got), len(tc.want), got)
			}
			for i, w := range tc.want {
				g := got[i]
				if g.Kind != w.kind || g.Title != w.title || g.Link != w.link || g.To != w.to {
					t.Errorf("draft %d:\n got %+v\nwant %+v", i, g, w)
				}
				for _, s := range w.has {
					if !strings.Contains(g.Body, s) {
						t.Errorf("draft %d body %q lacks %q", i, g.Body, s)
					}
				}
				for _, s := range w.hasNot {
					if strings.Contains(g.Body, s) {
						t.Errorf("draft %d body %q holds %q", i, g.Body, s)
					}
				}
			}
		})
	}
}

// TestTableCoversTheDomainEvents: every event the case-owning services
// publish has a line (a deliberate "nobody" is a line too), and every line
// names a registered event.
func TestTableCoversTheDomainEvents(t *testing.T) {
	t.Parallel()
	rules := notification.Rules(names(t))
	registered := map[string]bool{}
	for _, p := range events.Registry() {
		typ := p.EventName().Type()
		registered[typ] = true
		if slices.Contains([]string{"creation", "takeover", "difficulty"}, p.EventName().Producer) && rules[typ] == nil {
			t.Errorf("%s has no line in notification.Table", typ)
		}
		// The confidential streams' events (PREVENTION: a business's
		// SIREN, for difficulty-alert alone) are no domain events of the
		// desk: it may not read their stream (NATS refuses it a consumer
		// there), and a line for one would make it try.
		if s, ok := events.StreamFor(p.EventName().Producer); ok && slices.Contains(events.ConfidentialStreams(), s) && rules[typ] != nil {
			t.Errorf("notification.Table lists %s, of the confidential stream %s", typ, s.Name)
		}
	}
	for typ := range rules {
		if !registered[typ] {
			t.Errorf("notification.Table lists %s, which pkg/events does not register", typ)
		}
	}
	for _, d := range notification.Domains() {
		if _, ok := events.StreamFor(d.Code); !ok || d.Label == "" {
			t.Errorf("domain %+v is no producer", d)
		}
	}
}

func TestRuleRefusesAnUndecodableEvent(t *testing.T) {
	t.Parallel()
	ev := event(t, "91", events.CreationCaseOpened{CaseID: caseID, RequestID: reqID, Chamber: "CCI"})
	ev.Data = json.RawMessage(`{"case_id": 12}`)
	if _, err := notification.Rules(names(t))[ev.Type](ev); err == nil {
		t.Error("an undecodable payload gave drafts")
	}
}

// names is the reference data, which names activities and communes.
func names(t *testing.T) notification.Names {
	t.Helper()
	d, err := refdata.Load()
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestTextsWithoutNamesGiveTheCodes: without the reference data (or for a
// code it does not know) a text still says which activity and commune.
func TestTextsWithoutNamesGiveTheCodes(t *testing.T) {
	t.Parallel()
	p := events.CreationCaseOpened{CaseID: "01920000-0000-7000-8000-000000000001", RequestID: "01920000-0000-7000-8000-000000000002",
		Chamber: "CMA", AdvisorID: "cma-91-001", NAFCode: "10.71C", CommuneCode: "91228", Departement: "91", OpenedAt: time.Now()}
	ev, err := events.New("creation-support", p.CaseID, "91", p, p.OpenedAt)
	if err != nil {
		t.Fatal(err)
	}
	ds, err := notification.Rules(nil)[ev.Type](ev)
	if err != nil || len(ds) != 1 || !strings.Contains(ds[0].Body, "activité NAF 10.71C") || !strings.Contains(ds[0].Body, "commune INSEE 91228") {
		t.Fatalf("drafts without names: %+v (%v)", ds, err)
	}
}
