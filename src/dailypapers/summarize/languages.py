"""The languages a digest can be written in; the section keys stay in English in every one."""

from __future__ import annotations

#: For each output language: who reads it, and how its prose and terms are written.
LANGUAGES: dict[str, tuple[str, str]] = {
    "ko": (
        "Korean",
        "plain Korean prose in the formal style (합니다). Write each technical term in Korean "
        "followed by the English term in parentheses, for example "
        "대형 언어 모델(Large Language Model).",
    ),
    "en": ("English", "plain English prose."),
    "ja": (
        "Japanese",
        "plain Japanese prose in the polite style (です・ます). Write each technical term in "
        "Japanese followed by the English term in parentheses, for example "
        "大規模言語モデル(Large Language Model).",
    ),
    "zh": (
        "Chinese",
        "plain Simplified Chinese prose. Write each technical term in Chinese followed by the "
        "English term in parentheses, for example 大语言模型(Large Language Model).",
    ),
}
