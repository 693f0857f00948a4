-- Concerns raised about a business for sale by an advisor of the offer's
-- chambers (takeover.Concern): codes only, as the event
-- takeover.offer.difficulty_seen carries them. At most one an offer a UTC
-- day, whoever raises it: raised_on is the UTC day of raised_at, and the
-- unique key, which also serves the offer's reads newest first, holds the
-- rule. The schema's owner is the service's role (pgdb.Provision), as for
-- every table here: no grant to add, and PUBLIC has none.
CREATE TABLE offer_difficulty_concerns (
    concern_id uuid        PRIMARY KEY,
    offer_id   uuid        NOT NULL REFERENCES takeover_offers,
    advisor_id text        NOT NULL,
    concerns   text[]      NOT NULL CHECK (cardinality(concerns) > 0),
    raised_at  timestamptz NOT NULL,
    raised_on  date        NOT NULL CHECK (raised_on = (raised_at AT TIME ZONE 'UTC')::date),
    UNIQUE (offer_id, raised_on)
);
