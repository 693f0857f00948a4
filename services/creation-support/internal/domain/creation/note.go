package creation

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// MaxNoteRunes bounds a follow-up note.
const MaxNoteRunes = 4000

// Note is an advisor's follow-up note on a case. It belongs to the
// author's chamber: the other chamber never reads it unless it is
// explicitly shared. Notes never leave this service in events.
type Note struct {
	ID        int64
	CaseID    string
	Chamber   string // the author's chamber
	AuthorID  string
	Text      string
	Shared    bool // readable by the other chamber too
	WrittenAt time.Time
}

// NewNote checks a note's text; the error is an *InvalidInput.
func NewNote(caseID, chamber, authorID, text string, shared bool, now time.Time) (Note, error) {
	text = strings.TrimSpace(text)
	switch n := utf8.RuneCountInString(text); {
	case n == 0:
		return Note{}, &InvalidInput{Fields: []FieldProblem{{"text", "required", "La note est vide."}}}
	case n > MaxNoteRunes:
		return Note{}, &InvalidInput{Fields: []FieldProblem{{"text", "too_long", fmt.Sprintf("%d caractères au plus.", MaxNoteRunes)}}}
	}
	return Note{CaseID: caseID, Chamber: chamber, AuthorID: authorID, Text: text, Shared: shared, WrittenAt: now.UTC()}, nil
}

// ReadableBy tells whether an advisor of chamber may read the note: its
// own chamber's notes, and the other's when shared.
func (n Note) ReadableBy(chamber string) bool { return n.Chamber == chamber || n.Shared }
