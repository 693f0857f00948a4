package mailer

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	gomail "github.com/wneessen/go-mail"
)

// Sender sends e-mails to an SMTP relay with go-mail, one connection per
// e-mail: the volume is low, and a fresh connection never inherits a
// broken one's state. Its errors never carry addresses or content:
// go-mail's own error texts name the recipients, so a failed delivery is
// reported by its SMTP codes only.
type Sender struct {
	host string
	from string
	opts []gomail.Option
}

// NewSender checks the SMTP settings and the sender's address (the
// service's MAIL_FROM, e.g. `Les chambres <ne-pas-repondre@example.org>`).
func NewSender(cfg Config, from string) (*Sender, error) {
	u, err := url.Parse(cfg.SMTPURL)
	if err != nil || u.Hostname() == "" {
		return nil, errors.New("SMTP_URL: want smtp://[user:password@]host[:port] or smtps://[user:password@]host[:port]")
	}
	opts, err := transport(u, cfg.SMTPTLS)
	if err != nil {
		return nil, err
	}
	opts = append(opts, gomail.WithTimeout(cfg.SMTPTimeout))
	if u.User != nil {
		pw, _ := u.User.Password()
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover),
			gomail.WithUsername(u.User.Username()), gomail.WithPassword(pw))
	}
	if err := gomail.NewMsg().From(from); err != nil {
		return nil, errors.New("MAIL_FROM: not an address")
	}
	if _, err := gomail.NewClient(u.Hostname(), opts...); err != nil {
		return nil, fmt.Errorf("SMTP settings: %w", err)
	}
	return &Sender{host: u.Hostname(), from: from, opts: opts}, nil
}

// transport is the port and TLS options of an SMTP URL.
func transport(u *url.URL, tlsPolicy string) ([]gomail.Option, error) {
	var opts []gomail.Option
	port := 465
	switch u.Scheme {
	case "smtps":
		opts = append(opts, gomail.WithSSL())
	case "smtp":
		policy, err := policyOf(tlsPolicy)
		if err != nil {
			return nil, err
		}
		opts = append(opts, gomail.WithTLSPolicy(policy))
		port = 587
	default:
		return nil, fmt.Errorf("SMTP_URL: scheme %q, want smtp or smtps", u.Scheme)
	}
	if p := u.Port(); p != "" {
		var err error
		if port, err = strconv.Atoi(p); err != nil {
			return nil, fmt.Errorf("SMTP_URL: port %q is not a number", p)
		}
	}
	return append(opts, gomail.WithPort(port)), nil
}

func policyOf(s string) (gomail.TLSPolicy, error) {
	switch s {
	case "mandatory":
		return gomail.TLSMandatory, nil
	case "opportunistic":
		return gomail.TLSOpportunistic, nil
	case "none":
		return gomail.NoTLS, nil
	}
	return 0, fmt.Errorf("SMTP_TLS %q: want mandatory, opportunistic or none", s)
}

// Domain is the domain of the sender's address, which names the sender
// in Message-IDs.
func (s *Sender) Domain() string {
	addr := strings.TrimSuffix(s.from, ">")
	if i := strings.LastIndex(addr, "@"); i >= 0 {
		return addr[i+1:]
	}
	return "localhost"
}

// Send delivers m. A refusal for good wraps ErrRejected; other errors are
// worth retrying. No error names the recipient or repeats the content.
func (s *Sender) Send(ctx context.Context, m Message) error {
	msg, err := s.compose(m)
	if err != nil {
		return err
	}
	c, err := gomail.NewClient(s.host, s.opts...)
	if err != nil {
		return fmt.Errorf("smtp client: %w", err)
	}
	conn, err := c.DialToSMTPClientWithContext(ctx)
	if err != nil {
		return fmt.Errorf("smtp connect: %s", safeText(err))
	}
	sendErr := c.SendWithSMTPClient(conn, msg)
	_ = c.CloseWithSMTPClient(conn) // the outcome is known; a failed QUIT changes nothing
	if sendErr != nil {
		return sanitize(sendErr)
	}
	return nil
}

func (s *Sender) compose(m Message) (*gomail.Msg, error) {
	msg := gomail.NewMsg()
	if err := msg.From(s.from); err != nil {
		return nil, fmt.Errorf("sender address: %w", ErrRejected)
	}
	if err := msg.AddToFormat(m.ToName, m.To); err != nil {
		return nil, fmt.Errorf("recipient address invalid: %w", ErrRejected)
	}
	msg.Subject(m.Subject)
	msg.SetMessageIDWithValue(m.MessageID)
	msg.SetDate()
	// Transactional and automatic: auto-responders stay quiet.
	msg.SetGenHeader(gomail.Header("Auto-Submitted"), "auto-generated")
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	if m.HTML != "" {
		msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	}
	return msg, nil
}

// sanitize keeps the SMTP codes of a delivery error and drops its text.
func sanitize(err error) error {
	var se *gomail.SendError
	if !errors.As(err, &se) {
		return errors.New("smtp send failed")
	}
	desc := fmt.Sprintf("smtp %s: code %d", se.Reason, se.ErrorCode())
	if esc := se.EnhancedStatusCode(); esc != "" {
		desc += " (" + esc + ")"
	}
	if se.ErrorCode() >= 500 && !se.IsTemp() {
		return fmt.Errorf("%s: %w", desc, ErrRejected)
	}
	return errors.New(desc)
}

// safeText is the text of a connection error: these name the server, not
// the recipient, but are capped so that a chatty server cannot fill logs.
func safeText(err error) string {
	s := err.Error()
	if len(s) > 300 {
		s = s[:300]
	}
	return s
}
