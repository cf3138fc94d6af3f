"""What dailypapers reads from outside: the Daily Papers list (hf), papers from arXiv
(arxiv) and the text inside a PDF (pdf). Imports the ground floor only."""
