-- Businesses and their difficulty scores (issue 12). A business is known
-- here by its SIREN, and outside by an opaque number (business_id, a
-- random UUID carrying no date nor order): events name the number, never
-- the SIREN.
--
-- Its current score is kept whole so that it can be explained: the
-- points, the level, each theme's contribution, the French explanation,
-- the edition of the rules that computed it and when. active_until is the
-- day the last signal counted expires: the daily rescoring (decay) reads
-- only the businesses that have one, through a partial index.
CREATE TABLE businesses (
    siren         char(9) PRIMARY KEY CHECK (siren ~ '^[0-9]{9}$'),
    business_id   uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
    score         int NOT NULL DEFAULT 0 CHECK (score >= 0),
    level         text NOT NULL DEFAULT 'none' CHECK (level IN ('none', 'moderate', 'high')),
    contributions jsonb NOT NULL DEFAULT '[]',
    explanation   text NOT NULL DEFAULT '',
    rules_version text,
    -- '-infinity' until first scored: the daily job scores it first.
    scored_at     timestamptz NOT NULL DEFAULT '-infinity',
    level_since   timestamptz,
    active_until  date,
    created_at    timestamptz NOT NULL DEFAULT now()
);

-- The cell's list by level, highest scores first.
CREATE INDEX businesses_level ON businesses (level, score DESC, siren);
-- The daily rescoring: businesses with signals still counting, oldest
-- score first.
CREATE INDEX businesses_due ON businesses (scored_at) WHERE active_until IS NOT NULL;

-- A business's score day by day, for its trend: one row a day on which
-- it was scored and its score or level changed (the last of the day).
CREATE TABLE business_score_history (
    business_id   uuid NOT NULL REFERENCES businesses (business_id),
    day           date NOT NULL,
    score         int NOT NULL,
    level         text NOT NULL CHECK (level IN ('none', 'moderate', 'high')),
    rules_version text NOT NULL,
    PRIMARY KEY (business_id, day)
);

-- The businesses of the signals stored before scoring: scored by the
-- first run of the daily job.
INSERT INTO businesses (siren, active_until)
SELECT siren, max(expires_on) FROM signals WHERE status = 'active' GROUP BY siren;

-- A rising level opens a prevention case for the business, addressed to
-- its département: the one its BODACC notices give, kept here (NULL for
-- the notices applied before, and when a notice gives none).
ALTER TABLE bodacc_notices ADD COLUMN departement text;
CREATE INDEX bodacc_notices_siren ON bodacc_notices (siren, published_on DESC) WHERE departement IS NOT NULL;

-- A business's cases, latest first: its open one to escalate or close,
-- its chambers and département for the next.
CREATE INDEX difficulty_cases_siren ON difficulty_cases (siren, opened_at DESC) WHERE siren IS NOT NULL;

-- A notice arriving after the rectification or cancellation naming it
-- looks that one up by the reference it names: without an index, each
-- notice applied read the whole table (a burst of 10,000 notices slowed
-- as it went).
CREATE INDEX bodacc_notices_previous ON bodacc_notices (previous_ref) WHERE previous_ref IS NOT NULL;
