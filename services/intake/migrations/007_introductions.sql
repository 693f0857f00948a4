-- Takeover introductions (takeover-matching's takeover.match.stage_changed
-- to "introduced"): one row a side, the request introduced and the other
-- side's request. The advisors of the other request's chambers may read
-- the request from then on (access.Introduced), and the applicant is told
-- once (the e-mail's queue key names the match). Ids and codes only.
CREATE TABLE takeover_introductions (
    request_id          uuid        NOT NULL REFERENCES requests (request_id),
    match_id            uuid        NOT NULL,
    side                text        NOT NULL CHECK (side IN ('seller', 'buyer')),
    other_request_id    uuid        NOT NULL REFERENCES requests (request_id),
    introduced_at       timestamptz NOT NULL,
    PRIMARY KEY (request_id, match_id)
);

CREATE INDEX takeover_introductions_other ON takeover_introductions (other_request_id);
