-- The projection of the advisor directory (advisors) was created here; its
-- table now comes from pkg/directory/projection's migration set, applied
-- before this one. The step stays, as a no-op, so that the numbering of the
-- databases migrated before does not change.
SELECT 1; -- tern wants a statement in every step
