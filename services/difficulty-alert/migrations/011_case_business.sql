-- A case opened for an intake request (a self report, a creation
-- advisor's observation, a takeover advisor's concern) learns its
-- business from the confidential stream, which names it with the same
-- request: the signal keeps its request, and the open case of that
-- request takes the signal's SIREN, unless the business already has
-- another open case (one open case a business, migration 006). Then the
-- rescoring finds the case by its business: a rising level escalates it
-- instead of opening a second one, a liquidation judiciaire closes it.
ALTER TABLE signals ADD COLUMN request_id uuid;
CREATE INDEX signals_request ON signals (request_id) WHERE request_id IS NOT NULL;

-- The signals stored before: a self report's reference is its request;
-- an observation's is "<creation case>/<checkpoint>" or
-- "<offer>/<concern>", whose case holds the request.
UPDATE signals SET request_id = source_ref::uuid WHERE source = 'self_report';
UPDATE signals s SET request_id = c.request_id FROM difficulty_cases c
    WHERE s.source = 'advisor_observation' AND s.request_id IS NULL AND c.request_id IS NOT NULL
      AND split_part(s.source_ref, '/', 1) IN (c.creation_case_id::text, c.takeover_offer_id::text);

-- The open cases stored before, each business once.
UPDATE difficulty_cases c SET siren = l.siren FROM (
    SELECT DISTINCT ON (s.siren) s.siren, c2.case_id FROM signals s
    JOIN difficulty_cases c2 ON c2.request_id = s.request_id AND c2.status <> 'closed' AND c2.siren IS NULL
    WHERE NOT EXISTS (SELECT 1 FROM difficulty_cases o WHERE o.siren = s.siren AND o.status <> 'closed')
    ORDER BY s.siren, c2.opened_at) l
WHERE c.case_id = l.case_id
  AND NOT EXISTS (SELECT 1 FROM difficulty_cases o WHERE o.siren = l.siren AND o.status <> 'closed');
