package events

// Stream describes the JetStream stream one producer owns.
type Stream struct {
	Name     string // stream name, e.g. "INTAKE"
	Producer string // first subject token, e.g. "intake"
}

// Subjects is the subject filter the stream captures.
func (s Stream) Subjects() []string { return []string{s.Producer + ".>"} }

// The platform's streams: one per producer, plus dead letters.
var (
	StreamIntake     = Stream{Name: "INTAKE", Producer: "intake"}
	StreamCreation   = Stream{Name: "CREATION", Producer: "creation"}
	StreamTakeover   = Stream{Name: "TAKEOVER", Producer: "takeover"}
	StreamDifficulty = Stream{Name: "DIFFICULTY", Producer: "difficulty"}
	StreamAdvisor    = Stream{Name: "ADVISOR", Producer: "advisor"}
)

// DeadLetterStream holds events a consumer gave up on, with the reason in
// headers, and the server's max-delivery advisories.
const (
	DeadLetterStream  = "DEADLETTER"
	DeadLetterPrefix  = "deadletter"
	MaxDeliveriesAdv  = "$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES"
	HeaderDeadReason  = "Dead-Reason"
	HeaderDeadSubject = "Dead-Subject"
	HeaderDeadStream  = "Dead-Stream"
	HeaderDeadSeq     = "Dead-Stream-Seq"
	HeaderDeadDeliver = "Dead-Deliveries"
	HeaderDeadConsume = "Dead-Consumer"
)

// StreamFor returns the stream of a producer token.
func StreamFor(producer string) (Stream, bool) {
	for _, s := range []Stream{StreamIntake, StreamCreation, StreamTakeover, StreamDifficulty, StreamAdvisor} {
		if s.Producer == producer {
			return s, true
		}
	}
	return Stream{}, false
}
