-- (The advisors table's absence, roles and territory, added here before,
-- come with pkg/directory/projection's migration set.)

-- When the assigned advisor took the case in charge.
ALTER TABLE creation_cases ADD COLUMN taken_at timestamptz;

-- Hand-backs ("pas pour moi"): the advisor's comment stays here, never in
-- an event. An advisor who handed a case back does not get it again.
CREATE TABLE case_hand_backs (
    case_id        uuid        NOT NULL REFERENCES creation_cases (case_id),
    seq            integer     NOT NULL,
    advisor_id     text        NOT NULL,
    chamber        text        NOT NULL,
    reason         text        NOT NULL,
    comment        text        NOT NULL DEFAULT '',
    to_other       boolean     NOT NULL,
    handed_back_at timestamptz NOT NULL,
    PRIMARY KEY (case_id, seq)
);
