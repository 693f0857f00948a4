package notification

import (
	"fmt"
	"strings"

	"github.com/ccicma/platform/pkg/events"
)

// Rule maps one event to its drafts, one per group of recipients (each
// with its own words); none means nobody is notified.
type Rule func(ev events.Event) ([]Draft, error)

// Entry is one line of the mapping: an event type and its rule.
type Entry struct {
	Event events.Name
	Rule  Rule
}

// Table is the mapping from domain events to notifications: who hears of
// each, what they read and where the link goes. A new event type is one
// line here; the consumers subscribe to what the table lists.
//
// Texts name codes and bands only (events carry no personal data), and a
// difficulty case says nothing beyond its level: its details are read in
// difficulty-alert, where every read is audited.
func Table(names Names) []Entry {
	w := words{names}
	return []Entry{
		named(w, creationCaseOpened),
		on(creationCaseTakenInCharge),
		on(creationCaseReassigned),
		on(creationCaseStageChanged),
		on(creationCaseRegistered),
		on(creationCaseClosed),
		on(creationCaseRedirected),
		on(creationNextActionOverdue),
		on(creationSessionRegistered),
		on(creationDifficultySeen),
		on(creationConcernRaised),
		named(w, takeoverOfferRegistered),
		on(takeoverSearchRegistered),
		on(takeoverMatchProposed),
		on(takeoverOfferPublished),
		on(takeoverOfferStatusChanged),
		on(takeoverSearchStatusChanged),
		on(takeoverOfferReviewDue),
		on(takeoverMatchStageChanged),
		on(takeoverOfferTakenInCharge),
		on(takeoverOfferReassigned),
		on(takeoverSearchTakenInCharge),
		on(takeoverSearchReassigned),
		on(takeoverOfferDifficultySeen),
		on(difficultyCaseOpened),
		on(difficultyCaseTakenInCharge),
		on(difficultyCaseActionRecorded),
		on(difficultyCaseClosed),
		on(difficultyBusinessLevelChanged),
		on(difficultyCaseEscalated),
		on(difficultyCaseHandedBack),
	}
}

// Rules is Table by event type (ce-type).
func Rules(names Names) map[string]Rule {
	m := map[string]Rule{}
	for _, e := range Table(names) {
		m[e.Event.Type()] = e.Rule
	}
	return m
}

// named is on for a rule that names codes in the advisors' words.
func named[P events.Payload](w words, f func(w words, ev events.Event, p P) []Draft) Entry {
	return on(func(ev events.Event, p P) []Draft { return f(w, ev, p) })
}

// on makes an entry of a function of the decoded payload; the payload's
// type names the event.
func on[P events.Payload](f func(ev events.Event, p P) []Draft) Entry {
	var zero P
	return Entry{Event: zero.EventName(), Rule: func(ev events.Event) ([]Draft, error) {
		p, err := events.Decode[P](ev)
		if err != nil {
			return nil, err
		}
		return f(ev, p), nil
	}}
}

// KindOf is the kind of the notifications of an event: its type without
// the version ("creation.case.opened"), stable across versions.
func KindOf(n events.Name) string { return n.Producer + "." + n.Aggregate + "." + n.Verb }

// Domain is a family of notifications, by producer; the inbox filters on
// it.
type Domain struct {
	Code  string // the kinds' first token: "creation"
	Label string // French
}

// Domains lists the families of the inbox filter, in display order.
func Domains() []Domain {
	return []Domain{
		{events.StreamCreation.Producer, "Création d'entreprise"},
		{events.StreamTakeover.Producer, "Transmission et reprise"},
		{events.StreamDifficulty.Producer, "Prévention des difficultés"},
	}
}

// pool is a chamber's advisors of a speciality covering a département.
func pool(chamber, speciality, departement string) Recipients {
	return Recipients{Chamber: chamber, Speciality: speciality, Departement: departement}
}

// departementOf is the département of an event whose payload does not
// carry it: its subject's territory, or any ("") when it has none.
func departementOf(ev events.Event) string {
	if t := ev.Territory(); t != events.NoTerritory {
		return t
	}
	return ""
}

