"""dailypapers: a daily Korean digest of the Hugging Face Daily Papers."""

__version__ = "0.1.0"
