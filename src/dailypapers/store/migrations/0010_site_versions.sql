-- A stamp for every paper, day and week, set to a new random number by these triggers on any
-- change to what the site shows of it, so a site build tells which pages changed without
-- reading them all (SiteRecords.day_fingerprints). Random, not a counter: two databases (or
-- two copies of one) changed apart never show the same stamps. Names are 'paper:<arxiv id>',
-- 'day:<date>', 'week:<week>'; what was stored before this migration has no stamp.
CREATE TABLE site_versions (
    name TEXT PRIMARY KEY,
    stamp INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TRIGGER site_day_insert AFTER INSERT ON digest_entries BEGIN
    INSERT INTO site_versions VALUES ('day:' || NEW.date, random())
        ON CONFLICT (name) DO UPDATE SET stamp = random();
END;
CREATE TRIGGER site_day_update AFTER UPDATE ON digest_entries BEGIN
    INSERT INTO site_versions VALUES ('day:' || NEW.date, random())
        ON CONFLICT (name) DO UPDATE SET stamp = random();
    INSERT INTO site_versions VALUES ('day:' || OLD.date, random())
        ON CONFLICT (name) DO UPDATE SET stamp = random();
END;
CREATE TRIGGER site_day_delete AFTER DELETE ON digest_entries BEGIN
    INSERT INTO site_versions VALUES ('day:' || OLD.date, random())
        ON CONFLICT (name) DO UPDATE SET stamp = random();
END;

CREATE TRIGGER site_week_insert AFTER INSERT ON weekly_entries BEGIN
    INSERT INTO site_versions VALUES ('week:' || NEW.week, random())
        ON CONFLICT (name) DO UPDATE SET stamp = random();
END;
CREATE TRIGGER site_week_update AFTER UPDATE ON weekly_entries BEGIN
    INSERT INTO site_versions VALUES ('week:' || NEW.week, random())
        ON CONFLICT (name) DO UPDATE SET stamp = random();
    INSERT INTO site_versions VALUES ('week:' || OLD.week, random())
        ON CONFLICT (name) DO UPDATE SET stamp = random();
END;
CREATE TRIGGER site_week_delete AFTER DELETE ON weekly_entries BEGIN
    INSERT INTO site_versions VALUES ('week:' || OLD.week, random())
        ON CONFLICT (name) DO UPDATE SET stamp = random();
END;

CREATE TRIGGER site_summary_insert AFTER INSERT ON summaries BEGIN
    INSERT INTO site_versions VALUES ('paper:' || NEW.arxiv_id, random())
        ON CONFLICT (name) DO UPDATE SET stamp = random();
END;
CREATE TRIGGER site_summary_update AFTER UPDATE ON summaries BEGIN
    INSERT INTO site_versions VALUES ('paper:' || NEW.arxiv_id, random())
        ON CONFLICT (name) DO UPDATE SET stamp = random();
    INSERT INTO site_versions VALUES ('paper:' || OLD.arxiv_id, random())
        ON CONFLICT (name) DO UPDATE SET stamp = random();
END;
CREATE TRIGGER site_summary_delete AFTER DELETE ON summaries BEGIN
    INSERT INTO site_versions VALUES ('paper:' || OLD.arxiv_id, random())
        ON CONFLICT (name) DO UPDATE SET stamp = random();
END;

CREATE TRIGGER site_paper_update AFTER UPDATE ON papers BEGIN
    INSERT INTO site_versions VALUES ('paper:' || NEW.arxiv_id, random())
        ON CONFLICT (name) DO UPDATE SET stamp = random();
    INSERT INTO site_versions VALUES ('paper:' || OLD.arxiv_id, random())
        ON CONFLICT (name) DO UPDATE SET stamp = random();
END;
CREATE TRIGGER site_paper_delete AFTER DELETE ON papers BEGIN
    INSERT INTO site_versions VALUES ('paper:' || OLD.arxiv_id, random())
        ON CONFLICT (name) DO UPDATE SET stamp = random();
END;

CREATE TRIGGER site_text_insert AFTER INSERT ON paper_texts BEGIN
    INSERT INTO site_versions VALUES ('paper:' || NEW.arxiv_id, random())
        ON CONFLICT (name) DO UPDATE SET stamp = random();
END;
CREATE TRIGGER site_text_update AFTER UPDATE ON paper_texts BEGIN
    INSERT INTO site_versions VALUES ('paper:' || NEW.arxiv_id, random())
        ON CONFLICT (name) DO UPDATE SET stamp = random();
    INSERT INTO site_versions VALUES ('paper:' || OLD.arxiv_id, random())
        ON CONFLICT (name) DO UPDATE SET stamp = random();
END;
CREATE TRIGGER site_text_delete AFTER DELETE ON paper_texts BEGIN
    INSERT INTO site_versions VALUES ('paper:' || OLD.arxiv_id, random())
        ON CONFLICT (name) DO UPDATE SET stamp = random();
END;
