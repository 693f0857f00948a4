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

// StreamPrevention is the confidential stream that carries a business's
// SIREN (and SIRET) to difficulty-alert, and to no other service: intake
// writes the identity of a self-diagnosis report into it, creation-support
// the identity of a business a creation advisor saw in difficulty. Unlike
// the producers' streams, several services write into it (its "producer"
// token names the channel, not a service), and only difficulty-alert may
// read it: NATS permissions give no other service a consumer nor a message
// read on it (natsbus.Identity.Writes). Its events are in prevention.go.
var StreamPrevention = Stream{Name: "PREVENTION", Producer: "prevention"}

// ConfidentialStreams lists the streams several services write into and
// only one reads (natsbus.Identity.Writes); they are not producers'
// streams, and a service that consumes every domain stream (advisor-desk)
// must not read them.
func ConfidentialStreams() []Stream { return []Stream{StreamPrevention} }

// StreamFor returns the stream of a producer token, the confidential
// streams' tokens included.
func StreamFor(producer string) (Stream, bool) {
	for _, s := range []Stream{StreamIntake, StreamCreation, StreamTakeover, StreamDifficulty, StreamAdvisor, StreamPrevention} {
		if s.Producer == producer {
			return s, true
		}
	}
	return Stream{}, false
}
