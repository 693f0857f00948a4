package httpapi

import (
	"net/http"
	"strconv"
	"time"

	"github.com/ccicma/platform/pkg/auth"
	"github.com/ccicma/platform/pkg/httpserver"

	"github.com/ccicma/platform/services/creation-support/internal/app"
	"github.com/ccicma/platform/services/creation-support/internal/domain/creation"
)

// JourneyUseCases are the actions of the creation journey.
type JourneyUseCases struct {
	Move       app.MoveStage
	Facts      app.RecordFacts
	Register   app.RegisterBusiness
	Close      app.CloseCase
	Next       app.PlanNextAction
	Checkpoint app.RecordCheckpoint
	Concern    app.RaiseConcern
	WriteNote  app.WriteNote
	ReadNotes  app.ReadNotes
	Plan       app.PlanSession
	Sessions   app.ListSessions
	Enrol      app.EnrolCase
}

// maxFactsBody bounds the facts document: twenty funding requests and a
// few short texts fit in well under it.
const maxFactsBody = 32 << 10

// routeJourney registers the journey's routes.
func (rt Routes) routeJourney(mux *http.ServeMux) {
	mux.Handle("POST /api/v1/creation-cases/{id}/stage", rt.guard(rt.moveStage))
	mux.Handle("PUT /api/v1/creation-cases/{id}/facts", rt.guard(rt.recordFacts))
	mux.Handle("POST /api/v1/creation-cases/{id}/registration", rt.guard(rt.register))
	mux.Handle("POST /api/v1/creation-cases/{id}/abandon", rt.guard(rt.abandon))
	mux.Handle("POST /api/v1/creation-cases/{id}/redirect-to-takeover", rt.guard(rt.redirect))
	mux.Handle("PUT /api/v1/creation-cases/{id}/next-action", rt.guard(rt.planNext))
	mux.Handle("POST /api/v1/creation-cases/{id}/checkpoints/{n}", rt.guard(rt.recordCheckpoint))
	mux.Handle("POST /api/v1/creation-cases/{id}/difficulty-concerns", rt.guard(rt.raiseConcern))
	mux.Handle("GET /api/v1/creation-cases/{id}/notes", rt.guard(rt.notes))
	mux.Handle("POST /api/v1/creation-cases/{id}/notes", rt.guard(rt.writeNote))
}

func (rt Routes) moveStage(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	var req struct {
		To      string `json:"to"`
		Reason  string `json:"reason"`
		Comment string `json:"comment"`
	}
	if !httpserver.ReadJSON(w, r, maxBody, &req) {
		return
	}
	c, err := rt.Journey.Move.Do(r.Context(), p, r.PathValue("id"),
		app.MoveInput{To: creation.Stage(req.To), Reason: req.Reason, Comment: req.Comment})
	rt.answerAs(w, r, p, "move stage", c, err)
}

func (rt Routes) recordFacts(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	var f factsView
	if !httpserver.ReadJSON(w, r, maxFactsBody, &f) {
		return
	}
	c, err := rt.Journey.Facts.Do(r.Context(), p, r.PathValue("id"), f.domain())
	rt.answerAs(w, r, p, "record facts", c, err)
}

func (rt Routes) register(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	var req struct {
		SIREN        string `json:"siren"`
		RegisteredOn string `json:"registered_on"`
		LegalForm    string `json:"legal_form"`
	}
	if !httpserver.ReadJSON(w, r, maxBody, &req) {
		return
	}
	on, err := time.Parse(time.DateOnly, req.RegisteredOn)
	if err != nil {
		invalid(w, r, []httpserver.FieldError{{Field: "registered_on", Code: "invalid", Message: "Date attendue (AAAA-MM-JJ)."}})
		return
	}
	c, err := rt.Journey.Register.Do(r.Context(), p, r.PathValue("id"),
		creation.Registration{SIREN: req.SIREN, Date: on, LegalForm: req.LegalForm})
	rt.answerAs(w, r, p, "register business", c, err)
}

