-- Roles of advisors: they go into the advisors' tokens, not into events.
-- Entries stored before roles existed are plain advisors until re-imported.
ALTER TABLE advisors ADD COLUMN roles text[] NOT NULL DEFAULT '{advisor}'
    CHECK (cardinality(roles) > 0 AND roles <@ '{advisor,manager,prevention_cell,admin}'::text[]);
