-- A match's introduction (takeover.Introduction): its stage, what each
-- side did on the way and the history of the steps taken, with who and
-- when. The matches proposed before this step are at 'proposed'.
ALTER TABLE takeover_matches
    ADD COLUMN stage                   text NOT NULL DEFAULT 'proposed' CHECK (stage IN
        ('proposed', 'reviewed', 'interested', 'introduced', 'negotiating', 'concluded', 'dropped')),
    ADD COLUMN seller_reviewed         boolean NOT NULL DEFAULT false,
    ADD COLUMN buyer_reviewed          boolean NOT NULL DEFAULT false,
    ADD COLUMN introduction_approved   boolean NOT NULL DEFAULT false,
    ADD COLUMN undertaking_version     text,
    ADD COLUMN undertaking_accepted_on date,
    ADD COLUMN deal_date               date,
    ADD COLUMN drop_reason             text,
    ADD CONSTRAINT takeover_matches_undertaking CHECK ((undertaking_version IS NULL) = (undertaking_accepted_on IS NULL));

-- The steps taken on a match, in order (seq from 1).
CREATE TABLE takeover_match_steps (
    match_id   uuid        NOT NULL REFERENCES takeover_matches,
    seq        integer     NOT NULL,
    step       text        NOT NULL,
    side       text        NOT NULL CHECK (side IN ('seller', 'buyer')),
    advisor_id text        NOT NULL,
    from_stage text        NOT NULL,
    to_stage   text        NOT NULL,
    reason     text,
    taken_at   timestamptz NOT NULL,
    PRIMARY KEY (match_id, seq)
);
