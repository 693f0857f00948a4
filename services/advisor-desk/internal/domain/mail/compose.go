package mail

import (
	"bytes"
	"fmt"
	"html/template"
	"strings"
	"time"
)

// Message is a composed e-mail (its Message-ID is the mailer's, derived
// from the e-mail's key).
type Message struct {
	To      string
	ToName  string
	Subject string
	Text    string
	HTML    string
}

// Composer writes e-mails in French, with absolute links to the desk.
type Composer struct {
	// BaseURL is the advisor desk's public address (no trailing slash).
	BaseURL string
	// Zone shows dates as advisors read them.
	Zone *time.Location
}

// Compose writes the e-mail for out; ok=false when it reports nothing.
func (c Composer) Compose(out Outgoing) (Message, bool) {
	if len(out.Items) == 0 {
		return Message{}, false
	}
	m := Message{To: out.Address, ToName: out.Name}
	view := mailView{Name: out.Name}
	for _, it := range out.Items {
		view.Items = append(view.Items, itemView{Title: it.Title, Body: it.Body, URL: c.BaseURL + it.Link,
			At: it.CreatedAt.In(c.Zone).Format("02/01/2006 15:04")})
	}
	if out.Kind == KindDigest {
		date := out.CoversUntil.In(c.Zone).Format("02/01/2006")
		m.Subject = fmt.Sprintf("[CCI-CMA] Récapitulatif du %s : %s", date, plural(len(out.Items)))
		view.Intro = fmt.Sprintf("Voici le récapitulatif de vos notifications (%s).", plural(len(out.Items)))
		view.Why = "Vous recevez ce récapitulatif quotidien selon votre préférence de courriel, modifiable dans votre espace conseiller."
	} else {
		m.Subject = "[CCI-CMA] " + out.Items[0].Title
		view.Intro = "Vous avez une nouvelle notification."
		view.Why = "Vous recevez un courriel par notification selon votre préférence de courriel, modifiable dans votre espace conseiller."
	}
	m.Text = view.text()
	m.HTML = view.html()
	return m, true
}

func plural(n int) string {
	if n == 1 {
		return "1 notification"
	}
	return fmt.Sprintf("%d notifications", n)
}

type itemView struct{ Title, Body, URL, At string }

type mailView struct {
	Name, Intro, Why string
	Items            []itemView
}

func (v mailView) text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Bonjour %s,\n\n%s\n", v.Name, v.Intro)
	for _, it := range v.Items {
		fmt.Fprintf(&b, "\n%s (%s)\n%s\nVoir : %s\n", it.Title, it.At, it.Body, it.URL)
	}
	fmt.Fprintf(&b, "\n-- \n%s\nLes chambres CCI et CMA. Ce message est automatique : merci de ne pas y répondre.\n", v.Why)
	return b.String()
}

var page = template.Must(template.New("mail").Parse(`<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8"><title>Notifications</title></head>
<body>
<p>Bonjour {{.Name}},</p>
<p>{{.Intro}}</p>
<ul>{{range .Items}}
<li><p><strong>{{.Title}}</strong> ({{.At}})<br>{{.Body}}<br><a href="{{.URL}}">Voir le dossier</a></p></li>{{end}}
</ul>
<p><small>{{.Why}} Les chambres CCI et CMA. Ce message est automatique : merci de ne pas y répondre.</small></p>
</body></html>
`))

func (v mailView) html() string {
	var b bytes.Buffer
	if err := page.Execute(&b, v); err != nil {
		return "" // the text part alone still carries everything
	}
	return b.String()
}
