"""Text generation: the OpenAI-compatible provider against a local server that speaks the protocol, the offline
fallback (extractive summary on real abstracts, translation unavailable) and the failure paths (HTTP error, timeout)."""

from __future__ import annotations

import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest

from lingxi.settings import Settings
from lingxi.text.generation import (
    GenerationError,
    OfflineFallback,
    OpenAICompatibleGenerator,
    TextGenerator,
    default_generator,
    extractive_summary,
    rewrite_abstract,
    translate,
)


class _ChatHandler(BaseHTTPRequestHandler):
    """/ok/v1/chat/completions answers like OpenAI; /err gives HTTP 503; /slow sleeps past the client's timeout;
    /garbage answers 200 without choices."""

    requests: ClassVar[list[dict]] = []

    def log_message(self, *args):  # keep pytest output clean
        pass

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).requests.append({"path": self.path, "auth": self.headers.get("Authorization"), "body": body})
        if self.path.startswith("/err/"):
            return self._send(503, {"error": {"message": "model is overloaded", "type": "server_error"}})
        if self.path.startswith("/slow/"):
            time.sleep(3)
            return self._send(200, {"choices": [{"message": {"role": "assistant", "content": "late"}}]})
        if self.path.startswith("/garbage/"):
            return self._send(200, {"object": "nothing"})
        if self.path != "/ok/v1/chat/completions":
            return self._send(404, {"error": {"message": f"no route {self.path}"}})
        system, user = body["messages"][0]["content"], body["messages"][1]["content"]
        task = "TRANSLATED" if "translator" in system else "REWRITTEN"
        answer = {
            "id": "chatcmpl-test",
            "object": "chat.completion",
            "model": body["model"],
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": f"{task}: {user[:20]}"},
                    "finish_reason": "stop",
                }
            ],
            "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
        }
        self._send(200, answer)

    def _send(self, status: int, payload: dict):
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture(scope="module")
def chat_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _ChatHandler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


ZH_ABSTRACT = (
    "本发明公开了一种锂离子电池正极材料及其制备方法。该正极材料包括镍钴锰三元内核和包覆在内核表面的磷酸铁锂层。"
    "制备方法包括共沉淀、混锂烧结和液相包覆三个步骤。本发明的正极材料提高了电池的循环寿命和热稳定性，降低了生产成本。"
)


def test_provider_speaks_openai_chat_protocol(chat_server):
    _ChatHandler.requests.clear()
    generator = OpenAICompatibleGenerator(f"{chat_server}/ok", api_key="sk-local", model="qwen-test", timeout=5)
    assert isinstance(generator, TextGenerator)
    result = rewrite_abstract(generator, ZH_ABSTRACT)
    assert result.available and result.provider == "openai-compatible" and result.model == "qwen-test"
    assert result.text.startswith("REWRITTEN: 本发明公开了一种锂离子电池")
    sent = _ChatHandler.requests[-1]
    assert sent["path"] == "/ok/v1/chat/completions"
    assert sent["auth"] == "Bearer sk-local"
    assert sent["body"]["model"] == "qwen-test"
    assert [m["role"] for m in sent["body"]["messages"]] == ["system", "user"]
    assert "Chinese" in sent["body"]["messages"][0]["content"]  # the rewrite stays in the abstract's language

    translated = translate(generator, ZH_ABSTRACT, "en")
    assert translated.available and translated.text.startswith("TRANSLATED: ")
    assert "English" in _ChatHandler.requests[-1]["body"]["messages"][0]["content"]


def test_base_url_with_v1_suffix_is_accepted(chat_server):
    generator = OpenAICompatibleGenerator(f"{chat_server}/ok/v1/", model="m", timeout=5)
    assert generator.chat("system", "hello") == "REWRITTEN: hello"


