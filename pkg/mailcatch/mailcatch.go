// Package mailcatch is a real SMTP server that keeps what it accepts
// instead of delivering it, built with go-smtp: tests send the platform's
// e-mails to it and read them back (and can make it refuse the next ones
// with a given reply code); devstack runs one so that a newcomer reads the
// e-mails of `make run` on a web page (Handler) instead of in nobody's
// mailbox. Messages stay in memory; it offers no TLS and no
// authentication, so it listens on loopback only.
package mailcatch

import (
	"bytes"
	"fmt"
	"io"
	"log"
	"mime"
	"mime/multipart"
	"net"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

// Message is an accepted message.
type Message struct {
	From     string
	To       []string
	Raw      string
	Received time.Time
}

// Header returns a decoded header field of the message.
func (m Message) Header(name string) string {
	msg, err := mail.ReadMessage(strings.NewReader(m.Raw))
	if err != nil {
		return ""
	}
	v := msg.Header.Get(name)
	if d, err := new(mime.WordDecoder).DecodeHeader(v); err == nil {
		return d
	}
	return v
}

// Text returns the decoded text/plain part.
func (m Message) Text() string { return m.part("text/plain") }

// HTML returns the decoded text/html part.
func (m Message) HTML() string { return m.part("text/html") }

func (m Message) part(want string) string {
	msg, err := mail.ReadMessage(strings.NewReader(m.Raw))
	if err != nil {
		return ""
	}
	return findPart(msg.Header.Get("Content-Type"), msg.Header.Get("Content-Transfer-Encoding"), msg.Body, want)
}

func findPart(contentType, encoding string, body io.Reader, want string) string {
	mt, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return ""
	}
	if strings.HasPrefix(mt, "multipart/") {
		r := multipart.NewReader(body, params["boundary"])
		for {
			p, err := r.NextRawPart()
			if err != nil {
				return ""
			}
			if s := findPart(p.Header.Get("Content-Type"), p.Header.Get("Content-Transfer-Encoding"), p, want); s != "" {
				return s
			}
		}
	}
	if mt != want {
		return ""
	}
	raw, _ := io.ReadAll(body)
	return decode(encoding, raw)
}

// Server is a running catcher.
type Server struct {
	srv  *smtp.Server
	addr string

	mu       sync.Mutex
	messages []Message
	refusals []int // reply codes for the next DATA commands
	attempts int
}

// Listen starts a catcher on addr ("127.0.0.1:0" picks a free port).
func Listen(addr string) (*Server, error) {
	s := &Server{}
	s.srv = smtp.NewServer(backend{s})
	s.srv.Domain = "localhost"
	s.srv.MaxMessageBytes = maxMessageBytes
	s.srv.ErrorLog = log.New(io.Discard, "", 0)
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("mail catcher: %w", err)
	}
	s.addr = l.Addr().String()
	go func() { _ = s.srv.Serve(l) }()
	return s, nil
}

// Start starts a catcher on a loopback port for a test, closed at its end.
func Start(t testing.TB) *Server {
	t.Helper()
	s, err := Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// maxMessageBytes bounds one message: the platform's e-mails are a few
// kilobytes, and the catcher keeps everything in memory.
const maxMessageBytes = 1 << 20

// Close stops the server.
func (s *Server) Close() error { return s.srv.Close() }

// Addr is the server's host:port.
func (s *Server) Addr() string { return s.addr }

// URL is the server's smtp:// URL (no TLS: use SMTP_TLS=none).
func (s *Server) URL() string { return "smtp://" + s.addr }

// Refuse makes the next DATA commands fail with these reply codes, in
// order (e.g. 451 for a temporary failure, 554 for a final one).
func (s *Server) Refuse(codes ...int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refusals = append(s.refusals, codes...)
}

// Messages returns the messages accepted so far.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.messages...)
}

// Attempts counts the DATA commands received, accepted or refused.
func (s *Server) Attempts() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.attempts
}

type backend struct{ s *Server }

func (b backend) NewSession(*smtp.Conn) (smtp.Session, error) { return &session{s: b.s}, nil }

type session struct {
	s    *Server
	from string
	to   []string
}

func (x *session) Reset()        { x.from, x.to = "", nil }
func (x *session) Logout() error { return nil }

func (x *session) Mail(from string, _ *smtp.MailOptions) error {
	x.from = from
	return nil
}

func (x *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	x.to = append(x.to, to)
	return nil
}

func (x *session) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	x.s.mu.Lock()
	defer x.s.mu.Unlock()
	x.s.attempts++
	if len(x.s.refusals) > 0 {
		code := x.s.refusals[0]
		x.s.refusals = x.s.refusals[1:]
		return &smtp.SMTPError{Code: code, EnhancedCode: smtp.EnhancedCode{code / 100, 0, 0}, Message: "refused by the test server"}
	}
	x.s.messages = append(x.s.messages, Message{From: x.from, To: append([]string(nil), x.to...), Raw: string(raw),
		Received: time.Now()})
	return nil
}

func decode(encoding string, raw []byte) string {
	switch strings.ToLower(encoding) {
	case "quoted-printable":
		b, err := io.ReadAll(quotedPrintable(raw))
		if err != nil {
			return ""
		}
		return string(b)
	case "base64":
		b, err := base64Decode(raw)
		if err != nil {
			return ""
		}
		return string(b)
	case "", "7bit", "8bit", "binary":
		return string(raw)
	}
	return string(bytes.TrimSpace(raw))
}
