-- The life of a listing and of a search (internal/domain/takeover:
-- lifecycle.go, listing.go). An offer is submitted until its advisor vets
-- it, then published (a listing), paused while negotiating, withdrawn or
-- concluded; only published listings are matched. The offers registered
-- before this step were all matched: they become published, so that
-- nothing existing disappears. A search is draft, open, paused,
-- withdrawn, concluded or expired; only open searches are matched.
-- takeover_matches is not altered: a match whose side is no longer
-- published or open is shown inactive, computed when read.
UPDATE takeover_offers SET status = 'published' WHERE status = 'open';
ALTER TABLE takeover_offers
    ALTER COLUMN status SET DEFAULT 'submitted',
    ADD CONSTRAINT takeover_offers_status CHECK (status IN ('submitted', 'published', 'paused', 'withdrawn', 'concluded')),
    -- When the offer last changed (vetting, status); its registration before.
    ADD COLUMN updated_at      timestamptz,
    -- When its advisor was last asked to review it (takeover.offer.review_due).
    ADD COLUMN review_asked_at timestamptz,
    -- The teaser the seller accepted (takeover.Teaser: codes and bands).
    ADD COLUMN teaser          jsonb;

ALTER TABLE buyer_searches
    DROP CONSTRAINT buyer_searches_status,
    ADD CONSTRAINT buyer_searches_status CHECK (status IN ('draft', 'open', 'paused', 'withdrawn', 'concluded', 'expired')),
    ADD COLUMN updated_at timestamptz,
    -- When it was last renewed or reopened: its expiry counts from then.
    ADD COLUMN renewed_at timestamptz;

-- Candidate offers are the published listings.
DROP INDEX takeover_offers_open_keys;
CREATE INDEX takeover_offers_published_keys ON takeover_offers USING gin (match_keys) WITH (fastupdate = off) WHERE status = 'published';

-- The periodic jobs read the listings due for review and the searches
-- due to expire, not the market.
CREATE INDEX takeover_offers_review ON takeover_offers (greatest(coalesce(updated_at, registered_at), coalesce(review_asked_at, registered_at)))
    WHERE status IN ('published', 'paused');
CREATE INDEX buyer_searches_validity ON buyer_searches (coalesce(renewed_at, completed_at, registered_at))
    WHERE status IN ('open', 'paused');

-- The vetted file of a listing, private to the offer's chambers
-- (takeover.File): apart from the offer's row so that no query of
-- candidates, matches or teasers reads it.
CREATE TABLE takeover_offer_files (
    offer_id  uuid        PRIMARY KEY REFERENCES takeover_offers,
    file      jsonb       NOT NULL,
    vetted_by text        NOT NULL,
    vetted_at timestamptz NOT NULL
);

-- Each status change of an offer or a search: from, to, who, when, and
-- the advisor's note.
CREATE TABLE takeover_status_changes (
    change_id   bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    offer_id    uuid        REFERENCES takeover_offers,
    search_id   uuid        REFERENCES buyer_searches,
    from_status text        NOT NULL,
    to_status   text        NOT NULL,
    changed_by  text        NOT NULL,
    changed_at  timestamptz NOT NULL,
    reason      text        NOT NULL DEFAULT '',
    CHECK ((offer_id IS NULL) <> (search_id IS NULL))
);
CREATE INDEX takeover_status_changes_offer ON takeover_status_changes (offer_id, change_id) WHERE offer_id IS NOT NULL;
CREATE INDEX takeover_status_changes_search ON takeover_status_changes (search_id, change_id) WHERE search_id IS NOT NULL;
