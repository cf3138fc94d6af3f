-- Entries imported from the predecessor's older eras: which era an entry is written in (NULL
-- for the seed format our runs write), the order of its lines (so it renders back exactly),
-- and, for an entry no format explains, its exact text ("verbatim" era).
ALTER TABLE digest_entries ADD COLUMN era TEXT;
ALTER TABLE digest_entries ADD COLUMN layout TEXT;
ALTER TABLE digest_entries ADD COLUMN raw_md TEXT;
