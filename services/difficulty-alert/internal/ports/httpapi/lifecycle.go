package httpapi

import (
	"context"
	"errors"
	"net/http"

	"github.com/google/uuid"

	"github.com/ccicma/platform/pkg/auth"
	"github.com/ccicma/platform/pkg/httpserver"

	"github.com/ccicma/platform/services/difficulty-alert/internal/domain/prevention"
)

// Lifecycle changes cases under the access rules, each change audited
// (app.TakeInCharge, app.RecordAction, app.CloseCase).
type Lifecycle struct {
	Take interface {
		Do(ctx context.Context, p auth.Principal, id string) (prevention.Case, error)
	}
	Record interface {
		Do(ctx context.Context, p auth.Principal, id string, in prevention.ActionInput) (prevention.Case, error)
	}
	Close interface {
		Do(ctx context.Context, p auth.Principal, id string, reason string) (prevention.Case, error)
	}
	HandBack interface {
		Do(ctx context.Context, p auth.Principal, id string, reason string) (prevention.Case, error)
	}
}

// maxActionBody bounds an action's body: the account (2,000 characters,
// up to 4 bytes each) and the codes.
const maxActionBody = 4*prevention.MaxOutcomeText + 1024

// actionRequest is the body of POST …/actions.
type actionRequest struct {
	Kind        string `json:"kind"`
	OccurredOn  string `json:"occurred_on"`
	Outcome     string `json:"outcome"`
	OutcomeText string `json:"outcome_text"`
}

// reasonRequest is the body of POST …/close and …/hand-back.
type reasonRequest struct {
	Reason string `json:"reason"`
}

// maxReasonBody bounds a body that holds a reason code.
const maxReasonBody = 1024

// caseID reads the path's case id; not a UUID answers 404.
func caseID(w http.ResponseWriter, r *http.Request) (string, bool) {
	id := r.PathValue("id")
	if _, err := uuid.Parse(id); err != nil {
		httpserver.WriteProblem(w, r, httpserver.Problem{Status: http.StatusNotFound, Title: "Dossier inconnu",
			Detail: "L'identifiant d'un dossier est un UUID."})
		return "", false
	}
	return id, true
}

func (rt Routes) takeInCharge(w http.ResponseWriter, r *http.Request) {
	p, ok := auth.PrincipalOf(w, r, rt.Log)
	if !ok {
		return
	}
	id, ok := caseID(w, r)
	if !ok || !httpserver.NoBody(w, r) {
		return
	}
	c, err := rt.Act.Take.Do(r.Context(), p, id)
	rt.answerChange(w, r, p, http.StatusOK, c, err)
}

func (rt Routes) recordAction(w http.ResponseWriter, r *http.Request) {
	p, id, req, ok := changeRequest[actionRequest](rt, w, r, maxActionBody)
	if !ok {
		return
	}
	c, err := rt.Act.Record.Do(r.Context(), p, id, prevention.ActionInput{Kind: req.Kind, OccurredOn: req.OccurredOn,
		Outcome: req.Outcome, OutcomeText: req.OutcomeText})
	rt.answerChange(w, r, p, http.StatusCreated, c, err)
}

func (rt Routes) closeCase(w http.ResponseWriter, r *http.Request) {
	p, id, req, ok := changeRequest[reasonRequest](rt, w, r, maxReasonBody)
	if !ok {
		return
	}
	c, err := rt.Act.Close.Do(r.Context(), p, id, req.Reason)
	rt.answerChange(w, r, p, http.StatusOK, c, err)
}

func (rt Routes) handBack(w http.ResponseWriter, r *http.Request) {
	p, id, req, ok := changeRequest[reasonRequest](rt, w, r, maxReasonBody)
	if !ok {
		return
	}
	c, err := rt.Act.HandBack.Do(r.Context(), p, id, req.Reason)
	if errors.Is(err, prevention.ErrNotAssigned) {
		auth.Forbid(w, r, "Seul un conseiller à qui le dossier est attribué peut le rendre.")
		return
	}
	rt.answerChange(w, r, p, http.StatusOK, c, err)
}

// changeRequest reads what a change of a case starts with: the caller,
// the path's case id and the body, strictly, at most limit bytes; on
// failure the answer is written and ok is false.
func changeRequest[T any](rt Routes, w http.ResponseWriter, r *http.Request, limit int64) (p auth.Principal, id string, req T, ok bool) {
	if p, ok = auth.PrincipalOf(w, r, rt.Log); !ok {
		return p, "", req, false
	}
	if id, ok = caseID(w, r); !ok {
		return p, "", req, false
	}
	if !httpserver.ReadJSON(w, r, limit, &req) {
		return p, "", req, false
	}
	return p, id, req, true
}

// answerChange writes the case after a change, or the change's error: 422
// naming each bad field, 409 for a case whose state refuses it, the rest as
// a read's (403 alike for an unknown case and one the caller may not
// touch).
func (rt Routes) answerChange(w http.ResponseWriter, r *http.Request, p auth.Principal, status int, c prevention.Case, err error) {
	var in *prevention.InvalidInput
	switch {
	case err == nil:
		w.Header().Set("Cache-Control", "no-store")
		httpserver.WriteJSON(w, status, caseJSONOf(c))
	case errors.As(err, &in):
		bad := make([]httpserver.FieldError, len(in.Fields))
		for i, f := range in.Fields {
			bad[i] = httpserver.FieldError{Field: f.Field, Code: f.Code, Message: f.Message}
		}
		httpserver.WriteProblem(w, r, httpserver.Problem{Status: http.StatusUnprocessableEntity, Title: "Demande invalide", Errors: bad})
	case errors.Is(err, prevention.ErrClosed):
		conflict(w, r, "Le dossier est clos : il ne change plus.")
	case errors.Is(err, prevention.ErrAlreadyTaken):
		conflict(w, r, "Le dossier est déjà pris en charge.")
	case errors.Is(err, prevention.ErrNotTakenInCharge):
		conflict(w, r, "Prenez d'abord le dossier en charge.")
	default:
		rt.fail(w, r, p, err, forbiddenAct)
	}
}

const forbiddenAct = "Ce dossier n'existe pas ou vous n'y avez pas accès : un dossier de difficulté n'est suivi que par " +
	"les conseillers qui en sont chargés et par la cellule de prévention des chambres concernées."

func conflict(w http.ResponseWriter, r *http.Request, detail string) {
	httpserver.WriteProblem(w, r, httpserver.Problem{Status: http.StatusConflict, Title: "Action impossible dans l'état du dossier", Detail: detail})
}
