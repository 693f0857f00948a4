-- The BODACC feed: difficulty-alert polls the open-data portal of the
-- "annonces commerciales" dataset for the notices of collective procedures
-- of each département it follows (BODACC_FEED_DEPARTEMENTS). A cursor a
-- département says how far its notices were imported; a run locks its row
-- (FOR UPDATE SKIP LOCKED), so that one replica polls a département at a
-- time, and moves it only once every notice it read is applied.
CREATE TABLE bodacc_feed_cursors (
    departement      text PRIMARY KEY CHECK (departement ~ '^(0[1-9]|[1-8][0-9]|9[0-5]|2A|2B|97[1-6])$'),
    -- the last publication date whose notices were all imported (NULL:
    -- none yet); a run reads again from BODACC_FEED_OVERLAP before it,
    -- since notices are published late and rectified
    imported_through date,
    -- when the last complete run ended (NULL: never): the next is due
    -- BODACC_FEED_EVERY later, whichever replica runs it
    polled_at        timestamptz
);
