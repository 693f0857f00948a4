-- What each routing decision relied on (routing.Basis: the inputs as read
-- and what the reference data said of them), for advisors to check it.
-- Requests stored before have none.
ALTER TABLE requests ADD COLUMN routing_basis jsonb NOT NULL DEFAULT '{}';
