-- Papers, keyed by arXiv id without version suffix. raw_json keeps the API entry as fetched.
CREATE TABLE papers (
    arxiv_id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    authors_json TEXT NOT NULL DEFAULT '[]',
    upvotes INTEGER NOT NULL DEFAULT 0,
    thumbnail TEXT,
    abstract TEXT NOT NULL DEFAULT '',
    published_at TEXT,
    github_repo TEXT,
    project_page TEXT,
    ai_keywords_json TEXT NOT NULL DEFAULT '[]',
    raw_json TEXT,
    first_listed TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'new',
    last_error TEXT,
    updated_at TEXT NOT NULL
);

-- Which papers the Daily Papers list held on which day, in the API's order.
CREATE TABLE listings (
    date TEXT NOT NULL,
    position INTEGER NOT NULL,
    arxiv_id TEXT NOT NULL REFERENCES papers (arxiv_id),
    upvotes INTEGER NOT NULL,
    fetched_at TEXT NOT NULL,
    PRIMARY KEY (date, arxiv_id)
);

-- The text a summary was made from: the extracted PDF text, or why it was missing.
CREATE TABLE paper_texts (
    arxiv_id TEXT PRIMARY KEY REFERENCES papers (arxiv_id),
    source TEXT NOT NULL,
    pages INTEGER NOT NULL DEFAULT 0,
    full_text TEXT NOT NULL DEFAULT '',
    fitted_tokens INTEGER NOT NULL DEFAULT 0,
    dropped_json TEXT NOT NULL DEFAULT '[]',
    missing_reason TEXT,
    updated_at TEXT NOT NULL
);

-- One summary per (paper, model, prompt version): the key checked before any paid call.
CREATE TABLE summaries (
    id INTEGER PRIMARY KEY,
    arxiv_id TEXT NOT NULL REFERENCES papers (arxiv_id),
    model TEXT NOT NULL,
    prompt_version TEXT NOT NULL,
    kind TEXT NOT NULL,
    sections_json TEXT NOT NULL,
    text_source TEXT,
    created_at TEXT NOT NULL,
    UNIQUE (arxiv_id, model, prompt_version)
);

-- What a day's digest file shows, block by block and in order.
CREATE TABLE digest_entries (
    date TEXT NOT NULL,
    run INTEGER NOT NULL,
    position INTEGER NOT NULL,
    arxiv_id TEXT NOT NULL REFERENCES papers (arxiv_id),
    title_md TEXT NOT NULL,
    thumbnail TEXT,
    votes INTEGER NOT NULL,
    authors_json TEXT NOT NULL,
    authors_style TEXT NOT NULL DEFAULT 'comma',
    summary_id INTEGER NOT NULL REFERENCES summaries (id),
    PRIMARY KEY (date, run, position)
);
CREATE INDEX digest_entries_by_paper ON digest_entries (arxiv_id);

-- Every LLM call, failed ones too. Never holds request headers or keys.
CREATE TABLE llm_calls (
    id INTEGER PRIMARY KEY,
    arxiv_id TEXT NOT NULL,
    model TEXT NOT NULL,
    prompt_version TEXT NOT NULL,
    attempt INTEGER NOT NULL,
    started_at TEXT NOT NULL,
    duration_s REAL NOT NULL,
    input_tokens INTEGER NOT NULL DEFAULT 0,
    output_tokens INTEGER NOT NULL DEFAULT 0,
    ok INTEGER NOT NULL,
    error TEXT,
    raw_response TEXT
);
CREATE INDEX llm_calls_by_paper ON llm_calls (arxiv_id);

-- One row per `dailypapers run` of a date, with its tally.
CREATE TABLE runs (
    id INTEGER PRIMARY KEY,
    date TEXT NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    summarizer TEXT NOT NULL,
    report_json TEXT
);
