package mailcatch

import (
	"html/template"
	"net/http"
	"strconv"
	"strings"
)

// Handler serves the caught e-mails: the list, newest first, at "/", each
// e-mail's plain text at "/{n}" and its HTML part, as sent, at "/{n}/html".
// The HTML part is served under a sandboxing Content-Security-Policy: it is
// the platform's own mail, but a catcher shows whatever it was sent.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", s.list)
	mux.HandleFunc("GET /{n}", s.text)
	mux.HandleFunc("GET /{n}/html", s.html)
	return mux
}

type listed struct {
	N        int
	Received string
	From     string
	To       string
	Subject  string
}

var listPage = template.Must(template.New("list").Parse(`<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>Courriels envoyés par la plateforme</title></head>
<body><main>
<h1>Courriels envoyés par la plateforme ({{len .}})</h1>
<p>Ces courriels n'ont été remis à personne : le serveur de développement les garde en mémoire.</p>
{{if .}}<table>
<caption>Du plus récent au plus ancien</caption>
<thead><tr><th scope="col">Reçu à</th><th scope="col">De</th><th scope="col">À</th><th scope="col">Objet</th><th scope="col">Version HTML</th></tr></thead>
<tbody>{{range .}}<tr><td>{{.Received}}</td><td>{{.From}}</td><td>{{.To}}</td>
<td><a href="{{.N}}">{{.Subject}}</a></td><td><a href="{{.N}}/html">HTML de « {{.Subject}} »</a></td></tr>
{{end}}</tbody></table>{{else}}<p>Aucun courriel pour l'instant.</p>{{end}}
</main></body></html>`))

func (s *Server) list(w http.ResponseWriter, _ *http.Request) {
	msgs := s.Messages()
	rows := make([]listed, 0, len(msgs))
	for i := len(msgs) - 1; i >= 0; i-- {
		m := msgs[i]
		rows = append(rows, listed{N: i + 1, Received: m.Received.Format("02/01/2006 15:04:05"),
			From: m.From, To: strings.Join(m.To, ", "), Subject: m.Header("Subject")})
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_ = listPage.Execute(w, rows) // a failed write is the reader's gone connection
}

// message returns the n-th message (from 1) of the path, or answers 404.
func (s *Server) message(w http.ResponseWriter, r *http.Request) (Message, bool) {
	msgs := s.Messages()
	n, err := strconv.Atoi(r.PathValue("n"))
	if err != nil || n < 1 || n > len(msgs) {
		http.Error(w, "Courriel introuvable.", http.StatusNotFound)
		return Message{}, false
	}
	return msgs[n-1], true
}

func (s *Server) text(w http.ResponseWriter, r *http.Request) {
	m, ok := s.message(w, r)
	if !ok {
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	var b strings.Builder
	for _, h := range []string{"From", "To", "Subject", "Date"} {
		b.WriteString(h + ": " + m.Header(h) + "\n")
	}
	b.WriteString("\n" + m.Text())
	_, _ = w.Write([]byte(b.String()))
}

func (s *Server) html(w http.ResponseWriter, r *http.Request) {
	m, ok := s.message(w, r)
	if !ok {
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Security-Policy", "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:")
	_, _ = w.Write([]byte(m.HTML()))
}
