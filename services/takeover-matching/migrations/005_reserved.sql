-- Step 005 belongs to the offers' and searches' lifecycle (another
-- branch); this placeholder keeps the numbering whole (tern refuses a
-- gap) until that branch's 005 replaces it at the merge.
SELECT 1; -- tern wants a statement in every step
