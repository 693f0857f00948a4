-- The marketplace: the published listings and the open searches of both
-- chambers, paged by id and narrowed by the advisors' filters. A listing
-- is filtered on what its teaser shows (its sector at the level chosen),
-- so the teaser's sector is indexed for prefix ranges (byte order, as
-- the queries compare with ~>=~ and ~<~).
CREATE INDEX takeover_offers_published ON takeover_offers (offer_id) WHERE status = 'published';
CREATE INDEX takeover_offers_published_departement ON takeover_offers (departement, offer_id) WHERE status = 'published';
CREATE INDEX takeover_offers_published_sector ON takeover_offers ((teaser->>'Sector') text_pattern_ops) WHERE status = 'published';
-- A chamber's own lists by status (a chamber's offers waiting for vetting).
CREATE INDEX takeover_offers_chamber_status ON takeover_offers (chamber, status, offer_id);
CREATE INDEX buyer_searches_chamber_status ON buyer_searches (chamber, status, search_id);
CREATE INDEX buyer_searches_open ON buyer_searches (search_id) WHERE status = 'open';
CREATE INDEX buyer_searches_open_departements ON buyer_searches USING gin (departements) WHERE status = 'open';