func creationCaseOpened(w words, _ events.Event, p events.CreationCaseOpened) []Draft {
	d := Draft{
		Kind:  KindOf(p.EventName()),
		Title: "Nouveau dossier de création",
		Body:  describeCreation(w, p),
		Link:  creationLink(p.CaseID),
		To:    Recipients{AdvisorID: p.AdvisorID},
	}
	if p.AdvisorID == "" {
		d.Title = "Dossier de création à attribuer"
		d.To = pool(p.Chamber, events.SpecialityCreation, p.Departement)
	}
	return []Draft{d}
}

func describeCreation(w words, p events.CreationCaseOpened) string {
	s := fmt.Sprintf("Projet de création (%s), %s, département %s, chambre %s", w.activity(p.NAFCode), w.commune(p.CommuneCode), p.Departement, p.Chamber)
	return s + shared(p.SecondaryChamber) + "."
}

// creationCaseTakenInCharge notifies nobody: the advisor who took the case
// in charge did it themselves. The line documents the decision (and keeps
// the event consumed, so that a later rule needs no new subscription).
func creationCaseTakenInCharge(events.Event, events.CreationCaseTakenInCharge) []Draft { return nil }

// creationCaseStageChanged notifies nobody: the advisor moved the case
// themselves, and the other chamber reads the stage in the shared header.
func creationCaseStageChanged(events.Event, events.CreationCaseStageChanged) []Draft { return nil }

// creationCaseRedirected notifies nobody here: takeover-matching opens a
// draft buyer search, whose registration tells its takeover advisor.
func creationCaseRedirected(events.Event, events.CreationCaseRedirectedToTakeover) []Draft {
	return nil
}

// creationNextActionOverdue reminds the case's advisor of the next action
// they planned and did not do by its due date (once per planned action);
// a case without advisor goes to the chamber's creation advisors.
func creationNextActionOverdue(ev events.Event, p events.CreationCaseNextActionOverdue) []Draft {
	d := Draft{Kind: KindOf(p.EventName()), Title: "Prochaine action en retard", Link: creationLink(p.CaseID),
		Body: fmt.Sprintf("La prochaine action prévue pour ce dossier de création était attendue le %s : faites-la, ou replanifiez-la.",
			p.Due.UTC().Format("02/01/2006")),
		To: Recipients{AdvisorID: p.AdvisorID}}
	if p.AdvisorID == "" {
		d.To = pool(p.Chamber, events.SpecialityCreation, departementOf(ev))
	}
	return []Draft{d}
}

// creationSessionRegistered notifies nobody: the advisor registered the
// holder, and intake confirms it to the holder.
func creationSessionRegistered(events.Event, events.CreationSessionRegistered) []Draft { return nil }

// creationDifficultySeen notifies nobody here: difficulty-alert opens a
// prevention case from it, whose opening tells the prevention advisors
// (difficulty.case.opened); the creation advisor recorded it themselves.
func creationDifficultySeen(events.Event, events.CreationCaseDifficultySeen) []Draft { return nil }

// creationConcernRaised notifies nobody here, as a checkpoint's
// difficulties: difficulty-alert opens a prevention case from it, whose
// opening tells the prevention advisors; the creation advisor raised it.
func creationConcernRaised(events.Event, events.CreationCaseConcernRaised) []Draft { return nil }

// creationCaseRegistered tells the chamber the case is shared with (its
// creation advisors of the département) that the project became a
// business: the chamber that recorded it knows already.
func creationCaseRegistered(ev events.Event, p events.CreationCaseRegistered) []Draft {
	if p.SecondaryChamber == "" {
		return nil
	}
	return []Draft{{Kind: KindOf(p.EventName()), Title: "Entreprise créée", Link: creationLink(p.CaseID),
		Body: fmt.Sprintf("Le projet de création suivi avec la %s est immatriculé (forme juridique %s, le %s).",
			p.Chamber, p.LegalForm, p.RegisteredOn),
		To: pool(p.SecondaryChamber, events.SpecialityCreation, departementOf(ev))}}
}

