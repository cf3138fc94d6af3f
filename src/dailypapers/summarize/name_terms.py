"""The words the name check needs to know: acronyms every ML text uses, common abbreviations
with their expansions, and which glossary terms name a technique.

Kept apart from the matching (``names.py``) because it is data, read once.
"""

from __future__ import annotations

#: Acronyms of the field's vocabulary, not of anything a paper did: a summary may say "LLM"
#: of a paper that writes "language model". Never checked (plural forms included).
GENERIC = frozenset(
    {
        "ai", "ml", "dl", "nlp", "cv", "llm", "lm", "vlm", "mllm", "lmm", "lvlm", "slm",
        "gpu", "cpu", "tpu", "api", "sota", "id", "ui", "rgb", "hd", "io", "ok", "os", "db",
        "kb", "mb", "gb", "tb", "khz", "mhz", "ghz",
    }
)  # fmt: skip

#: Abbreviations papers use without always defining them, and what they stand for. An
#: abbreviation in a summary is supported when the paper writes it, or one of its expansions.
ABBREVIATIONS: dict[str, tuple[str, ...]] = {
    "rl": ("reinforcement learning",),
    "rlhf": ("reinforcement learning from human feedback",),
    "rlaif": ("reinforcement learning from ai feedback",),
    "rag": ("retrieval augmented generation", "retrieval augmented"),
    "cot": ("chain of thought",),
    "sft": ("supervised fine tuning", "supervised finetuning"),
    "moe": ("mixture of experts", "mixture of expert"),
    "icl": ("in context learning",),
    "kd": ("knowledge distillation",),
    "peft": ("parameter efficient fine tuning", "parameter efficient"),
    "lora": ("low rank adaptation", "low rank adapter"),
    "vit": ("vision transformer",),
    "dit": ("diffusion transformer",),
    "cnn": ("convolutional neural network", "convolutional network"),
    "rnn": ("recurrent neural network",),
    "mlp": ("multi layer perceptron", "multilayer perceptron"),
    "ffn": ("feed forward network", "feedforward network"),
    "kv": ("key value",),
    "qa": ("question answering",),
    "vqa": ("visual question answering",),
    "ocr": ("optical character recognition",),
    "asr": ("automatic speech recognition", "speech recognition"),
    "tts": ("text to speech",),
    "t2i": ("text to image",),
    "t2v": ("text to video",),
    "i2v": ("image to video",),
    "ood": ("out of distribution",),
    "mcts": ("monte carlo tree search",),
    "ppo": ("proximal policy optimization",),
    "dpo": ("direct preference optimization",),
    "grpo": ("group relative policy optimization",),
    "vae": ("variational autoencoder", "variational auto encoder"),
    "gan": ("generative adversarial network",),
    "ssm": ("state space model",),
    "nerf": ("neural radiance field",),
    "3dgs": ("gaussian splatting",),
    "sae": ("sparse autoencoder",),
    "prm": ("process reward model",),
    "orm": ("outcome reward model",),
    "rm": ("reward model",),
    "nas": ("neural architecture search",),
    "gnn": ("graph neural network",),
    "kg": ("knowledge graph",),
    "mdp": ("markov decision process",),
    "sde": ("stochastic differential equation",),
    "ode": ("ordinary differential equation",),
    "cfg": ("classifier free guidance",),
    "rope": ("rotary position embedding", "rotary positional embedding"),
    "gqa": ("grouped query attention",),
    "mha": ("multi head attention",),
    "fid": ("frechet inception distance", "fréchet inception distance"),
    "psnr": ("peak signal to noise ratio",),
    "ssim": ("structural similarity",),
    "iou": ("intersection over union",),
    "miou": ("mean intersection over union",),
    "map": ("mean average precision",),
    "auc": ("area under the curve", "area under curve"),
    "wer": ("word error rate",),
    "bpe": ("byte pair encoding",),
    "gui": ("graphical user interface",),
    "ar": ("autoregressive", "auto regressive"),
    "sr": ("super resolution", "superresolution"),
}

#: Glossary terms (English) whose rendering names a technique a paper either uses or does
#: not: "강화 학습" claims reinforcement learning. The other glossary terms (추론, 정책, 벤치마크,
#: 토큰, 최신 기술, ...) are the field's vocabulary, or one rendering of two terms (추론 is
#: reasoning and inference), and claim nothing a paper could lack.
NAMED_TERMS = frozenset(
    {
        "reinforcement learning",
        "reinforcement learning from human feedback",
        "supervised fine-tuning",
        "instruction tuning",
        "in-context learning",
        "chain-of-thought",
        "reward model",
        "preference optimization",
        "knowledge distillation",
        "distillation",
        "quantization",
        "pruning",
        "mixture of experts",
        "retrieval-augmented generation",
        "diffusion model",
        "scaling law",
    }
)

#: Small words an expansion may have that its abbreviation skips ("Chain-of-Thought" = CoT).
SKIPPED = frozenset({"of", "the", "and", "for", "to", "in", "on", "with", "a", "an", "by"})
