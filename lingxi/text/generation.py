"""Text generation for abstract rewriting (文摘重写) and key-patent translation (重点专利翻译, zh↔en).

A `TextGenerator` has two tasks, `rewrite` and `translate`, each returning a `GenerationResult` (text, provider, model,
available, note). Two implementations:

- `OpenAICompatibleGenerator`: POST {base_url}/v1/chat/completions with the OpenAI chat schema — the protocol that
  OpenAI, vLLM, llama.cpp's server, Ollama, LM Studio, DeepSeek, Qwen/DashScope compatible mode … all speak. The
  operator configures it (`LINGXI_GENERATION_URL`, `LINGXI_GENERATION_MODEL`, `LINGXI_GENERATION_API_KEY`,
  `LINGXI_GENERATION_TIMEOUT`); it is off by default and Lingxi never downloads a model itself.
- `OfflineFallback`: an extractive summary (sentences ranked by how central their segmented tokens are to the whole
  text, with a bonus for the opening sentence and for sentences that state an effect) — Chinese and English; it
  answers translation requests with `available=False` and the reason, never with an exception.

`default_generator(settings)` picks one. `rewrite_abstract(generator, text)` and `translate(generator, text, target)`
are the calls the tagging job uses: a provider failure (timeout, HTTP error, malformed answer) becomes a result with a
clear note — the rewrite falls back to the extractive summary, the translation says it is unavailable — so a batch run
never hangs or dies on one bad answer. `OpenAICompatibleGenerator.chat` raises `GenerationError` for callers that want
the exception.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import asdict, dataclass
from typing import Protocol, runtime_checkable

import httpx

from lingxi.text.segment import detect_language, segment

LANGUAGE_NAMES = {"zh": "Simplified Chinese", "en": "English"}


@dataclass
class GenerationResult:
    text: str
    provider: str  # "openai-compatible" / "offline"
    model: str | None
    available: bool  # False: the task could not be done (text is empty), `note` says why
    note: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


class GenerationError(RuntimeError):
    """The provider did not give a usable answer; the message says which endpoint and why."""


@runtime_checkable
class TextGenerator(Protocol):
    provider: str
    model: str | None

    def rewrite(self, text: str, *, language: str | None = None, max_chars: int | None = None) -> GenerationResult: ...

    def translate(self, text: str, target_language: str) -> GenerationResult: ...


# --- the OpenAI-compatible provider --------------------------------------------------------------------------------

_REWRITE_PROMPT = (
    "You are a patent analyst. Rewrite the patent abstract below as a concise abstract in {language}: state the "
    "technical problem, the technical means and the functional effects, in at most {limit}. Keep technical terms "
    "exact, add nothing that the text does not say. Answer with the rewritten abstract only."
)
_TRANSLATE_PROMPT = (
    "You are a professional patent translator. Translate the patent text below into {language}. Keep technical terms "
    "precise and consistent, keep numbers, units, formulas and reference signs unchanged. Answer with the translation "
    "only."
)


class OpenAICompatibleGenerator:
    provider = "openai-compatible"

    def __init__(
        self,
        base_url: str,
        api_key: str | None = None,
        model: str = "default",
        timeout: float = 60.0,
        *,
        temperature: float = 0.2,
    ) -> None:
        base = base_url.rstrip("/")
        # accept both conventions: "https://host" and the OpenAI-SDK style "https://host/v1"
        self.url = f"{base}/chat/completions" if base.endswith("/v1") else f"{base}/v1/chat/completions"
        self.api_key = api_key
        self.model = model
        self.timeout = timeout
        self.temperature = temperature

    def chat(self, system: str, user: str, *, max_tokens: int | None = None) -> str:
        """The assistant message for one system+user exchange; raises GenerationError on any failure."""
        payload: dict = {
            "model": self.model,
            "messages": [{"role": "system", "content": system}, {"role": "user", "content": user}],
            "temperature": self.temperature,
            "stream": False,
        }
        if max_tokens:
            payload["max_tokens"] = max_tokens
        headers = {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}
        try:
            # one timeout for connect, each read, write and pool wait: a silent server fails after `timeout` seconds
            response = httpx.post(self.url, json=payload, headers=headers, timeout=self.timeout)
        except httpx.TimeoutException as error:
            raise GenerationError(
                f"text-generation provider {self.url} did not answer within {self.timeout:g} s ({type(error).__name__})"
            ) from error
        except httpx.HTTPError as error:
            raise GenerationError(f"text-generation provider {self.url} unreachable: {error}") from error
        if response.status_code >= 400:
            raise GenerationError(
                f"text-generation provider {self.url} answered HTTP {response.status_code}: {_error_message(response)}"
            )
        try:
            content = response.json()["choices"][0]["message"]["content"]
        except (ValueError, KeyError, IndexError, TypeError) as error:
            raise GenerationError(
                f"text-generation provider {self.url} answered without choices[0].message.content: "
                f"{response.text[:200]!r}"
            ) from error
        if not isinstance(content, str) or not content.strip():
            raise GenerationError(f"text-generation provider {self.url} answered with empty content")
        return content.strip()

    def rewrite(self, text: str, *, language: str | None = None, max_chars: int | None = None) -> GenerationResult:
        language = _language(text, language)
        limit = max_chars or _default_limit(language)
        unit = f"{limit} Chinese characters" if language == "zh" else f"{max(limit // 6, 20)} words"
        system = _REWRITE_PROMPT.format(language=LANGUAGE_NAMES.get(language, "the language of the text"), limit=unit)
        answer = self.chat(system, text)
        return GenerationResult(answer, self.provider, self.model, True, "")

    def translate(self, text: str, target_language: str) -> GenerationResult:
        if target_language not in LANGUAGE_NAMES:
            return GenerationResult(
                "", self.provider, self.model, False, f"unsupported target language {target_language!r} (zh, en)"
            )
        answer = self.chat(_TRANSLATE_PROMPT.format(language=LANGUAGE_NAMES[target_language]), text)
        return GenerationResult(answer, self.provider, self.model, True, "")


def _error_message(response: httpx.Response) -> str:
    """The provider's own error text (OpenAI schema: {"error": {"message": …}}) or the start of the body."""
    try:
        body = response.json()
        error = body.get("error") if isinstance(body, dict) else None
        if isinstance(error, dict) and error.get("message"):
            return str(error["message"])
        if isinstance(error, str):
            return error
    except ValueError:
        pass
    return response.text[:200] or response.reason_phrase