// creationCaseClosed tells the chamber the case is shared with that it
// ended, and how.
func creationCaseClosed(ev events.Event, p events.CreationCaseClosed) []Draft {
	if p.SecondaryChamber == "" {
		return nil
	}
	return []Draft{{Kind: KindOf(p.EventName()), Title: "Dossier de création clos", Link: creationLink(p.CaseID),
		Body: fmt.Sprintf("Le dossier suivi avec la %s est clos : %s.", p.Chamber, closeOutcome(p.Outcome, p.Reason)),
		To:   pool(p.SecondaryChamber, events.SpecialityCreation, departementOf(ev))}}
}

// closeOutcome says how a creation case ended, in the advisors' words.
func closeOutcome(outcome, reason string) string {
	switch outcome {
	case events.OutcomeCeased:
		return "l'entreprise a cessé son activité"
	case events.OutcomeFollowedUp:
		return "le suivi post-création de trois ans est terminé"
	}
	reasons := map[string]string{
		events.AbandonHolderChoice: "le porteur a renoncé", events.AbandonNotViable: "projet non viable",
		events.AbandonNoFunding: "financement non obtenu", events.AbandonEmployment: "le porteur a pris un emploi salarié",
		events.AbandonUnreachable: "le porteur ne répond plus",
	}
	if r, ok := reasons[reason]; ok {
		return "projet abandonné (" + r + ")"
	}
	return "projet abandonné"
}

func creationCaseReassigned(ev events.Event, p events.CreationCaseReassigned) []Draft {
	kind, link := KindOf(p.EventName()), creationLink(p.CaseID)
	why := "Motif : " + reassignReason(p.Reason)
	to := Draft{Kind: kind, Title: "Dossier de création qui vous est confié", Link: link, To: Recipients{AdvisorID: p.AdvisorID},
		Body: fmt.Sprintf("Dossier transmis par la %s à la %s%s. %s.", p.PreviousChamber, p.Chamber, shared(p.SecondaryChamber), why)}
	if p.AdvisorID == "" {
		to.Title = "Dossier de création à attribuer"
		to.To = pool(p.Chamber, events.SpecialityCreation, departementOf(ev))
	}
	out := []Draft{to}
	if p.PreviousAdvisorID != "" && p.PreviousAdvisorID != p.AdvisorID {
		out = append(out, Draft{Kind: kind, Title: "Dossier de création réattribué", Link: link,
			To:   Recipients{AdvisorID: p.PreviousAdvisorID},
			Body: fmt.Sprintf("Ce dossier ne vous est plus confié ; il est suivi par la %s. %s.", p.Chamber, why)})
	}
	if p.Reason == events.ReassignAbsence || p.Reason == events.ReassignDeparture {
		// The platform moved it on its own: the managers answer for it.
		body := fmt.Sprintf("Le dossier du conseiller %s n'a pu être confié à personne : attribuez-le. %s.", p.PreviousAdvisorID, why)
		if p.AdvisorID != "" {
			body = fmt.Sprintf("Le dossier du conseiller %s est confié au conseiller %s. %s.", p.PreviousAdvisorID, p.AdvisorID, why)
		}
		out = append(out, Draft{Kind: kind, Title: "Dossier de création réattribué automatiquement", Link: link, Body: body,
			To: Recipients{Chamber: p.Chamber, Role: RoleManager, Departement: departementOf(ev)}})
	}
	return out
}

func reassignReason(code string) string {
	switch code {
	case events.ReassignWrongChamber:
		return "relève de l'autre chambre"
	case events.ReassignWrongSpeciality:
		return "relève d'une autre spécialité"
	case events.ReassignNoCapacity:
		return "conseiller sans disponibilité"
	case events.ReassignAbsence:
		return "conseiller absent"
	case events.ReassignDeparture:
		return "conseiller parti"
	case events.ReassignManager:
		return "décision du responsable"
	default:
		return "autre"
	}
}

func takeoverOfferRegistered(w words, _ events.Event, p events.TakeoverOfferRegistered) []Draft {
	body := fmt.Sprintf("Entreprise à céder, %s, département %s, chambre %s%s.", w.activity(p.NAFCode), p.Departement, p.Chamber, shared(p.SecondaryChamber))
	if p.Confidential {
		body += " Cession confidentielle : présentée anonymement aux repreneurs."
	}
	d := Draft{Kind: KindOf(p.EventName()), Title: "Nouvelle entreprise à céder", Body: body,
		Link: "/dossiers/reprise/offres/" + p.OfferID, To: Recipients{AdvisorID: p.AdvisorID}}
	if p.AdvisorID == "" {
		d.Title = "Entreprise à céder : dossier à attribuer"
		d.To = pool(p.Chamber, events.SpecialityTakeover, p.Departement)
	}
	return []Draft{d}
}

