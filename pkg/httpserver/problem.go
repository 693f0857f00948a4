package httpserver

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// Problem is an RFC 9457 problem details document. Errors lists each bad
// field of a request, so a client can show it beside the field.
type Problem struct {
	Type     string       `json:"type,omitempty"`
	Title    string       `json:"title"`
	Status   int          `json:"status"`
	Detail   string       `json:"detail,omitempty"`
	Instance string       `json:"instance,omitempty"`
	Errors   []FieldError `json:"errors,omitempty"`
}

// FieldError names one invalid field (a JSON pointer-like dotted path) and
// says what is wrong, in French.
type FieldError struct {
	Field   string `json:"field"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

// WriteProblem writes p as application/problem+json.
func WriteProblem(w http.ResponseWriter, r *http.Request, p Problem) {
	if p.Type == "" {
		p.Type = "about:blank"
	}
	if p.Instance == "" && r != nil {
		p.Instance = r.URL.Path
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(p.Status)
	_ = json.NewEncoder(w).Encode(p)
}

// WriteJSON writes v as JSON with the given status.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// ReadJSON is DecodeJSON for a handler: on failure it writes the problem
// and returns false.
func ReadJSON(w http.ResponseWriter, r *http.Request, limit int64, dst any) bool {
	if bad := DecodeJSON(w, r, limit, dst); bad != nil {
		WriteProblem(w, r, *bad)
		return false
	}
	return true
}

// NoBody refuses a body on a call that takes none (strict input), the
// problem written: an empty body, or an empty JSON object, passes.
func NoBody(w http.ResponseWriter, r *http.Request) bool {
	if r.ContentLength == 0 {
		return true
	}
	var none struct{}
	return ReadJSON(w, r, 64, &none)
}

// DecodeJSON reads one JSON object from the body into dst, strictly: at most
// limit bytes, no unknown field, nothing after the object. On failure it
// returns the problem to send (400 or 413 or 415).
func DecodeJSON(w http.ResponseWriter, r *http.Request, limit int64, dst any) *Problem {
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(ct, "application/json") {
		return &Problem{Status: http.StatusUnsupportedMediaType, Title: "Type de contenu non pris en charge",
			Detail: "Envoyez un corps application/json."}
	}
	body := http.MaxBytesReader(w, r.Body, limit)
	dec := json.NewDecoder(body)
	dec.DisallowUnknownFields()
	err := dec.Decode(dst)
	if err == nil {
		if _, extra := dec.Token(); extra != io.EOF {
			err = errors.New("trailing data after the JSON object")
		}
	}
	if err == nil {
		return nil
	}
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return &Problem{Status: http.StatusRequestEntityTooLarge, Title: "Requête trop volumineuse",
			Detail: fmt.Sprintf("Le corps de la requête dépasse %d octets.", limit)}
	}
	p := &Problem{Status: http.StatusBadRequest, Title: "Requête illisible", Detail: "Le corps n'est pas un objet JSON valide."}
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	switch {
	case errors.As(err, &typeErr) && typeErr.Field == "":
		p.Detail = "Un objet JSON est attendu."
	case errors.As(err, &typeErr):
		p.Errors = []FieldError{{Field: typeErr.Field, Code: "type", Message: "Type de valeur incorrect (" + typeErr.Value + ")."}}
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		p.Errors = []FieldError{{Field: name, Code: "unknown", Message: "Champ inconnu."}}
	case errors.As(err, &syntaxErr):
		p.Detail = fmt.Sprintf("JSON invalide à l'octet %d.", syntaxErr.Offset)
	case errors.Is(err, io.EOF):
		p.Detail = "Le corps de la requête est vide."
	}
	return p
}
