package events

// Registry lists every payload type and version the platform emits, as zero
// values. It is the one list the JSON Schemas and the AsyncAPI document in
// schemas/ are generated from; a test fails when an exported type of this
// package implements Payload but is missing here, so a new event cannot ship
// without its published contract.
//
// Keep a type here after a newer version supersedes it, for as long as
// producers may still emit it or streams still hold it.
func Registry() []Payload {
	return []Payload{
		// intake.go
		CreationSubmitted{},
		TakeoverOfferSubmitted{},
		TakeoverSearchSubmitted{},
		DifficultyReported{},
		// creation.go
		CreationCaseOpened{},
		CreationCaseTakenInCharge{},
		CreationCaseReassigned{},
		CreationCaseStageChanged{},
		CreationCaseRegistered{},
		CreationCaseClosed{},
		CreationCaseRedirectedToTakeover{},
		CreationCaseNextActionOverdue{},
		CreationCaseDifficultySeen{},
		CreationCaseConcernRaised{},
		CreationSessionRegistered{},
		// takeover.go
		TakeoverOfferRegistered{},
		TakeoverSearchRegistered{},
		TakeoverMatchProposed{},
		TakeoverOfferPublished{},
		TakeoverOfferStatusChanged{},
		TakeoverSearchStatusChanged{},
		TakeoverOfferReviewDue{},
		TakeoverMatchStageChanged{},
		TakeoverOfferTakenInCharge{},
		TakeoverOfferReassigned{},
		TakeoverSearchTakenInCharge{},
		TakeoverSearchReassigned{},
		TakeoverOfferDifficultySeen{},
		// difficulty.go
		DifficultyCaseOpened{},
		DifficultyCaseTakenInCharge{},
		DifficultyCaseActionRecorded{},
		DifficultyCaseClosed{},
		DifficultyBusinessLevelChanged{},
		DifficultyCaseEscalated{},
		DifficultyCaseHandedBack{},
		// advisor.go
		AdvisorUpdated{},
		// prevention.go (confidential: StreamPrevention)
		PreventionReportIdentified{},
		PreventionObservationIdentified{},
		PreventionConcernIdentified{},
		PreventionCreationConcernIdentified{},
	}
}