func takeoverSearchRegistered(ev events.Event, p events.TakeoverSearchRegistered) []Draft {
	d := Draft{Kind: KindOf(p.EventName()), Title: "Nouvelle recherche de repreneur",
		Body: fmt.Sprintf("Un repreneur cherche une entreprise ; chambre %s%s.", p.Chamber, shared(p.SecondaryChamber)),
		Link: "/dossiers/reprise/recherches/" + p.SearchID, To: Recipients{AdvisorID: p.AdvisorID}}
	if p.Draft {
		d.Title = "Recherche de repreneur à compléter"
		d.Body = fmt.Sprintf("Un porteur de projet suivi en création préfère reprendre une entreprise : complétez les critères de sa recherche ; chambre %s%s.",
			p.Chamber, shared(p.SecondaryChamber))
	}
	if p.AdvisorID == "" {
		d.Title += " (à attribuer)"
		if !p.Draft {
			d.Title = "Recherche de repreneur à attribuer"
		}
		d.To = pool(p.Chamber, events.SpecialityTakeover, departementOf(ev))
	}
	return []Draft{d}
}

// takeoverMatchProposed tells both sides: the offer's advisor, who approves
// the introduction, and the search's; a side without an advisor goes to its
// chamber's takeover advisors.
func takeoverMatchProposed(ev events.Event, p events.TakeoverMatchProposed) []Draft {
	kind, link := KindOf(p.EventName()), "/dossiers/reprise/mises-en-relation/"+p.MatchID
	fit := fmt.Sprintf("Adéquation %d/100", p.Score)
	if len(p.Criteria) > 0 {
		fit += " (critères : " + criteria(p.Criteria) + ")"
	}
	offer := Draft{Kind: kind, Title: "Repreneur potentiel pour une entreprise à céder", Link: link,
		Body: fmt.Sprintf("Une recherche suivie par la %s correspond à l'offre que vous suivez. %s. La mise en relation attend votre accord.", p.SearchChamber, fit),
		To:   Recipients{AdvisorID: p.OfferAdvisorID}}
	if p.OfferAdvisorID == "" {
		offer.To = pool(p.OfferChamber, events.SpecialityTakeover, departementOf(ev))
	}
	search := Draft{Kind: kind, Title: "Entreprise à reprendre pour votre repreneur", Link: link,
		Body: fmt.Sprintf("Une offre suivie par la %s correspond à la recherche que vous suivez. %s. La mise en relation attend l'accord du conseiller de l'offre.", p.OfferChamber, fit),
		To:   Recipients{AdvisorID: p.SearchAdvisorID}}
	if p.SearchAdvisorID == "" {
		search.To = pool(p.SearchChamber, events.SpecialityTakeover, departementOf(ev))
	}
	return []Draft{offer, search}
}

// takeoverOfferPublished notifies nobody: the advisor who vetted the
// listing did it themselves, and the searches it fits are told by the
// matches proposed.
func takeoverOfferPublished(events.Event, events.TakeoverOfferPublished) []Draft { return nil }

// takeoverOfferStatusChanged and takeoverSearchStatusChanged notify nobody:
// the advisor changed it themselves (an expiry is read on the search), and
// the other side's advisors see the match turn inactive on the match page.
func takeoverOfferStatusChanged(events.Event, events.TakeoverOfferStatusChanged) []Draft { return nil }

func takeoverSearchStatusChanged(events.Event, events.TakeoverSearchStatusChanged) []Draft {
	return nil
}

