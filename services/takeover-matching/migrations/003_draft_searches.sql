-- Draft buyer searches: opened from a creation project redirected to
-- takeover (creation.case.redirected_to_takeover), completed by their
-- advisor. A draft meets no offer: candidate queries read open searches.
ALTER TABLE buyer_searches
    ADD COLUMN creation_case_id uuid,
    ADD COLUMN completed_at     timestamptz,
    ADD CONSTRAINT buyer_searches_status CHECK (status IN ('draft', 'open'));

-- The drafts of a chamber, for its advisors' list of searches to complete.
CREATE INDEX buyer_searches_drafts ON buyer_searches (chamber, search_id) WHERE status = 'draft';
