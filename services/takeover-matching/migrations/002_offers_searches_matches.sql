-- (The advisors table's absences, territory and roles, added here before,
-- come with pkg/directory/projection's migration set.)

-- Businesses for sale: one per intake request. A confidential offer has
-- no SIRET and no commune, and the table refuses them.
CREATE TABLE takeover_offers (
    offer_id          uuid        PRIMARY KEY,
    request_id        uuid        NOT NULL UNIQUE,
    chamber           text        NOT NULL CHECK (chamber IN ('CCI', 'CMA')),
    secondary_chamber text        CHECK (secondary_chamber IN ('CCI', 'CMA')),
    advisor_id        text,
    naf_code          text        NOT NULL,
    naf_levels        text[]      NOT NULL, -- division, group, class, sub-class: what search sectors are compared with
    departement       text        NOT NULL,
    region            text,
    commune_code      text,
    epci              text,
    siret             text,
    headcount         integer     NOT NULL,
    revenue_band      text        NOT NULL,
    profit_band       text        NOT NULL,
    asking_price      bigint      NOT NULL,
    deal_types        text[]      NOT NULL,
    reason            text        NOT NULL,
    timeline          text        NOT NULL,
    confidential      boolean     NOT NULL,
    status            text        NOT NULL DEFAULT 'open',
    registered_at     timestamptz NOT NULL,
    CHECK (NOT confidential OR (siret IS NULL AND commune_code IS NULL))
);

CREATE INDEX takeover_offers_chamber ON takeover_offers (chamber, offer_id);
CREATE INDEX takeover_offers_secondary ON takeover_offers (secondary_chamber, offer_id) WHERE secondary_chamber IS NOT NULL;
-- Candidate offers of a new search: by sector level and deal type.
CREATE INDEX takeover_offers_open_sectors ON takeover_offers USING gin (naf_levels) WHERE status = 'open';

-- Buyers' searches: one per intake request.
CREATE TABLE buyer_searches (
    search_id         uuid        PRIMARY KEY,
    request_id        uuid        NOT NULL UNIQUE,
    chamber           text        NOT NULL CHECK (chamber IN ('CCI', 'CMA')),
    secondary_chamber text        CHECK (secondary_chamber IN ('CCI', 'CMA')),
    advisor_id        text,
    sectors           text[]      NOT NULL,
    commune_codes     text[]      NOT NULL,
    epci_codes        text[]      NOT NULL,
    departements      text[]      NOT NULL,
    regions           text[]      NOT NULL,
    mobility          text        NOT NULL,
    budget_band       text        NOT NULL,
    contribution_band text        NOT NULL,
    headcount_min     integer     NOT NULL,
    headcount_max     integer     NOT NULL,
    deal_types        text[]      NOT NULL,
    timeline          text        NOT NULL,
    experience        text        NOT NULL,
    status            text        NOT NULL DEFAULT 'open',
    registered_at     timestamptz NOT NULL
);

CREATE INDEX buyer_searches_chamber ON buyer_searches (chamber, search_id);
CREATE INDEX buyer_searches_secondary ON buyer_searches (secondary_chamber, search_id) WHERE secondary_chamber IS NOT NULL;
-- Candidate searches of a new offer: by sector.
CREATE INDEX buyer_searches_open_sectors ON buyer_searches USING gin (sectors) WHERE status = 'open';

-- Proposed matches: at most one per (offer, search).
CREATE TABLE takeover_matches (
    match_id                 uuid        PRIMARY KEY,
    offer_id                 uuid        NOT NULL REFERENCES takeover_offers,
    search_id                uuid        NOT NULL REFERENCES buyer_searches,
    offer_chamber            text        NOT NULL,
    offer_secondary_chamber  text,
    search_chamber           text        NOT NULL,
    search_secondary_chamber text,
    offer_advisor_id         text,
    search_advisor_id        text,
    score                    integer     NOT NULL CHECK (score BETWEEN 0 AND 100),
    criteria                 text[]      NOT NULL,
    proposed_at              timestamptz NOT NULL,
    UNIQUE (offer_id, search_id)
);

CREATE INDEX takeover_matches_search ON takeover_matches (search_id);
