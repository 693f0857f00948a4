-- Creation cases: one per intake creation request.
CREATE TABLE creation_cases (
    case_id           uuid        PRIMARY KEY,
    request_id        uuid        NOT NULL UNIQUE,
    chamber           text        NOT NULL CHECK (chamber IN ('CCI', 'CMA')),
    secondary_chamber text        CHECK (secondary_chamber IN ('CCI', 'CMA')),
    advisor_id        text,
    stage             text        NOT NULL,
    naf_code          text,
    commune_code      text        NOT NULL,
    departement       text        NOT NULL,
    routing_rule      text        NOT NULL,
    opened_at         timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL
);

CREATE INDEX creation_cases_advisor ON creation_cases (advisor_id) WHERE advisor_id IS NOT NULL;

-- Projection of advisor-desk's directory (advisor.directory.updated events):
-- what assignment needs, plus the open case count this service maintains.
CREATE TABLE advisors (
    advisor_id   text        PRIMARY KEY,
    revision     bigint      NOT NULL,
    chamber      text        NOT NULL,
    departements text[]      NOT NULL,
    specialities text[]      NOT NULL,
    capacity     integer     NOT NULL,
    active       boolean     NOT NULL,
    open_cases   integer     NOT NULL DEFAULT 0,
    updated_at   timestamptz NOT NULL
);

CREATE INDEX advisors_assignable ON advisors (chamber, open_cases) WHERE active;
