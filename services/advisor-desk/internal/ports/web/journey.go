package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/ccicma/platform/services/advisor-desk/internal/adapters/peers"
	"github.com/ccicma/platform/services/advisor-desk/internal/domain/casefile"
)

// journeyView is what the case page shows of the creation journey: its
// stage, next action, timeline and notes, and, for the case's advisor
// while it is in progress, the forms that move it on.
type journeyView struct {
	Stage    string
	Next     *peers.NextAction
	Timeline []timelineLine
	Notes    []noteLine
	// NotesMissing says why the notes are not shown.
	NotesMissing string
	// Follow: the reader is the case's advisor and the case is in
	// progress; Moves: it may also change stage (not once the business is
	// registered and followed up); Write: the reader may add notes.
	Follow, Moves, Write bool
	Stages               []casefile.Stage
	Reasons              []casefile.MoveReason
	MaxComment           int
	MaxNextAction        int
	MaxNote              int
	Token                string
	StageURL             string
	NextURL              string
	NoteURL              string
	Form                 journeyForm
	// Facts is the form of the facts of the case's stage; FactsForm, when
	// set, is that form as sent, after a refusal.
	Facts     factsView
	FactsForm *factsView
	// Errors are the refused fields' messages, by field id.
	Errors map[string]string
	// Outcomes: the registration, checkpoints and closing (outcomes.go).
	Outcomes outcomesView
}

// journeyForm is the journey's forms as sent, after a refusal.
type journeyForm struct {
	To, Reason, Comment string
	NextLabel, NextDue  string
	Note                string
	Shared              bool
}

type timelineLine struct {
	From, To, Reason, Comment, Advisor string
	At                                 time.Time
}

type noteLine struct {
	Author, Chamber, Text string
	Shared                bool
	At                    time.Time
}

// The journey forms' fields: the service's names to the page's ids.
var (
	stageFields = fieldIDs{"to": "vers", "reason": "motif-etape", "comment": "commentaire-etape"}
	nextFields  = fieldIDs{"label": "action", "due": "echeance"}
	noteFields  = fieldIDs{"text": "note", "shared": "partagee"}
)

// journeyOf fills j from the case and the notes the reader may read.
func (s *site) journeyOf(ctx context.Context, c caseRequest, cs peers.CreationCase, j *journeyView) {
	j.Stage, j.Next = stageText(cs), cs.NextAction
	for _, ch := range cs.Timeline {
		j.Timeline = append(j.Timeline, timelineLine{From: casefile.StageLabel(ch.From), To: casefile.StageLabel(ch.To),
			Reason: casefile.ChangeReason(ch.To, ch.Reason), Comment: ch.Comment, Advisor: s.advisorName(ctx, ch.AdvisorID), At: ch.At})
	}
	j.Follow = cs.AdvisorID == c.p.Subject && cs.Status == casefile.StatusInProgress
	j.Moves = j.Follow && casefile.InJourney(cs.Stage)
	j.Stages, j.Reasons = casefile.Stages(), casefile.MoveReasons()
	j.MaxComment, j.MaxNextAction, j.MaxNote = casefile.MaxComment, casefile.MaxNextAction, casefile.MaxNote
	j.Token = c.formToken
	j.Facts = factsOf(cs)
	if sent := j.FactsForm; sent != nil {
		j.Facts.Facts, j.Facts.WelcomeDay, j.Facts.Regulated, j.Facts.Hours = sent.Facts, sent.WelcomeDay, sent.Regulated, sent.Hours
		j.Facts.Funding = sent.Funding
	}
	fillOutcomes(j, cs, c.formToken, today())
	base := "/dossiers/creation/" + url.PathEscape(cs.ID)
	j.StageURL, j.NextURL, j.NoteURL = base+"/etape", base+"/prochaine-action", base+"/notes"
	notes, err := s.Cases.CreationNotes(ctx, c.bearer, cs.ID)
	if err != nil {
		if _, refused := peers.AsRefused(err); !refused {
			s.Log.WarnContext(ctx, "case page: notes unavailable", "err", err)
		}
		j.NotesMissing = "Les notes de ce dossier ne sont pas disponibles pour le moment."
		return
	}
	j.Write = true
	for _, n := range notes.Notes {
		j.Notes = append(j.Notes, noteLine{Author: s.advisorName(ctx, n.AuthorID), Chamber: n.Chamber, Text: n.Text,
			Shared: n.Shared, At: n.WrittenAt})
	}
}

