-- One row per message a channel should carry: a rerun sends only what is not yet 'sent'.
-- 'sending' is written before the message goes out, so a crash leaves a trace that the next
-- run checks with the channel before sending again. Never holds tokens or webhook URLs.
CREATE TABLE deliveries (
    channel TEXT NOT NULL,
    target TEXT NOT NULL,
    period TEXT NOT NULL,
    item TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('sending', 'sent', 'failed')),
    remote_id TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    error TEXT,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (channel, target, period, item)
);
