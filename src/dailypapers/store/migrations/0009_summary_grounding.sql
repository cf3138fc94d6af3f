-- Where each number and name of a summary comes from (dailypapers.evidence.Grounding as JSON):
-- the paper's sentence and section for every claim, and the second opinion of --verify llm.
-- NULL for summaries made before, imported ones and those made without a paper text.
ALTER TABLE summaries ADD COLUMN grounding_json TEXT;
