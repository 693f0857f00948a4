package natsembed

import (
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
)

// link is a loopback TCP forwarder carrying the route from one node to
// another. Routes go through links so that a node can be cut off from its
// peers at once, as a crash does: a server shut down in-process would
// otherwise first hand its leaderships over through its routes, and the
// cluster would never have to elect a leader after losing one.
type link struct {
	addr string // where the dialing node connects; fixed across cuts
	to   string // the route port of the node dialed

	mu    sync.Mutex
	ln    net.Listener // nil while cut
	conns map[net.Conn]struct{}
}

func newLink(addr, to string) *link {
	return &link{addr: addr, to: to, conns: map[net.Conn]struct{}{}}
}

// open listens on the link's address and forwards each connection.
func (l *link) open() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.ln != nil {
		return nil
	}
	ln, err := net.Listen("tcp", l.addr)
	if err != nil {
		return fmt.Errorf("open route link %s -> %s: %w", l.addr, l.to, err)
	}
	l.ln = ln
	go l.accept(ln)
	return nil
}

// cut closes the listener and every connection through it.
func (l *link) cut() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.ln != nil {
		_ = l.ln.Close()
		l.ln = nil
	}
	for c := range l.conns {
		_ = c.Close()
		delete(l.conns, c)
	}
}

func (l *link) accept(ln net.Listener) {
	for {
		in, err := ln.Accept()
		if errors.Is(err, net.ErrClosed) {
			return
		}
		if err != nil {
			continue
		}
		go l.forward(in)
	}
}

// forward copies both ways between in and the dialed node until either
// side closes or the link is cut.
func (l *link) forward(in net.Conn) {
	out, err := net.Dial("tcp", l.to)
	if err != nil {
		_ = in.Close()
		return
	}
	if !l.track(in, out) {
		return
	}
	done := make(chan struct{}, 2)
	pipe := func(dst, src net.Conn) {
		_, _ = io.Copy(dst, src)
		done <- struct{}{}
	}
	go pipe(out, in)
	go pipe(in, out)
	<-done
	l.untrack(in, out)
}

// track registers the pair unless the link was cut meanwhile, in which
// case it closes them.
func (l *link) track(conns ...net.Conn) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.ln == nil {
		for _, c := range conns {
			_ = c.Close()
		}
		return false
	}
	for _, c := range conns {
		l.conns[c] = struct{}{}
	}
	return true
}

func (l *link) untrack(conns ...net.Conn) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, c := range conns {
		_ = c.Close()
		delete(l.conns, c)
	}
}
