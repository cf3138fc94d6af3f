-- Each ISO week's list (`GET /api/daily_papers?week=YYYY-Www`) in the API's order. Kept apart
-- from `listings`, whose keys are dates.
CREATE TABLE week_listings (
    week TEXT NOT NULL,
    position INTEGER NOT NULL,
    arxiv_id TEXT NOT NULL REFERENCES papers (arxiv_id),
    upvotes INTEGER NOT NULL,
    fetched_at TEXT NOT NULL,
    PRIMARY KEY (week, arxiv_id)
);

-- What a weekly digest shows, in order (most votes first): the week's top papers with the
-- summary each one is shown with. Same columns as `digest_entries`, keyed by week.
CREATE TABLE weekly_entries (
    week TEXT NOT NULL,
    position INTEGER NOT NULL,
    arxiv_id TEXT NOT NULL REFERENCES papers (arxiv_id),
    title_md TEXT NOT NULL,
    thumbnail TEXT,
    votes INTEGER NOT NULL,
    authors_json TEXT NOT NULL,
    authors_style TEXT NOT NULL DEFAULT 'comma',
    summary_id INTEGER NOT NULL REFERENCES summaries (id),
    PRIMARY KEY (week, position)
);
