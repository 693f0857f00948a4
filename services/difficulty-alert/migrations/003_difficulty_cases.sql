-- Prevention cases: one per intake difficulty report. Confidential: what
-- intake's event carries (codes, score, level, routing), never the SIRET,
-- the commune, contact details or free text.
CREATE TABLE difficulty_cases (
    case_id               uuid        PRIMARY KEY,
    request_id            uuid        NOT NULL UNIQUE,
    chamber               text        NOT NULL CHECK (chamber IN ('CCI', 'CMA')),
    secondary_chamber     text        CHECK (secondary_chamber IN ('CCI', 'CMA') AND secondary_chamber <> chamber),
    -- The assigned prevention advisors, lead chamber's first (may be empty).
    advisor_ids           text[]      NOT NULL,
    status                text        NOT NULL,
    level                 text        NOT NULL CHECK (level IN ('none', 'vigilance', 'call_back')),
    score                 integer     NOT NULL CHECK (score BETWEEN 0 AND 100),
    kinds                 text[]      NOT NULL,
    questionnaire_version text        NOT NULL,
    naf_code              text,
    naf_version           text,
    departement           text        NOT NULL,
    epci                  text,
    routing_rule          text        NOT NULL,
    routing_reason        text        NOT NULL,
    routing_rules_version text,
    out_of_territory      boolean     NOT NULL,
    reported_at           timestamptz NOT NULL,
    opened_at             timestamptz NOT NULL,
    updated_at            timestamptz NOT NULL
);

-- What the list query of an advisor and of a prevention cell looks up.
CREATE INDEX difficulty_cases_advisors ON difficulty_cases USING gin (advisor_ids);
CREATE INDEX difficulty_cases_chamber ON difficulty_cases (chamber, case_id);
CREATE INDEX difficulty_cases_secondary ON difficulty_cases (secondary_chamber, case_id) WHERE secondary_chamber IS NOT NULL;
