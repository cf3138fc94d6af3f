-- OpenAI Batch API jobs: one row per submitted batch, so a later run collects it instead of
-- submitting the same papers again. papers_json maps arXiv id -> the day it was listed on.
CREATE TABLE batches (
    id TEXT PRIMARY KEY,
    model TEXT NOT NULL,
    prompt_version TEXT NOT NULL,
    input_file_id TEXT NOT NULL,
    papers_json TEXT NOT NULL,
    status TEXT NOT NULL,
    created_at TEXT NOT NULL,
    finished_at TEXT
);

-- Calls answered through a batch cost the batch price.
ALTER TABLE llm_calls ADD COLUMN batch_id TEXT;
