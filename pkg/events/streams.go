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

// RedriveStream holds events sent back to one consumer: dead letters
// redriven and streams replayed by ops (platformctl). A message's subject
// is RedrivePrefix.<service>.<the event's own subject>; each service reads
// its own subjects through a durable of its name, which hands the event to
// the consumer that handles its subject.
const (
	RedriveStream = "REDRIVE"
	RedrivePrefix = "redrive"
)

// RedriveSubject is the subject that sends an event of subject to
// service's consumers.
func RedriveSubject(service, subject string) string {
	return RedrivePrefix + "." + service + "." + subject
}

// StreamFor returns the stream of a producer token.
func StreamFor(producer string) (Stream, bool) {
	for _, s := range []Stream{StreamIntake, StreamCreation, StreamTakeover, StreamDifficulty, StreamAdvisor} {
		if s.Producer == producer {
			return s, true
		}
	}
	return Stream{}, false
}