// takeoverOfferReviewDue asks the listing's advisor, or the chamber's
// takeover advisors when it has none, to review a listing left unchanged.
func takeoverOfferReviewDue(ev events.Event, p events.TakeoverOfferReviewDue) []Draft {
	d := Draft{Kind: KindOf(p.EventName()), Title: "Offre de cession à réexaminer",
		Body: fmt.Sprintf("L'offre que vous suivez n'a pas été mise à jour depuis le %s : vérifiez qu'elle est toujours d'actualité.",
			p.UpdatedAt.Format("02/01/2006")),
		Link: "/dossiers/reprise/offres/" + p.OfferID, To: Recipients{AdvisorID: p.AdvisorID}}
	if p.AdvisorID == "" {
		d.To = pool(p.Chamber, events.SpecialityTakeover, departementOf(ev))
	}
	return []Draft{d}
}

// takeoverMatchStageChanged tells the other side of a match what one side
// did: the step was taken by the seller's advisors (the offer's) or the
// buyer's (the search's), and the others act next or should know. A side
// without an advisor goes to its chamber's takeover advisors.
func takeoverMatchStageChanged(ev events.Event, p events.TakeoverMatchStageChanged) []Draft {
	d := Draft{Kind: KindOf(p.EventName()), Link: "/dossiers/reprise/mises-en-relation/" + p.MatchID}
	advisor, chamber, by := p.SearchAdvisorID, p.SearchChamber, "Le conseiller de l'offre ("+p.OfferChamber+")"
	if p.Side == "buyer" {
		advisor, chamber, by = p.OfferAdvisorID, p.OfferChamber, "Le conseiller du repreneur ("+p.SearchChamber+")"
	}
	d.To = Recipients{AdvisorID: advisor}
	if advisor == "" {
		d.To = pool(chamber, events.SpecialityTakeover, departementOf(ev))
	}
	step, ok := matchSteps[p.Step]
	if !ok {
		step = matchStep{"Mise en relation : étape " + p.Step, "a fait avancer la mise en relation"}
	}
	d.Title = step.title
	d.Body = fmt.Sprintf("%s %s. Étape : %s.", by, step.did, matchStageLabel(p.To))
	if p.Step == "drop" {
		d.Body += " Motif : " + dropReason(p.Reason) + "."
	}
	return []Draft{d}
}

type matchStep struct{ title, did string }

var matchSteps = map[string]matchStep{
	"review":               {"Mise en relation étudiée par l'autre chambre", "a étudié la mise en relation"},
	"interest":             {"Le repreneur est intéressé", "indique que le repreneur est intéressé ; la mise en relation attend votre accord"},
	"approve_introduction": {"Mise en relation approuvée par le cédant", "a approuvé la mise en relation"},
	"accept_undertaking":   {"Engagement de confidentialité signé", "indique que le repreneur a signé l'engagement de confidentialité"},
	"negotiate":            {"Négociation engagée", "indique que la négociation est engagée"},
	"conclude":             {"Cession conclue", "indique que la cession est conclue"},
	"drop":                 {"Mise en relation abandonnée", "a abandonné la mise en relation"},
}

var matchStageLabels = map[string]string{
	"proposed": "proposée", "reviewed": "étudiée par les deux chambres", "interested": "repreneur intéressé",
	"introduced": "mise en relation faite", "negotiating": "négociation", "concluded": "cession conclue", "dropped": "abandonnée",
}

func matchStageLabel(code string) string {
	if l, ok := matchStageLabels[code]; ok {
		return l
	}
	return code
}

var dropReasons = map[string]string{
	"buyer_not_interested": "le repreneur ne donne pas suite", "seller_declined": "le cédant ne donne pas suite",
	"price": "désaccord sur le prix", "financing": "financement non obtenu", "timing": "calendriers incompatibles",
	"other_party": "cession ou reprise avec un tiers", "no_response": "plus de réponse", "other": "autre motif",
}

func dropReason(code string) string {
	if l, ok := dropReasons[code]; ok {
		return l
	}
	return code
}

var criterionLabels = map[string]string{
	"sector": "secteur", "area": "zone", "budget": "budget", "size": "taille", "deal_type": "type de reprise", "timeline": "calendrier",
}

func criteria(codes []string) string {
	out := make([]string, len(codes))
	for i, c := range codes {
		if l, ok := criterionLabels[c]; ok {
			out[i] = l
		} else {
			out[i] = c
		}
	}
	return strings.Join(out, ", ")
}

