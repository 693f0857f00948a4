-- Concerns raised about a registered business between two post-creation
-- checkpoints by its advisor or a manager of its lead chamber
-- (creation.Concern): codes only, as the event
-- creation.case.concern_raised carries them. At most one a case a UTC
-- day, whoever raises it: raised_on is the UTC day of raised_at, and the
-- unique key, which also serves the case's reads, holds the rule. The
-- schema's owner is the service's role (pgdb.Provision), as for every
-- table here: no grant to add, and PUBLIC has none.
CREATE TABLE case_difficulty_concerns (
    concern_id uuid        PRIMARY KEY,
    case_id    uuid        NOT NULL REFERENCES creation_cases (case_id),
    advisor_id text        NOT NULL,
    concerns   text[]      NOT NULL CHECK (cardinality(concerns) > 0),
    raised_at  timestamptz NOT NULL,
    raised_on  date        NOT NULL CHECK (raised_on = (raised_at AT TIME ZONE 'UTC')::date),
    UNIQUE (case_id, raised_on)
);
