-- Where a paper's text came from and what of it the summarizer read: the sections kept,
-- whether one was cut, the quality gates it passed, and why each source tried before it gave
-- no text. Texts stored before have none of these (empty lists, not cut).
ALTER TABLE paper_texts ADD COLUMN kept_json TEXT NOT NULL DEFAULT '[]';
ALTER TABLE paper_texts ADD COLUMN truncated INTEGER NOT NULL DEFAULT 0;
ALTER TABLE paper_texts ADD COLUMN gates_json TEXT NOT NULL DEFAULT '[]';
ALTER TABLE paper_texts ADD COLUMN refusals_json TEXT NOT NULL DEFAULT '[]';