// difficultyCaseOpened tells each assigned prevention advisor, or, when
// none was available, the prevention cell members of the routed chambers
// in the département, never the other chamber's: the case is theirs
// alone. It says the level, and whether a creation advisor raised it at a
// post-creation checkpoint, and nothing else (never the business): the
// case is confidential.
func difficultyCaseOpened(_ events.Event, p events.DifficultyCaseOpened) []Draft {
	kind, link := KindOf(p.EventName()), "/dossiers/prevention/"+p.CaseID
	body := "Niveau : " + difficultyLevel(p.Level) + ". "
	switch {
	case p.Source != events.DifficultySourceAdvisorObservation:
	case p.ObservedIn == events.ObservedInTakeoverOffer:
		body += "Signalé par le conseiller transmission-reprise qui suit la cession de l'entreprise. "
	default:
		body += "Signalé lors du suivi post-création par le conseiller création. "
	}
	body += "Consultez le dossier dans l'espace prévention (chaque consultation est tracée)."
	if len(p.AdvisorIDs) == 0 {
		var out []Draft
		for _, chamber := range []string{p.Chamber, p.SecondaryChamber} {
			if chamber != "" {
				out = append(out, Draft{Kind: kind, Title: "Dossier de prévention à prendre en charge", Body: body, Link: link,
					To: Recipients{Chamber: chamber, Role: RolePreventionCell, Departement: p.Departement}})
			}
		}
		return out
	}
	out := make([]Draft, 0, len(p.AdvisorIDs))
	for _, id := range p.AdvisorIDs {
		out = append(out, Draft{Kind: kind, Title: "Dossier de prévention qui vous est confié", Body: body, Link: link,
			To: Recipients{AdvisorID: id}})
	}
	return out
}

// difficultyCaseTakenInCharge tells the case's other assigned advisors
// (the other chamber's, or the one a cell member stepped in for) that it is
// taken in charge; the one who took it knows. The case number only.
func difficultyCaseTakenInCharge(_ events.Event, p events.DifficultyCaseTakenInCharge) []Draft {
	var out []Draft
	for _, id := range p.AdvisorIDs {
		if id != p.AdvisorID {
			out = append(out, Draft{Kind: KindOf(p.EventName()), Title: "Dossier de prévention pris en charge",
				Body: "Le dossier " + CaseNumber(p.CaseID) + " est pris en charge par " + p.AdvisorID + ". " +
					"Consultez-le dans l'espace prévention (chaque consultation est tracée).",
				Link: "/dossiers/prevention/" + p.CaseID, To: Recipients{AdvisorID: id}})
		}
	}
	return out
}

// difficultyCaseActionRecorded notifies nobody: the advisor acted, and the
// case page's timeline shows it to the others.
func difficultyCaseActionRecorded(events.Event, events.DifficultyCaseActionRecorded) []Draft {
	return nil
}

// difficultyCaseClosed tells the case's assigned advisors but the one who
// closed it (all of them when the system closed it, on a liquidation), or
// the prevention cell of its chambers when nobody was assigned: the case
// number and the reason, never the business.
func difficultyCaseClosed(_ events.Event, p events.DifficultyCaseClosed) []Draft {
	kind, link := KindOf(p.EventName()), "/dossiers/prevention/"+p.CaseID
	body := "Le dossier " + CaseNumber(p.CaseID) + " est clos. Motif : " + difficultyCloseReason(p.Reason) + "."
	if len(p.AdvisorIDs) == 0 {
		var out []Draft
		for _, chamber := range []string{p.Chamber, p.SecondaryChamber} {
			if chamber != "" {
				out = append(out, Draft{Kind: kind, Title: "Dossier de prévention clos", Body: body, Link: link,
					To: Recipients{Chamber: chamber, Role: RolePreventionCell, Departement: p.Departement}})
			}
		}
		return out
	}
	var out []Draft
	for _, id := range p.AdvisorIDs {
		if id != p.ClosedBy {
			out = append(out, Draft{Kind: kind, Title: "Dossier de prévention clos", Body: body, Link: link, To: Recipients{AdvisorID: id}})
		}
	}
	return out
}

