"""Abstract rewriting (文摘重写) and key-patent translation through the configured text-generation provider.

Off by default: without LINGXI_GENERATION_URL the offline fallback writes an extractive summary and says that
translation is unavailable. Nothing is stored; the answer says which provider and model produced it.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from lingxi.accounts.principal import Principal
from lingxi.accounts.roles import PATENTS_READ, require
from lingxi.db.models import Patent
from lingxi.errors import InvalidInput, NotFound
from lingxi.settings import Settings
from lingxi.text.generation import GenerationResult, default_generator, rewrite_abstract, translate

LANGUAGES = ("zh", "en")


def _patent(session: Session, actor: Principal, patent_id: int) -> Patent:
    require(actor, PATENTS_READ)
    patent = session.get(Patent, patent_id)
    if patent is None:
        raise NotFound(f"patent {patent_id} does not exist")
    return patent


def rewrite_patent_abstract(session: Session, actor: Principal, settings: Settings, patent_id: int) -> GenerationResult:
    patent = _patent(session, actor, patent_id)
    text = "\n".join(part for part in (patent.title, patent.abstract, patent.first_claim) if part)
    return rewrite_abstract(default_generator(settings), text, language=patent.language)


def translate_patent(session: Session, actor: Principal, settings: Settings, patent_id: int,
                     target_language: str) -> GenerationResult:
    if target_language not in LANGUAGES:
        raise InvalidInput(f"target language must be zh or en, not {target_language!r}", field="target")
    patent = _patent(session, actor, patent_id)
    text = "\n".join(part for part in (patent.title, patent.abstract) if part)
    return translate(default_generator(settings), text, target_language)
