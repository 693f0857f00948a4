-- Buyers' daily digest of new listings (takeover-matching's
-- takeover.match.proposed above BUYER_DIGEST_MIN_SCORE). Intake keeps, from
-- the TAKEOVER stream, what the digest needs and nothing that identifies a
-- seller: the buyer request behind each search, each listing's anonymous
-- teaser (codes and bands), the life of both, and the matches waiting for a
-- digest. Each row keeps the time of the last status applied, so that late
-- or repeated events never move a status back.

-- A buyer's search: its intake request (NULL until takeover.search.registered
-- is applied) and its status (draft, open, paused, withdrawn, concluded,
-- expired).
CREATE TABLE takeover_searches (
    search_id   uuid        PRIMARY KEY,
    request_id  uuid,
    status      text,
    status_at   timestamptz
);

CREATE INDEX takeover_searches_request ON takeover_searches (request_id);

-- A listing: its status and its published teaser (the sector at the NAF
-- level the seller accepted, bands, deal types, timeline) with the
-- business's département from takeover.offer.registered. Never the
-- commune, EPCI, SIRET, name or any free text.
CREATE TABLE takeover_listings (
    offer_id        uuid        PRIMARY KEY,
    departement     text,
    status          text,
    status_at       timestamptz,
    sector          text,
    sector_level    text,
    revenue_band    text,
    profit_band     text,
    headcount_band  text,
    price_band      text,
    deal_types      text[],
    timeline        text
);

-- A match proposed to a buyer's search with a score at or above the
-- threshold, until a digest names it (digest_day, the buyer's request), or
-- forever left out when the match was dropped or concluded (closed_at).
CREATE TABLE buyer_digest_matches (
    match_id     uuid        PRIMARY KEY,
    search_id    uuid        NOT NULL,
    offer_id     uuid        NOT NULL,
    score        int         NOT NULL CHECK (score BETWEEN 0 AND 100),
    proposed_at  timestamptz NOT NULL,
    closed_at    timestamptz,
    request_id   uuid,
    digest_day   date
);

CREATE INDEX buyer_digest_matches_pending ON buyer_digest_matches (search_id) WHERE digest_day IS NULL AND closed_at IS NULL;
CREATE INDEX buyer_digest_matches_digest ON buyer_digest_matches (request_id, digest_day) WHERE digest_day IS NOT NULL;

-- One digest a buyer request and day (Europe/Paris): the primary key is
-- what keeps replicas from sending two.
CREATE TABLE buyer_digests (
    request_id  uuid        NOT NULL REFERENCES requests (request_id),
    day         date        NOT NULL,
    listings    int         NOT NULL,
    created_at  timestamptz NOT NULL,
    PRIMARY KEY (request_id, day)
);