// difficultyCaseHandedBack tells the advisor a case was handed back to
// (or, when nobody was available, the prevention cell of the chamber it
// was handed back in) that it is theirs now: its number only.
func difficultyCaseHandedBack(_ events.Event, p events.DifficultyCaseHandedBack) []Draft {
	d := Draft{Kind: KindOf(p.EventName()), Title: "Dossier de prévention qui vous est confié",
		Body: "Le dossier " + CaseNumber(p.CaseID) + " vous est confié : le conseiller qui en était chargé l'a rendu. " +
			"Consultez-le dans l'espace prévention (chaque consultation est tracée).",
		Link: "/dossiers/prevention/" + p.CaseID, To: Recipients{AdvisorID: p.AdvisorID}}
	if p.AdvisorID == "" {
		d.Title = "Dossier de prévention à prendre en charge"
		d.Body = "Le dossier " + CaseNumber(p.CaseID) + " a été rendu et aucun autre conseiller n'est disponible : la cellule de prévention le prend en charge."
		d.To = Recipients{Chamber: p.HandBackChamber, Role: RolePreventionCell, Departement: p.Departement}
	}
	return []Draft{d}
}

// CaseNumber is how a notice names a prevention case: the last twelve
// hex digits of its id (a UUIDv7's random part), enough to tell cases
// apart, nothing about the business.
func CaseNumber(id string) string {
	if len(id) > 12 {
		return "n° " + strings.ToUpper(id[len(id)-12:])
	}
	return "n° " + id
}

func difficultyCloseReason(code string) string {
	switch code {
	case events.DifficultyCloseRecovered:
		return "entreprise redressée"
	case events.DifficultyCloseProcedureOpened:
		return "procédure collective ouverte"
	case events.DifficultyCloseBusinessClosed:
		return "entreprise fermée"
	case events.DifficultyCloseDeclinedByOwner:
		return "refus du dirigeant"
	default:
		return "non précisé"
	}
}

// difficultyBusinessLevelChanged tells the joint prevention cell (its
// members in both chambers: the business is followed by the cell, whose
// chamber the event does not say) that a business's alert level changed,
// up or down. It says the business's number and the two levels, nothing
// else: the business, its score and its explanation are read in
// difficulty-alert, each read audited.
func difficultyBusinessLevelChanged(_ events.Event, p events.DifficultyBusinessLevelChanged) []Draft {
	title := "Niveau de risque d'une entreprise en baisse"
	if businessLevelRank(p.Level) > businessLevelRank(p.PreviousLevel) {
		title = "Niveau de risque d'une entreprise en hausse"
	}
	body := fmt.Sprintf("Entreprise n° %s : %s → %s. Consultez son score dans l'espace prévention (chaque consultation est tracée).",
		p.BusinessID, businessLevel(p.PreviousLevel), businessLevel(p.Level))
	return []Draft{{Kind: KindOf(p.EventName()), Title: title, Body: body, Link: "/prevention/entreprises?niveau=" + p.Level,
		To: Recipients{Role: RolePreventionCell}}}
}

func businessLevel(code string) string {
	switch code {
	case events.BusinessLevelHigh:
		return "risque fort"
	case events.BusinessLevelModerate:
		return "risque modéré"
	case events.BusinessLevelNone:
		return "aucune alerte"
	default:
		return "non précisé"
	}
}

func businessLevelRank(code string) int {
	switch code {
	case events.BusinessLevelHigh:
		return 2
	case events.BusinessLevelModerate:
		return 1
	default:
		return 0
	}
}

// difficultyCaseEscalated tells the case's assigned advisors, or the
// prevention cell of its chambers when none is assigned, that the case's
// level was raised with its business's risk: the case number and the
// level only.
func difficultyCaseEscalated(_ events.Event, p events.DifficultyCaseEscalated) []Draft {
	kind, link := KindOf(p.EventName()), "/dossiers/prevention/"+p.CaseID
	title := "Dossier de prévention : niveau relevé"
	body := "Le dossier " + CaseNumber(p.CaseID) + " passe au niveau : " + difficultyLevel(p.Level) + ". " +
		"Consultez-le dans l'espace prévention (chaque consultation est tracée)."
	var out []Draft
	if len(p.AdvisorIDs) == 0 {
		for _, chamber := range []string{p.Chamber, p.SecondaryChamber} {
			if chamber != "" {
				out = append(out, Draft{Kind: kind, Title: title, Body: body, Link: link,
					To: Recipients{Chamber: chamber, Role: RolePreventionCell, Departement: p.Departement}})
			}
		}
		return out
	}
	for _, id := range p.AdvisorIDs {
		out = append(out, Draft{Kind: kind, Title: title, Body: body, Link: link, To: Recipients{AdvisorID: id}})
	}
	return out
}

