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

-- (The projection of advisor-desk's directory, the advisors table with the
-- open case count this service maintains, was created here; it comes now
-- from pkg/directory/projection's migration set, applied before this one.)
