-- The organisation a paper is listed under on Hugging Face (its display name), shown and
-- followed on the site. Papers stored before have none until they are listed again.
ALTER TABLE papers ADD COLUMN organization TEXT;
