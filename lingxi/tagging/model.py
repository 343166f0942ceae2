"""The learned part of classification: a token-weight model per taxonomy (one-vs-rest, Bernoulli log-odds).

Why this model and not a library classifier: its training set is tiny and grows one review at a time (node keywords
and examples, then every accepted / corrected / rejected tag), it must retrain in milliseconds when a reviewer
saves, explain itself ("钙钛矿 +4.1") and score 500+ patents a second on one core. A per-node log-odds weight of
each token's presence does all of that with dictionaries (scikit-learn would be a 30 MB dependency for the same
naive-Bayes arithmetic).

Training examples are (tokens, positive node keys, negative node keys):
- each keyword, name and example text of a node is a positive example of that node, a negative of the others;
- a human-confirmed tag (accepted or corrected) makes the patent's text a positive example of the node — weighted
  more than a keyword, because it is real patent language — and a rejected tag a negative example of it.
- background texts (a fixed sample of the store's own patents, unlabelled) are negatives of every node: they tell
  the model how common a word is in patent language at large, so 装置 or 方法 weigh nothing while 钙钛矿 weighs a
  lot. Without a background (an empty store) only tokens of the node's own keywords, and tokens seen in at least two
  reviewed patents of the node, may carry weight.
For node n and token t, weight = log P(t | n) − log P(t | not n) with add-α smoothing over example counts.
A score sums the TOP_TOKENS strongest positive weights among a document's distinct tokens (and every negative
one); probability = sigmoid(score − BIAS).
"""

from __future__ import annotations

import hashlib
import math
from collections import defaultdict
from dataclasses import dataclass, field

from lingxi.tagging.taxonomy import Taxonomy
from lingxi.text.segment import segment

ALGORITHM = "tw1"
ALPHA = 0.5
PRIOR = 20.0
BIAS = 7.0  # about two tokens telling for a node (weights up to 4): one shared token must not tag
HUMAN_WEIGHT = 3.0  # a reviewed patent counts as three keyword examples
MAX_WEIGHT = 4.0
MIN_SUPPORT = 2  # reviewed patents that must share a token before it counts for their node
MIN_WEIGHT = 2.0  # a token must be e² (7×) likelier in the node than elsewhere; weaker ones only add noise
TOP_TOKENS = 5  # a score sums the strongest few tokens: naive Bayes summing a hundred weak ones is overconfident


# Patent boilerplate that says nothing about the field; ignored so that a store without text in one language (no
# background to learn that "system" is common) cannot turn them into a node's signature.
BOILERPLATE = frozenset("""
一种 及其 方法 装置 系统 设备 用于 所述 包括 其中 以及 进行 使用 应用 制备 本发明 本实用新型 实用新型 公开 结构 组件
a an the of and or for to in on with by from at as is are be said wherein which that this thereof method methods
system systems device devices apparatus assembly process first second one more least having comprising includes
including based using use used
""".split())


@dataclass
class Example:
    tokens: frozenset[str]
    positives: frozenset[str]
    negatives: frozenset[str] = frozenset()
    weight: float = 1.0


@dataclass
class TokenWeightModel:
    taxonomy_name: str
    version: str
    weights: dict[str, list[tuple[str, float]]] = field(default_factory=dict)  # token → [(node, weight)]
    human_examples: int = 0

    def score(self, tokens) -> dict[str, tuple[float, list[tuple[str, float]]]]:
        """node → (probability, the tokens that contributed most)."""
        why: dict[str, list[tuple[str, float]]] = defaultdict(list)
        for token in set(tokens):
            for node, weight in self.weights.get(token, ()):
                why[node].append((token, weight))
        out = {}
        for node, contributions in why.items():
            positive = sorted((w for _, w in contributions if w > 0), reverse=True)[:TOP_TOKENS]
            total = sum(positive) + sum(w for _, w in contributions if w < 0)
            probability = 1.0 / (1.0 + math.exp(-(total - BIAS)))
            if probability >= 0.05:
                out[node] = (probability, sorted(why[node], key=lambda item: -item[1])[:4])
        return out