# --- the offline fallback ------------------------------------------------------------------------------------------

_ZH_SPLIT = re.compile(r"(?<=[。！？；;!?])")
_EN_SPLIT = re.compile(r"(?<=[.!?])\s+(?=[A-Z(])")
_EFFECT_CUE = re.compile(
    r"提高|提升|降低|减少|延长|避免|改善|增强|简化|有益效果|优点|improv|increas|reduc|enhanc|prevent|advantage",
    re.IGNORECASE,
)
_EN_STOP = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "to",
        "in",
        "on",
        "for",
        "and",
        "or",
        "with",
        "by",
        "from",
        "at",
        "as",
        "is",
        "are",
        "be",
        "been",
        "being",
        "this",
        "that",
        "these",
        "those",
        "it",
        "its",
        "which",
        "said",
        "wherein",
        "first",
        "second",
        "one",
        "more",
        "least",
        "each",
        "such",
        "can",
        "may",
        "also",
        "into",
        "has",
        "have",
        "having",
    ]
)


def _default_limit(language: str) -> int:
    return 160 if language == "zh" else 600


def _language(text: str, language: str | None) -> str:
    if language:
        return language
    detected = detect_language(text)
    return detected if detected in LANGUAGE_NAMES else "en"


def _sentences(text: str, language: str) -> list[str]:
    pattern = _ZH_SPLIT if language == "zh" else _EN_SPLIT
    return [s.strip() for s in pattern.split(re.sub(r"\s+", " ", text).strip()) if s.strip()]


def _content_tokens(sentence: str, language: str) -> list[str]:
    tokens = segment(sentence)
    if language == "zh":
        return [t for t in tokens if len(t) >= 2]  # one-character words are mostly function words (的, 和, 在)
    return [t for t in tokens if t not in _EN_STOP and len(t) > 2]


