package httpapi

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"time"

	"github.com/ccicma/platform/pkg/auth"
	"github.com/ccicma/platform/pkg/httpserver"

	"github.com/ccicma/platform/services/takeover-matching/internal/domain/takeover"
)

// MatchStepper takes the steps of a match's introduction
// (app.TakeMatchStep).
type MatchStepper interface {
	Take(ctx context.Context, p auth.Principal, id string, a takeover.Action) (takeover.Introduction, error)
}

// stepsWithBody are the steps that take input.
var stepsWithBody = []string{takeover.StepAcceptUndertaking, takeover.StepConclude, takeover.StepDrop}

// stepJSON is the body of the steps that take input: version and
// accepted_on (accept-undertaking), deal_date (conclude), reason (drop).
type stepJSON struct {
	Version    string `json:"version,omitempty"`
	AcceptedOn string `json:"accepted_on,omitempty"`
	DealDate   string `json:"deal_date,omitempty"`
	Reason     string `json:"reason,omitempty"`
}

// maxStepBytes bounds a step's body: a few short codes and dates.
const maxStepBytes = 1 << 10

// takeStep takes one step (step) on a match: 200 with the match as the
// reader now sees it; 403 when the step is another person's, 409 when the
// match's stage does not allow it, 422 naming each bad field.
func (rt Routes) takeStep(step string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		p, ok := auth.PrincipalOf(w, r, rt.Log)
		if !ok {
			return
		}
		a, bad := readAction(w, r, step)
		if bad != nil {
			httpserver.WriteProblem(w, r, *bad)
			return
		}
		id := r.PathValue("id")
		_, err := rt.Stepper.Take(r.Context(), p, id, a)
		var invalid *takeover.StepError
		switch {
		case errors.As(err, &invalid):
			httpserver.WriteProblem(w, r, stepProblem(invalid.Fields))
		case errors.Is(err, takeover.ErrWrongPerson):
			auth.Forbid(w, r, "Cette étape revient à un conseiller de l'autre partie, ou vous n'êtes conseiller d'aucune des deux.")
		case errors.Is(err, takeover.ErrWrongStage):
			httpserver.WriteProblem(w, r, httpserver.Problem{Status: http.StatusConflict, Title: "Étape impossible à ce stade",
				Detail: "La mise en relation n'en est pas à cette étape, ou elle a déjà été franchie."})
		case err != nil:
			rt.fail(w, r, "take match step", "Mise en relation inconnue", err)
		default:
			rt.getMatch(w, r)
		}
	}
}

// readAction reads the step's input; a date that is not AAAA-MM-JJ is a
// bad field.
func readAction(w http.ResponseWriter, r *http.Request, step string) (takeover.Action, *httpserver.Problem) {
	a := takeover.Action{Step: step}
	if !slices.Contains(stepsWithBody, step) {
		return a, nil
	}
	var in stepJSON
	if bad := httpserver.DecodeJSON(w, r, maxStepBytes, &in); bad != nil {
		return a, bad
	}
	a.Reason, a.Undertaking.Version = in.Reason, in.Version
	bad := map[string]string{}
	for field, v := range map[string]struct {
		text string
		into *time.Time
	}{"accepted_on": {in.AcceptedOn, &a.Undertaking.AcceptedOn}, "deal_date": {in.DealDate, &a.DealDate}} {
		if v.text == "" {
			continue
		}
		d, err := time.Parse(time.DateOnly, v.text)
		if err != nil {
			bad[field] = "Écrivez la date sous la forme AAAA-MM-JJ."
		}
		*v.into = d
	}
	if len(bad) > 0 {
		p := stepProblem(bad)
		return a, &p
	}
	return a, nil
}

// stepProblem is the 422 naming each bad field of a step.
func stepProblem(fields map[string]string) httpserver.Problem {
	names := make([]string, 0, len(fields))
	for f := range fields {
		names = append(names, f)
	}
	slices.Sort(names)
	errs := make([]httpserver.FieldError, len(names))
	for i, f := range names {
		errs[i] = httpserver.FieldError{Field: f, Code: "invalid", Message: fields[f]}
	}
	return httpserver.Problem{Status: http.StatusUnprocessableEntity, Title: "Étape incomplète", Errors: errs}
}
