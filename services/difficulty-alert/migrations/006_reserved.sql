-- Reserved for the prevention case lifecycle (branch df-actions), which
-- brings the real 006: this placeholder only keeps tern's numbering whole
-- on a branch without it, and goes when that branch is merged.
SELECT 1; -- tern wants a statement in every step