// fieldMessages indexes the messages of the fields that have an id.
func fieldMessages(fs []peers.FieldError) map[string]string {
	out := map[string]string{}
	for _, f := range fs {
		if f.Field != "" && out[f.Field] == "" {
			out[f.Field] = f.Message
		}
	}
	return out
}

// refuseForm shows the page again with the form's own errors (422).
func (s *site) refuseForm(w http.ResponseWriter, r *http.Request, c caseRequest, v creationView, bad []peers.FieldError) {
	v.Alert = &alert{Title: "Le formulaire contient des erreurs", Fields: bad}
	v.Journey.Errors = fieldMessages(bad)
	s.showCreation(w, r, c, http.StatusUnprocessableEntity, v, false)
}

// moveStage moves the case to the chosen stage; creation-support checks
// the exit criteria and the reasons.
func (s *site) moveStage(w http.ResponseWriter, r *http.Request) {
	c, ok := s.caseForm(w, r)
	if !ok {
		return
	}
	f := journeyForm{To: r.PostForm.Get("vers"), Reason: r.PostForm.Get("motif-etape"),
		Comment: strings.TrimSpace(r.PostForm.Get("commentaire-etape"))}
	v := creationView{Journey: journeyView{Form: f}}
	var bad []peers.FieldError
	if f.To == "" {
		bad = append(bad, peers.FieldError{Field: "vers", Code: "required", Message: "Choisissez l'étape où passer le dossier."})
	}
	if utf8.RuneCountInString(f.Comment) > casefile.MaxComment {
		bad = append(bad, peers.FieldError{Field: "commentaire-etape", Code: "too_long", Message: "Le commentaire ne doit pas dépasser 500 caractères."})
	}
	if len(bad) > 0 {
		s.refuseForm(w, r, c, v, bad)
		return
	}
	err := s.Cases.MoveStage(r.Context(), c.bearer, c.id, f.To, f.Reason, f.Comment)
	s.afterAction(w, r, c, err, doneStage, v, stageFields)
}

// planNext sets the case's next action.
func (s *site) planNext(w http.ResponseWriter, r *http.Request) {
	c, ok := s.caseForm(w, r)
	if !ok {
		return
	}
	f := journeyForm{NextLabel: strings.TrimSpace(r.PostForm.Get("action")), NextDue: r.PostForm.Get("echeance")}
	v := creationView{Journey: journeyView{Form: f}}
	var bad []peers.FieldError
	if f.NextLabel == "" || utf8.RuneCountInString(f.NextLabel) > casefile.MaxNextAction {
		bad = append(bad, peers.FieldError{Field: "action", Code: "invalid", Message: "Décrivez la prochaine action en 200 caractères au plus."})
	}
	if _, err := time.Parse(time.DateOnly, f.NextDue); err != nil {
		bad = append(bad, peers.FieldError{Field: "echeance", Code: "invalid", Message: "Indiquez la date d'échéance (jj/mm/aaaa)."})
	}
	if len(bad) > 0 {
		s.refuseForm(w, r, c, v, bad)
		return
	}
	err := s.Cases.PlanNextAction(r.Context(), c.bearer, c.id, f.NextLabel, f.NextDue)
	s.afterAction(w, r, c, err, doneNext, v, nextFields)
}

// writeNote adds a note, private to the writer's chamber unless shared.
func (s *site) writeNote(w http.ResponseWriter, r *http.Request) {
	c, ok := s.caseForm(w, r)
	if !ok {
		return
	}
	f := journeyForm{Note: strings.TrimSpace(r.PostForm.Get("note")), Shared: r.PostForm.Get("partagee") == "oui"}
	v := creationView{Journey: journeyView{Form: f}}
	if f.Note == "" || utf8.RuneCountInString(f.Note) > casefile.MaxNote {
		s.refuseForm(w, r, c, v, []peers.FieldError{{Field: "note", Code: "invalid", Message: "Écrivez la note, en 4 000 caractères au plus."}})
		return
	}
	err := s.Cases.WriteNote(r.Context(), c.bearer, c.id, f.Note, f.Shared)
	s.afterAction(w, r, c, err, doneNote, v, noteFields)
}