// RolePreventionCell is the role of the joint prevention cell's members
// (auth.RolePreventionCell; the directory stores roles as text).
const RolePreventionCell = "prevention_cell"

// RoleManager is the role of a chamber's managers, told when the cases of
// an advisor who leaves are moved.
const RoleManager = "manager"

func difficultyLevel(code string) string {
	switch code {
	case events.DifficultyCallBack:
		return "à rappeler"
	case events.DifficultyVigilance:
		return "vigilance"
	case events.DifficultyNone:
		return "sans alerte"
	default:
		return "non précisé"
	}
}

func creationLink(caseID string) string { return "/dossiers/creation/" + caseID }

// shared is ", suivi partagé avec la CMA", or nothing.
func shared(secondary string) string {
	if secondary == "" {
		return ""
	}
	return ", suivi partagé avec la " + secondary
}

// takeoverOfferTakenInCharge and takeoverSearchTakenInCharge notify
// nobody: the advisor took it in charge themselves (the reminders stop).
func takeoverOfferTakenInCharge(events.Event, events.TakeoverOfferTakenInCharge) []Draft { return nil }

func takeoverSearchTakenInCharge(events.Event, events.TakeoverSearchTakenInCharge) []Draft {
	return nil
}

// takeoverOfferDifficultySeen notifies nobody here: difficulty-alert
// opens a prevention case from it, whose opening tells the prevention
// advisors (difficulty.case.opened); the advisor who raised the concern
// reads it on the offer's page, and so do the offer's other advisors.
func takeoverOfferDifficultySeen(events.Event, events.TakeoverOfferDifficultySeen) []Draft {
	return nil
}

// takeoverOfferReassigned tells the advisor who receives an offer handed
// back by a colleague ("pas pour moi"), or the chamber's takeover
// advisors when nobody else could take it. The one who handed it back did
// it themselves.
func takeoverOfferReassigned(ev events.Event, p events.TakeoverOfferReassigned) []Draft {
	return []Draft{handedBack(ev, KindOf(p.EventName()), "/dossiers/reprise/offres/"+p.OfferID, "Offre de cession qui vous est confiée",
		"Offre de cession à attribuer", "Une offre de cession", p.Chamber, p.AdvisorID, p.PreviousAdvisorID, p.Reason)}
}

// takeoverSearchReassigned is takeoverOfferReassigned for a search.
func takeoverSearchReassigned(ev events.Event, p events.TakeoverSearchReassigned) []Draft {
	return []Draft{handedBack(ev, KindOf(p.EventName()), "/dossiers/reprise/recherches/"+p.SearchID, "Recherche de repreneur qui vous est confiée",
		"Recherche de repreneur à attribuer", "Une recherche de repreneur", p.Chamber, p.AdvisorID, p.PreviousAdvisorID, p.Reason)}
}

// handedBack is the notice of a takeover file handed back: to its new
// advisor, who should take it in charge, or to the chamber's takeover
// advisors of its département when nobody else was available.
func handedBack(ev events.Event, kind, link, title, unassigned, what, chamber, advisorID, previous, reason string) Draft {
	d := Draft{Kind: kind, Title: title, Link: link, To: Recipients{AdvisorID: advisorID},
		Body: fmt.Sprintf("%s de la %s vous est confiée : le conseiller %s n'a pas pu la prendre en charge. Motif : %s. "+
			"Prenez-la en charge, ou renvoyez-la si elle n'est pas pour vous.", what, chamber, previous, reassignReason(reason))}
	if advisorID == "" {
		d.Title = unassigned
		d.Body = fmt.Sprintf("%s de la %s a été renvoyée par le conseiller %s et aucun autre conseiller disponible ne peut la recevoir : "+
			"attribuez-la. Motif : %s.", what, chamber, previous, reassignReason(reason))
		d.To = pool(chamber, events.SpecialityTakeover, departementOf(ev))
	}
	return d
}
