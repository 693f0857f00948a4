-- The creation journey (issue 10): stages beyond "in_progress", the facts
-- advisors record along it, the outcome, the next action, the timeline of
-- stage changes, private notes, post-creation checkpoints, and sessions.

-- Facts are read and written with their case, as a whole: one document.
-- They hold the SIREN once registered, and never leave this service.
ALTER TABLE creation_cases
    ADD COLUMN facts          jsonb       NOT NULL DEFAULT '{}',
    ADD COLUMN outcome        text,
    ADD COLUMN outcome_reason text,
    ADD COLUMN outcome_at     timestamptz,
    ADD COLUMN next_label     text,
    ADD COLUMN next_due       timestamptz,
    ADD COLUMN next_set_by    text,
    ADD COLUMN next_set_at    timestamptz,
    -- When the overdue next action was last reminded (one reminder per
    -- action: a new action clears it).
    ADD COLUMN next_reminded_at timestamptz;

-- Overdue next actions are found by due date, among open cases.
CREATE INDEX creation_cases_next_due ON creation_cases (next_due)
    WHERE next_due IS NOT NULL AND next_reminded_at IS NULL;

-- Every stage change, with the advisor's comment (kept here only).
CREATE TABLE case_stage_changes (
    case_id    uuid        NOT NULL REFERENCES creation_cases (case_id),
    seq        integer     NOT NULL,
    from_stage text        NOT NULL,
    to_stage   text        NOT NULL,
    reason     text        NOT NULL DEFAULT '',
    comment    text        NOT NULL DEFAULT '',
    advisor_id text        NOT NULL,
    changed_at timestamptz NOT NULL,
    PRIMARY KEY (case_id, seq)
);

-- Post-creation checkpoints: 6 months, 1, 2 and 3 years after registration.
CREATE TABLE case_checkpoints (
    case_id      uuid        NOT NULL REFERENCES creation_cases (case_id),
    seq          integer     NOT NULL,
    label        text        NOT NULL,
    due          timestamptz NOT NULL,
    recorded_at  timestamptz,
    still_active boolean     NOT NULL DEFAULT false,
    headcount    integer     NOT NULL DEFAULT 0 CHECK (headcount >= 0),
    difficulties boolean     NOT NULL DEFAULT false,
    PRIMARY KEY (case_id, seq)
);

-- Notes belong to their author's chamber; the other chamber reads them
-- only when shared.
CREATE TABLE case_notes (
    note_id    bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id    uuid        NOT NULL REFERENCES creation_cases (case_id),
    chamber    text        NOT NULL CHECK (chamber IN ('CCI', 'CMA')),
    author_id  text        NOT NULL,
    body       text        NOT NULL,
    shared     boolean     NOT NULL,
    written_at timestamptz NOT NULL
);

CREATE INDEX case_notes_case ON case_notes (case_id, note_id);
