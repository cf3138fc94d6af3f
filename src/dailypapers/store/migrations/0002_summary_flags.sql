-- What the checks found in a summary that was kept anyway (after one regeneration): a JSON
-- list of "check: detail" strings, shown under the paper in the digest. Empty when clean.
ALTER TABLE summaries ADD COLUMN flags_json TEXT NOT NULL DEFAULT '[]';