def keyword_examples(taxonomy: Taxonomy) -> list[Example]:
    examples = []
    for node in taxonomy.nodes:
        texts = [node.name_zh, node.name_en, *node.keywords_zh, *node.keywords_en, *node.examples]
        for text in texts:
            tokens = frozenset(segment(text)) - BOILERPLATE
            if tokens:
                examples.append(Example(tokens, frozenset({node.key})))
    return examples


def train(taxonomy: Taxonomy, human: list[Example] | None = None,
          background: list[frozenset[str]] | None = None) -> TokenWeightModel:
    """Fit the model on the taxonomy's own definitions, reviewed patents (`human`) and unlabelled `background`."""
    human = human or []
    background = background or []
    own = keyword_examples(taxonomy)
    examples = own + human + [Example(tokens, frozenset()) for tokens in background]
    # Which (node, token) pairs may carry weight: every token of the node's own keywords, and a token of reviewed
    # patents only once MIN_SUPPORT of them share it (a word seen in one patent is that patent, not the node) and,
    # without a background to tell common words from telling ones, only when it is also rare among other nodes.
    allowed = {(node, token) for example in own for node in example.positives for token in example.tokens}
    seen: dict[tuple[str, str], int] = defaultdict(int)
    for example in human:
        for node in example.positives:
            for token in example.tokens:
                seen[(node, token)] += 1
    allowed |= {pair for pair, count in seen.items() if count >= MIN_SUPPORT}
    pos_count: dict[str, float] = defaultdict(float)  # node → weighted number of positive examples
    pos_token: dict[tuple[str, str], float] = defaultdict(float)
    neg_token: dict[tuple[str, str], float] = defaultdict(float)  # (node, token) among explicit negatives
    neg_count: dict[str, float] = defaultdict(float)
    token_total: dict[str, float] = defaultdict(float)
    total = 0.0
    for example in examples:
        total += example.weight
        for token in example.tokens:
            token_total[token] += example.weight
        for node in example.positives:
            pos_count[node] += example.weight
            for token in example.tokens:
                pos_token[(node, token)] += example.weight
        for node in example.negatives:
            neg_count[node] += example.weight
            for token in example.tokens:
                neg_token[(node, token)] += example.weight
    weights: dict[str, list[tuple[str, float]]] = defaultdict(list)
    for (node, token), count in pos_token.items():
        if (node, token) not in allowed or token in BOILERPLATE:
            continue
        positives = pos_count[node]
        # "not n" = every example that is not a positive of n (other nodes' examples, rejections of n)
        negatives = total - positives + neg_count[node]
        in_negatives = token_total[token] - count + neg_token.get((node, token), 0.0)
        elsewhere = (in_negatives + ALPHA) / (negatives + 2 * ALPHA)
        # m-estimate: the node's rate is shrunk towards the rate elsewhere by PRIOR examples' worth, so a handful
        # of reviewed patents cannot make an everyday word (溶液, 良好) look like the node's signature
        weight = math.log((count + PRIOR * elsewhere) / (positives + PRIOR)) - math.log(elsewhere)
        weight = min(weight, MAX_WEIGHT)
        if weight >= MIN_WEIGHT:
            weights[token].append((node, round(weight, 4)))
    # tokens only seen in rejections push their node down
    for (node, token), count in neg_token.items():
        if (node, token) not in pos_token:
            weights[token].append((node, -min(MAX_WEIGHT, math.log1p(count))))
    digest = hashlib.sha1(taxonomy.content_hash().encode())
    for example in sorted(human, key=lambda e: (sorted(e.positives), sorted(e.negatives), sorted(e.tokens))):
        digest.update(repr((sorted(example.positives), sorted(example.negatives), sorted(example.tokens))).encode())
    for tokens in background:
        digest.update(" ".join(sorted(tokens)).encode())
    version = f"{ALGORITHM}-{digest.hexdigest()[:12]}"
    return TokenWeightModel(taxonomy.name, version, dict(weights), human_examples=len(human))
