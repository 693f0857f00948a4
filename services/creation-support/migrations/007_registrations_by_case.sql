-- A case shows the sessions it is registered to: registrations are read
-- by case, not only by session.
CREATE INDEX session_registrations_by_case ON session_registrations (case_id);
