"""Faithful Korean summaries written by hand for the team's five real arXiv PDFs, in the
predecessor's manner (English terms in parentheses). Every name in them is in the paper, some
spelled otherwise (``PaSa 7B`` for ``PaSa-7b``, ``LED 16384``), some as glossary renderings."""

from __future__ import annotations

from dailypapers.models import SECTION_LABELS

Sections = tuple[tuple[str, str], ...]


def _sections(*texts: str) -> Sections:
    return tuple(zip(SECTION_LABELS, texts, strict=True))


HANDWRITTEN: tuple[tuple[str, Sections], ...] = (
    (
        "2501.10120",
        _sections(
            "이 논문은 학술 논문 검색 에이전트 PaSa를 소개합니다. 대형 언어 모델이 검색 도구 "
            "호출, 논문 읽기, 참고문헌 선택을 스스로 결정하여 복잡한 학술 질의에 답합니다.",
            "PaSa는 Crawler와 Selector 두 에이전트로 이루어지며, 합성 데이터셋 "
            "AutoScholarQuery로 강화 학습(Reinforcement Learning)을 수행합니다. 학습에는 "
            "세션 단위의 PPO 방법을 사용합니다.",
            "실제 질의를 모은 RealScholarQuery 벤치마크에서 PaSa 7B는 Google과 GPT-4o를 "
            "결합한 기준선보다 높은 재현율을 보였습니다. PaSa-GPT-4o보다도 좋은 결과를 냈습니다.",
        ),
    ),
    (
        "2501.10120",
        _sections(
            "PaSa는 사람처럼 인용 관계를 따라가며 관련 논문을 모으는 검색 시스템입니다. "
            "합성 질의 데이터셋과 실제 질의 벤치마크를 함께 공개합니다.",
            "Crawler가 검색과 인용 확장으로 논문 대기열을 채우고, Selector가 각 논문이 질의 "
            "조건을 만족하는지 판단합니다. 두 에이전트 모두 Qwen2.5-7B에서 출발합니다.",
            "AutoScholarQuery와 RealScholarQuery 모두에서 Google Scholar와 ChatGPT 기반 "
            "방법을 앞섰습니다. GPT-o1과 비교해서도 재현율이 높았습니다.",
        ),
    ),
    (
        "2206.10883",
        _sections(
            "이 논문은 민권 소송 문서를 여러 길이로 요약하는 데이터셋 Multi-LexSum을 "
            "소개합니다. 전문가가 작성한 요약을 바탕으로 다중 문서 요약(MDS) 연구를 지원합니다.",
            "데이터는 Civil Rights Litigation Clearinghouse(CRLC)에서 수집되었고, 각 사건에 "
            "긴 요약, 짧은 요약, 아주 짧은 요약이 있습니다. 소송 문서는 매우 길어 요약 모델에 "
            "어려움을 줍니다.",
            "BART, PEGASUS, PRIMERA, LED 16384 등의 모델을 비교했습니다. 기존 모델들은 긴 "
            "입력에서 어려움을 겪으며, 인간 평가에서도 전문가 요약과 차이가 컸습니다.",
        ),
    ),
    (
        "2206.10883",
        _sections(
            "Multi-LexSum은 법률 분야의 다중 문서, 다중 길이 요약 벤치마크입니다. 요약 길이에 "
            "따라 모델이 다른 수준의 정보를 담아야 합니다.",
            "CRLC의 전문가들이 작성한 요약을 정답으로 사용하며, BERT-EXT 같은 추출적 "
            "방법과 생성 모델을 함께 평가합니다.",
            "LED-4096과 LED-16384처럼 긴 입력을 다루는 모델이 더 나은 ROUGE 점수를 "
            "보였습니다. 그러나 사실성 면에서는 여전히 한계가 있었습니다.",
        ),
    ),
    (
        "2302.07302",
        _sections(
            "이 논문은 논문을 읽을 때 인용을 개인화해 강조하는 도구 CiteSee를 제안합니다. "
            "연구자가 이미 알고 있는 논문과 아직 모르는 중요한 논문을 구분해 보여줍니다.",
            "CiteSee는 사용자의 읽기 기록과 라이브러리를 이용해 인용 맥락을 보여주며, "
            "Semantic Scholar의 데이터를 활용합니다. 예비 인터뷰로 설계 목표를 정했습니다.",
            "실험실 연구와 현장 배포에서 CiteSee는 비교 조건보다 관련 논문을 더 잘 찾게 "
            "도왔습니다. 참가자들은 LitReview 과제에서 더 많은 관련 인용을 발견했습니다.",
        ),
    ),
    (
        "2203.00130",
        _sections(
            "이 논문은 일반인이 의학 논문을 읽도록 돕는 인터페이스 Paper Plain을 소개합니다. "
            "전문 용어와 긴 논문 구조가 비전문가에게 장벽이 된다는 관찰에서 출발합니다.",
            "Paper Plain은 용어 정의, Key Question Index, 섹션별 요약인 Gists를 제공합니다. "
            "용어 정의는 MedlinePlus의 설명을 활용합니다.",
            "사용자 연구에서 참가자들은 Paper Plain으로 논문을 더 쉽게 이해했다고 답했습니다. "
            "특히 Gists와 질문 색인이 자주 사용되었습니다.",
        ),
    ),
    (
        "2304.02623",
        _sections(
            "이 입장 논문은 문헌 리뷰 같은 실제 설명적 글쓰기(expository writing)를 돕는 AI "
            "도구 설계를 다룹니다. 요약을 넘어 근거 기반의 지식 생성 글쓰기를 지원해야 한다고 "
            "주장합니다.",
            "설명적 글쓰기를 증거 기반이며 지식을 만들어 내는 작업으로 규정하고, 대형 언어 "
            "모델을 활용한 지원 도구의 연구 과제를 정리합니다. Notion-AI 같은 기존 도구의 "
            "한계도 논의합니다.",
            "저자들은 자료 수집, 정리, 작성 단계에서 필요한 지원을 구체적 예시로 보여줍니다. "
            "정량 실험보다는 설계 방향과 연구 질문을 제시합니다.",
        ),
    ),
)