def test_http_error_gives_clear_message(chat_server):
    generator = OpenAICompatibleGenerator(f"{chat_server}/err", model="m", timeout=5)
    with pytest.raises(GenerationError, match=r"HTTP 503: model is overloaded"):
        generator.chat("system", "hello")
    # the task-level calls do not raise: the rewrite falls back, the translation says why it is unavailable
    rewritten = rewrite_abstract(generator, ZH_ABSTRACT)
    assert rewritten.available and rewritten.provider == "offline"
    assert "HTTP 503" in rewritten.note and "extractive summary instead" in rewritten.note
    translated = translate(generator, ZH_ABSTRACT, "en")
    assert not translated.available and translated.text == "" and "HTTP 503" in translated.note


def test_timeout_never_hangs(chat_server):
    generator = OpenAICompatibleGenerator(f"{chat_server}/slow", model="m", timeout=0.5)
    started = time.monotonic()
    with pytest.raises(GenerationError, match=r"did not answer within 0.5 s"):
        generator.chat("system", "hello")
    assert time.monotonic() - started < 2.5
    result = translate(generator, "a text", "zh")
    assert not result.available and "did not answer within" in result.note


def test_malformed_answer_and_unreachable_provider(chat_server):
    with pytest.raises(GenerationError, match="without choices"):
        OpenAICompatibleGenerator(f"{chat_server}/garbage", model="m", timeout=5).chat("s", "u")
    unreachable = OpenAICompatibleGenerator("http://127.0.0.1:9", model="m", timeout=2)
    result = translate(unreachable, "text", "zh")
    assert not result.available and "unreachable" in result.note


def test_default_generator_is_offline_unless_configured(monkeypatch, tmp_path):
    for name in ("LINGXI_GENERATION_URL", "LINGXI_GENERATION_MODEL", "LINGXI_GENERATION_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    assert isinstance(default_generator(Settings(home=tmp_path)), OfflineFallback)
    monkeypatch.setenv("LINGXI_GENERATION_URL", "http://127.0.0.1:1234")
    monkeypatch.setenv("LINGXI_GENERATION_MODEL", "deepseek-chat")
    monkeypatch.setenv("LINGXI_GENERATION_API_KEY", "sk-x")
    generator = default_generator(Settings(home=tmp_path))
    assert isinstance(generator, OpenAICompatibleGenerator)
    assert generator.url == "http://127.0.0.1:1234/v1/chat/completions"
    assert generator.model == "deepseek-chat" and generator.api_key == "sk-x"


def test_offline_translation_is_unavailable_not_an_error():
    result = translate(OfflineFallback(), ZH_ABSTRACT, "en")
    assert result.available is False and result.text == ""
    assert "translation unavailable" in result.note and "LINGXI_GENERATION_URL" in result.note


def test_offline_summary_of_real_abstracts(shared_data: Path):
    rows = [
        json.loads(line) for line in (shared_data / "cn_patents_dev" / "cn_patents_dev.jsonl").open(encoding="utf-8")
    ]
    long_ones = [r for r in rows if len(r["abstract"]) > 300][:50]
    assert len(long_ones) == 50
    for row in long_ones:
        result = rewrite_abstract(OfflineFallback(), row["abstract"])
        assert result.available and result.provider == "offline"
        assert 0 < len(result.text) <= 160
        # extractive: every chosen sentence (a clipped tail included) is a piece of the abstract
        for piece in re.split(r"(?<=[。！？；;!?])", result.text.rstrip("…")):
            assert piece[:30] in row["abstract"]

    docs = json.loads((shared_data / "us_uspto_ppubs_json" / "ppubs_doc_31_fulltext.json").read_text(encoding="utf-8"))
    english = [re.sub(r"<[^>]+>", " ", d["abstractHtml"]) for d in docs if d.get("abstractHtml")]
    english = [re.sub(r"\s+", " ", a).strip() for a in english if len(a) > 700][:10]
    assert english
    for abstract in english:
        summary = extractive_summary(abstract, max_chars=400)
        assert 0 < len(summary) <= 400
        assert summary.split(". ")[0].rstrip(".…") in abstract


def test_summary_keeps_opening_and_effect():
    summary = extractive_summary(ZH_ABSTRACT, max_chars=110)
    assert summary.startswith("本发明公开了一种锂离子电池正极材料")
    assert "提高了电池的循环寿命" in summary