func (rt Routes) abandon(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	var req struct {
		Reason string `json:"reason"`
	}
	if !httpserver.ReadJSON(w, r, maxBody, &req) {
		return
	}
	c, err := rt.Journey.Close.Abandon(r.Context(), p, r.PathValue("id"), req.Reason)
	rt.answerAs(w, r, p, "abandon case", c, err)
}

func (rt Routes) redirect(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	if !httpserver.NoBody(w, r) {
		return
	}
	c, err := rt.Journey.Close.RedirectToTakeover(r.Context(), p, r.PathValue("id"))
	rt.answerAs(w, r, p, "redirect case to takeover", c, err)
}

func (rt Routes) planNext(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	var req struct {
		Label string `json:"label"`
		Due   string `json:"due"`
	}
	if !httpserver.ReadJSON(w, r, maxBody, &req) {
		return
	}
	due, err := time.Parse(time.DateOnly, req.Due)
	if err != nil {
		invalid(w, r, []httpserver.FieldError{{Field: "due", Code: "invalid", Message: "Date attendue (AAAA-MM-JJ)."}})
		return
	}
	c, err := rt.Journey.Next.Do(r.Context(), p, r.PathValue("id"), req.Label, due)
	rt.answerAs(w, r, p, "plan next action", c, err)
}

func (rt Routes) recordCheckpoint(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	n, err := strconv.Atoi(r.PathValue("n"))
	if err != nil || n < 1 || n > 4 {
		notFound(w, r)
		return
	}
	var req struct {
		StillActive  bool `json:"still_active"`
		Headcount    int  `json:"headcount"`
		Difficulties bool `json:"difficulties"`
	}
	if !httpserver.ReadJSON(w, r, maxBody, &req) {
		return
	}
	c, err := rt.Journey.Checkpoint.Do(r.Context(), p, r.PathValue("id"), n-1,
		creation.CheckpointReport{StillActive: req.StillActive, Headcount: req.Headcount, Difficulties: req.Difficulties})
	rt.answerAs(w, r, p, "record checkpoint", c, err)
}

func (rt Routes) notes(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	ns, err := rt.Journey.ReadNotes.Do(r.Context(), p, r.PathValue("id"))
	if err != nil {
		rt.fail(w, r, "read notes", err)
		return
	}
	out := notesView{Notes: make([]noteView, len(ns))}
	for i, n := range ns {
		out.Notes[i] = noteViewOf(n)
	}
	httpserver.WriteJSON(w, http.StatusOK, out)
}

func (rt Routes) writeNote(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	var req struct {
		Text   string `json:"text"`
		Shared bool   `json:"shared"`
	}
	if !httpserver.ReadJSON(w, r, maxNoteBody, &req) {
		return
	}
	n, err := rt.Journey.WriteNote.Do(r.Context(), p, r.PathValue("id"), req.Text, req.Shared)
	if err != nil {
		rt.fail(w, r, "write note", err)
		return
	}
	httpserver.WriteJSON(w, http.StatusCreated, noteViewOf(n))
}

// maxNoteBody bounds a note's body: 4,000 characters of up to 4 bytes,
// escaped.
const maxNoteBody = 40 << 10

type notesView struct {
	Notes []noteView `json:"notes"`
}

type noteView struct {
	ID        int64     `json:"id"`
	Chamber   string    `json:"chamber"`
	AuthorID  string    `json:"author_id"`
	Text      string    `json:"text"`
	Shared    bool      `json:"shared"`
	WrittenAt time.Time `json:"written_at"`
}

func noteViewOf(n creation.Note) noteView {
	return noteView{ID: n.ID, Chamber: n.Chamber, AuthorID: n.AuthorID, Text: n.Text, Shared: n.Shared, WrittenAt: n.WrittenAt}
}
