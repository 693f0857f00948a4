-- The advisors table gained roles, communes, EPCIs and absences here; it
-- now comes whole from pkg/directory/projection's migration set (see 001).
SELECT 1; -- tern wants a statement in every step
