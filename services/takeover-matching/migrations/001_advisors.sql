-- Projection of advisor-desk's directory (advisor.directory.updated events),
-- which assignment will need. Filled once the service consumes events.
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