def extractive_summary(text: str, *, language: str | None = None, max_chars: int | None = None) -> str:
    """The most central sentences of `text`, in their original order, within `max_chars` (zh 160, en 600).

    Centrality: cosine similarity of a sentence's token counts with the counts of the rest of the text (a sentence
    that shares the text's vocabulary says what the text is about). Position: the opening sentence names the
    invention, so it gets a bonus; a sentence stating an effect gets a smaller one, because a rewritten abstract must
    keep the effect.
    """
    language = _language(text, language)
    limit = max_chars or _default_limit(language)
    sentences = _sentences(text, language)
    if not sentences:
        return ""
    if len(sentences) == 1:
        return _clip(sentences[0], limit)
    bags = [Counter(_content_tokens(s, language)) for s in sentences]
    total = sum(bags, Counter())
    scores = []
    for index, (sentence, bag) in enumerate(zip(sentences, bags)):
        rest = total - bag
        dot = sum(count * rest[token] for token, count in bag.items())
        norm = math.sqrt(sum(c * c for c in bag.values())) * math.sqrt(sum(c * c for c in rest.values()))
        centrality = dot / norm if norm else 0.0
        position = 0.3 if index == 0 else 0.1 / index
        effect = 0.15 if _EFFECT_CUE.search(sentence) else 0.0
        scores.append(centrality + position + effect)
    chosen: list[int] = []
    used = 0
    joiner = 0 if language == "zh" else 1
    for index in sorted(range(len(sentences)), key=lambda i: -scores[i]):
        length = len(sentences[index]) + joiner
        if used + length <= limit or not chosen:
            chosen.append(index)
            used += length
    summary = ("" if language == "zh" else " ").join(sentences[i] for i in sorted(chosen))
    return _clip(summary, limit)


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


class OfflineFallback:
    provider = "offline"
    model: str | None = None

    def rewrite(self, text: str, *, language: str | None = None, max_chars: int | None = None) -> GenerationResult:
        summary = extractive_summary(text, language=language, max_chars=max_chars)
        return GenerationResult(
            summary,
            self.provider,
            None,
            bool(summary),
            "extractive summary (no text-generation provider configured)" if summary else "empty text",
        )

    def translate(self, text: str, target_language: str) -> GenerationResult:
        return GenerationResult(
            "",
            self.provider,
            None,
            False,
            "translation unavailable: no text-generation provider is configured "
            "(set LINGXI_GENERATION_URL and LINGXI_GENERATION_MODEL to an OpenAI-compatible endpoint)",
        )


# --- entry points --------------------------------------------------------------------------------------------------


def default_generator(settings) -> TextGenerator:
    """The configured OpenAI-compatible provider when `settings.generation_url` is set, else the offline fallback."""
    url = getattr(settings, "generation_url", None)
    if not url:
        return OfflineFallback()
    return OpenAICompatibleGenerator(
        url,
        api_key=getattr(settings, "generation_api_key", None),
        model=getattr(settings, "generation_model", None) or "default",
        timeout=float(getattr(settings, "generation_timeout", 60.0) or 60.0),
    )


def rewrite_abstract(
    generator: TextGenerator, patent_text: str, *, language: str | None = None, max_chars: int | None = None
) -> GenerationResult:
    """A rewritten abstract; when the provider fails, the extractive summary with a note that says why."""
    if not patent_text or not patent_text.strip():
        return GenerationResult("", generator.provider, generator.model, False, "empty text")
    try:
        return generator.rewrite(patent_text, language=language, max_chars=max_chars)
    except GenerationError as error:
        fallback = OfflineFallback().rewrite(patent_text, language=language, max_chars=max_chars)
        fallback.note = f"{error}; extractive summary instead"
        return fallback


def translate(generator: TextGenerator, text: str, target_language: str) -> GenerationResult:
    """`text` in `target_language` ("zh" or "en"); `available=False` with the reason when it cannot be done."""
    if not text or not text.strip():
        return GenerationResult("", generator.provider, generator.model, False, "empty text")
    try:
        return generator.translate(text, target_language)
    except GenerationError as error:
        return GenerationResult("", generator.provider, generator.model, False, f"translation unavailable: {error}")
