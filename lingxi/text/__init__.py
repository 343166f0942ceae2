"""Text layer: normalisation, Chinese segmentation, language detection and offline embeddings (DESIGN.md layer 4)."""

from lingxi.text.segment import detect_language, normalise, segment, segment_for_index

__all__ = ["detect_language", "normalise", "segment", "segment_for_index"]
