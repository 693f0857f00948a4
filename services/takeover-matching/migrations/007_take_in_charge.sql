-- Taking in charge and handing back ("pas pour moi") of offers and
-- searches (takeover.Care): when the assigned advisor took it in charge,
-- and who.
ALTER TABLE takeover_offers
    ADD COLUMN taken_at timestamptz,
    ADD COLUMN taken_by text,
    ADD CONSTRAINT takeover_offers_taken CHECK ((taken_at IS NULL) = (taken_by IS NULL));
ALTER TABLE buyer_searches
    ADD COLUMN taken_at timestamptz,
    ADD COLUMN taken_by text,
    ADD CONSTRAINT buyer_searches_taken CHECK ((taken_at IS NULL) = (taken_by IS NULL));

-- Hand-backs of an offer or a search, in order: the advisor's comment
-- stays here, never in an event. An advisor who handed one back does not
-- get it again.
CREATE TABLE takeover_hand_backs (
    hand_back_id   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    offer_id       uuid REFERENCES takeover_offers,
    search_id      uuid REFERENCES buyer_searches,
    advisor_id     text        NOT NULL,
    reason         text        NOT NULL,
    comment        text        NOT NULL DEFAULT '',
    to_advisor_id  text,
    handed_back_at timestamptz NOT NULL,
    CHECK ((offer_id IS NULL) <> (search_id IS NULL))
);
CREATE INDEX takeover_hand_backs_offer ON takeover_hand_backs (offer_id) WHERE offer_id IS NOT NULL;
CREATE INDEX takeover_hand_backs_search ON takeover_hand_backs (search_id) WHERE search_id IS NOT NULL;
