-- Matching by rules (internal/domain/takeover/rules.json): candidates are
-- found through keys that pair a NAF level (section to sub-class) with a
-- place (takeover.OfferKeys, takeover.SearchKeys), one GIN index a side,
-- so that a new offer or search reads the counterparts that share its
-- sector at the candidate level and its area, not the market. Each match
-- keeps how it was scored.
ALTER TABLE takeover_offers ADD COLUMN match_keys text[] NOT NULL DEFAULT '{}';
ALTER TABLE buyer_searches ADD COLUMN match_keys text[] NOT NULL DEFAULT '{}';

-- The NAF section of a division (NAF rév. 2, as refdata.NAFSection), for
-- the keys of the rows stored before this step; dropped at the end of the step.
CREATE FUNCTION naf_section_004(division text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN division !~ '^[0-9]{2}$' OR division = '00' THEN NULL
        WHEN division::int <= 3 THEN 'A' WHEN division::int <= 9 THEN 'B' WHEN division::int <= 33 THEN 'C'
        WHEN division::int <= 35 THEN 'D' WHEN division::int <= 39 THEN 'E' WHEN division::int <= 43 THEN 'F'
        WHEN division::int <= 47 THEN 'G' WHEN division::int <= 53 THEN 'H' WHEN division::int <= 56 THEN 'I'
        WHEN division::int <= 63 THEN 'J' WHEN division::int <= 66 THEN 'K' WHEN division::int <= 68 THEN 'L'
        WHEN division::int <= 75 THEN 'M' WHEN division::int <= 82 THEN 'N' WHEN division::int <= 84 THEN 'O'
        WHEN division::int <= 85 THEN 'P' WHEN division::int <= 88 THEN 'Q' WHEN division::int <= 93 THEN 'R'
        WHEN division::int <= 96 THEN 'S' WHEN division::int <= 98 THEN 'T' ELSE 'U' END
$$;

-- The levels of a NAF id down to itself: section, division, group, class, sub-class.
CREATE FUNCTION naf_ancestors_004(id text) RETURNS text[] LANGUAGE sql IMMUTABLE AS $$
    SELECT array_remove(ARRAY[naf_section_004(left(id, 2)), left(id, 2),
        CASE WHEN length(id) >= 4 THEN left(id, 4) END, CASE WHEN length(id) >= 5 THEN left(id, 5) END,
        CASE WHEN length(id) >= 6 THEN id END], NULL)
$$;

UPDATE takeover_offers o SET match_keys = ARRAY(
    SELECT DISTINCT l || '|' || p
    FROM unnest(naf_ancestors_004(o.naf_code)) l,
         unnest(array_remove(ARRAY['*', 'd:' || o.departement, 'r:' || o.region, 'e:' || o.epci, 'c:' || o.commune_code], NULL)) p
    ORDER BY 1);

UPDATE buyer_searches s SET match_keys = ARRAY(
    SELECT DISTINCT l || '|' || p
    FROM (SELECT unnest(naf_ancestors_004(sec)) FROM unnest(s.sectors) sec) AS levels(l),
         unnest(CASE WHEN s.mobility = 'national' THEN ARRAY['*'] ELSE
             ARRAY(SELECT 'd:' || x FROM unnest(s.departements) x) || ARRAY(SELECT 'e:' || x FROM unnest(s.epci_codes) x)
             || ARRAY(SELECT 'c:' || x FROM unnest(s.commune_codes) x)
             || CASE WHEN s.mobility = 'regional' THEN ARRAY(SELECT 'r:' || x FROM unnest(s.regions) x) ELSE '{}' END
         END) p
    ORDER BY 1);

-- The keys replace the sector indexes: an open side is found by them.
-- Without fastupdate: a pending list would be read whole by every lookup
-- (up to gin_pending_list_limit, 4 MB) until vacuum merges it, which
-- costs a lookup more than its candidates; a registration writes its few
-- keys into the index directly instead.
DROP INDEX takeover_offers_open_sectors;
DROP INDEX buyer_searches_open_sectors;
CREATE INDEX takeover_offers_open_keys ON takeover_offers USING gin (match_keys) WITH (fastupdate = off) WHERE status = 'open';
CREATE INDEX buyer_searches_open_keys ON buyer_searches USING gin (match_keys) WITH (fastupdate = off) WHERE status = 'open';

-- How each match was scored: the rules' edition, each weighed criterion's
-- contribution ([{criterion, level, points, max_points}], adding up to the
-- score) and the sentence advisors read. Empty for the matches proposed
-- before this step.
ALTER TABLE takeover_matches
    ADD COLUMN rules_version text  NOT NULL DEFAULT '',
    ADD COLUMN contributions jsonb NOT NULL DEFAULT '[]',
    ADD COLUMN explanation   text  NOT NULL DEFAULT '';

DROP FUNCTION naf_ancestors_004(text);
DROP FUNCTION naf_section_004(text);
