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

Reviews teach two more things (`train`), each measured on reviewed patents the weights being judged were not
fitted on, so that the next run improves on patents nobody reviewed: a node's bias rises until the tags its
learned score adds beyond the rules are right at least as often as the rules' own tags (calibrated_biases), and
each IPC/keyword rule's confidence falls with the share of its proposals reviewers rejected (rule_reliability).
Measured on the labelled dev set, 2-fold (bench/tagging_quality.py): weights alone cut SEI precision on the held-out
half from 0.73 to 0.56; with both, precision and F1 rise.
"""

from __future__ import annotations

import hashlib
import math
from collections import defaultdict
from dataclasses import dataclass, field

from lingxi.tagging.taxonomy import Taxonomy
from lingxi.text.segment import segment

ALGORITHM = "tw1"  # token weights alone: what a taxonomy without reviews gets (unchanged since tw1)
REVIEWED_ALGORITHM = "tw2"  # token weights + calibrated biases + rule reliability, learned from reviews
ALPHA = 0.5
PRIOR = 20.0
BIAS = 7.0  # about two tokens telling for a node (weights up to 4): one shared token must not tag
HUMAN_WEIGHT = 3.0  # a reviewed patent counts as three keyword examples
MAX_WEIGHT = 4.0
MIN_SUPPORT = 2  # reviewed patents that must share a token before it counts for their node
MIN_WEIGHT = 2.0  # a token must be e² (7×) likelier in the node than elsewhere; weaker ones only add noise
TOP_TOKENS = 5  # a score sums the strongest few tokens: naive Bayes summing a hundred weak ones is overconfident
FOLDS = 5  # calibration: reviews are split in five, each fifth scored by a model fitted on the other four
STEPS = (0.0, 1.0, 2.0, 3.0, 4.0, 6.0, 8.0, 12.0)  # biases tried above BIAS, smallest first
RULE_PRIOR = 4.0  # a rule's default confidence counts as this many reviews


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
    # the reviewed patent itself, when known: which IPC and keyword rules fired on it tells how reliable each
    # rule is (see rule_reliability)
    title: str = ""
    body: str = ""
    ipc_codes: tuple[str, ...] = ()


@dataclass
class TokenWeightModel:
    taxonomy_name: str
    version: str
    weights: dict[str, list[tuple[str, float]]] = field(default_factory=dict)  # token → [(node, weight)]
    human_examples: int = 0
    # node → bias, for nodes whose reviews showed the learned score over-firing at BIAS (see calibrated_biases)
    biases: dict[str, float] = field(default_factory=dict)
    # (node, where, keyword or IPC pattern) → confidence of that rule as reviews measured it (see rule_reliability)
    rule_confidence: dict[tuple[str, str, str], float] = field(default_factory=dict)

    def totals(self, tokens) -> dict[str, tuple[float, list[tuple[str, float]]]]:
        """node → (score before the bias, contributions)."""
        why: dict[str, list[tuple[str, float]]] = defaultdict(list)
        weights = self.weights
        for token in set(tokens):
            pairs = weights.get(token)
            if pairs:
                for node, weight in pairs:
                    why[node].append((token, weight))
        out = {}
        for node, contributions in why.items():
            positive = sorted((w for _, w in contributions if w > 0), reverse=True)[:TOP_TOKENS]
            out[node] = (sum(positive) + sum(w for _, w in contributions if w < 0), contributions)
        return out

    def score(self, tokens) -> dict[str, tuple[float, list[tuple[str, float]]]]:
        """node → (probability, the tokens that contributed most)."""
        out = {}
        biases = self.biases
        for node, (total, contributions) in self.totals(tokens).items():
            probability = 1.0 / (1.0 + math.exp(-(total - biases.get(node, BIAS))))
            if probability >= 0.05:
                # ties by token, so that the evidence does not depend on the process's string hashing
                out[node] = (probability, sorted(contributions, key=lambda item: (-item[1], item[0]))[:4])
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
    """Fit the model on the taxonomy's own definitions, reviewed patents (`human`) and unlabelled `background`.

    With reviews, two more things are learned from them, both measured on reviewed patents the fitted weights
    have not seen (so they say how the model does on the next, unreviewed patents, not on its training set):
    per node, the bias at which the tags its learned score adds are as often right as the rules' (calibrated_biases),
    and per IPC/keyword rule, how often its proposals were rejected (rule_reliability). Without them, words learned from
    reviews of one node fired on its neighbours (a reviewed 纳米 patent's 溶剂, 溶液 tagged every chemistry
    patent 前沿新材料) and rules a reviewer kept rejecting kept proposing."""
    human = human or []
    background = background or []
    digest = hashlib.sha1(taxonomy.content_hash().encode())
    for example in sorted(human, key=lambda e: (sorted(e.positives), sorted(e.negatives), sorted(e.tokens))):
        digest.update(repr((sorted(example.positives), sorted(example.negatives), sorted(example.tokens))).encode())
    for tokens in background:
        digest.update(" ".join(sorted(tokens)).encode())
    for text in sorted(repr((e.title, e.body, e.ipc_codes)) for e in human):  # rule reliability reads them
        digest.update(text.encode())
    version = f"{REVIEWED_ALGORITHM if human else ALGORITHM}-{digest.hexdigest()[:12]}"
    cached = _TRAINED.get((version, digest.hexdigest()))
    if cached is not None:  # same inputs, same model: pages that classify a demand need not refit it each time
        return cached
    model = _fit(taxonomy, human, background)
    if human:
        model.rule_confidence = rule_reliability(taxonomy, human)
        model.biases = calibrated_biases(taxonomy, human, background, model.rule_confidence)
    model.version = version
    if len(_TRAINED) >= 16:
        _TRAINED.pop(next(iter(_TRAINED)))
    _TRAINED[(version, digest.hexdigest())] = model
    return model


_TRAINED: dict[tuple[str, str], TokenWeightModel] = {}  # (version, full digest) → model; models are not mutated


def _fit(taxonomy: Taxonomy, human: list[Example], background: list[frozenset[str]]) -> TokenWeightModel:
    """The token weights alone (the naive-Bayes part)."""
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
    return TokenWeightModel(taxonomy.name, "", dict(weights), human_examples=len(human))


def _related(taxonomy: Taxonomy, node: str, keys: frozenset[str]) -> bool:
    """Is `node` one of `keys`, or an ancestor or a descendant of one (a judgement about it, either way)?"""
    if node not in taxonomy.by_key:
        return False
    lineage = {node, *taxonomy.ancestors(node)}
    return any(key in lineage or (key in taxonomy.by_key and node in taxonomy.ancestors(key)) for key in keys)


def _verdict(taxonomy: Taxonomy, node: str, example: Example, implicit: bool) -> bool | None:
    """True when the reviews say `node` is right for the example's patent, False when wrong, None when unknown.

    Right: the node or one of its descendants was confirmed. Wrong: it or an ancestor was rejected, or
    (`implicit`) the reviewer put the patent elsewhere in the taxonomy, on no node of this one's lineage."""
    lineage = {node, *taxonomy.ancestors(node)} if node in taxonomy.by_key else {node}
    if node in example.positives or any(node in taxonomy.ancestors(key) for key in example.positives
                                        if key in taxonomy.by_key):
        return True
    if lineage & example.negatives:
        return False
    if implicit and example.positives and not _related(taxonomy, node, example.positives):
        return False
    return None


def calibrated_biases(taxonomy: Taxonomy, human: list[Example], background: list[frozenset[str]],
                      rule_confidence: dict | None = None) -> dict:
    """Per node, the smallest bias (from BIAS up) at which the tags the learned score adds — on held-out reviewed
    patents the IPC and keyword rules alone would not tag with the node — are right at least as often as the
    rules' own tags on those patents are (and at least half the time).

    Why only the tags it adds: the rules already find most patents of a node, so the score's own precision (which
    counts those) says little about the tags the next run gains or loses by it; and a tag it adds that is right
    less often than the rules' would lower the next run's precision. FOLDS-fold over the reviewed patents (in their
    given order), each fold scored by weights fitted without it; precision by Laplace's rule of succession, so
    that two or three added tags, all wrong, already raise the bias."""
    if len(human) < FOLDS * 2:
        return {}
    from lingxi.tagging.classifier import THRESHOLD, Classifier, Document  # the classifier imports this module

    rules = Classifier(taxonomy, TokenWeightModel(taxonomy.name, ""))
    scored: dict[str, list[tuple[float, float, bool]]] = defaultdict(list)  # node → (rules' miss, total, right?)
    rule_verdicts = {True: 0, False: 0}  # the rules' own tags on held-out reviewed patents: right / wrong
    for fold in range(FOLDS):
        kept = [e for i, e in enumerate(human) if i % FOLDS != fold]
        model = _fit(taxonomy, kept, background)
        for example in human[fold::FOLDS]:
            miss: dict[str, float] = defaultdict(lambda: 1.0)  # node → 1 − the rules' confidence
            if example.title or example.body or example.ipc_codes:
                document = Document(example.title, example.body, "", list(example.ipc_codes))
                for node, where, item, confidence in rules.rule_hits(document):
                    if rule_confidence:  # as the run will weigh the rule, once reviews have lowered it
                        key = (node, where, item["pattern"] if isinstance(item, dict) else item)
                        confidence = rule_confidence.get(key, confidence)
                    miss[node] *= 1.0 - confidence
            for node, value in miss.items():
                if 1.0 - value >= THRESHOLD:
                    verdict = _verdict(taxonomy, node, example, implicit=True)
                    if verdict is not None:
                        rule_verdicts[verdict] += 1
            for node, (total, _) in model.totals(example.tokens).items():
                if 1.0 - miss[node] >= THRESHOLD:
                    continue  # the rules tag it anyway
                verdict = _verdict(taxonomy, node, example, implicit=True)
                if verdict is not None:
                    scored[node].append((miss[node], total, verdict))
    # what a tag the score adds must be worth: at least as often right as the rules' own tags (so that the next
    # run's precision does not fall), and at least as often right as wrong
    target = max(0.5, rule_verdicts[True] / (sum(rule_verdicts.values()) or 1))
    biases = {}
    for node, items in scored.items():
        for step in STEPS:
            firing = [right for miss, total, right in items
                      if 1.0 - miss * (1.0 - _sigmoid(total - BIAS - step)) >= THRESHOLD]
            # Laplace's estimate, so that a few tags, all wrong, move the bias and no tags at all do not
            if (sum(firing) + 1) / (len(firing) + 2) >= target:
                break
        if step:
            biases[node] = BIAS + step
    return biases


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def rule_reliability(taxonomy: Taxonomy, human: list[Example]) -> dict[tuple[str, str, str], float]:
    """(node, where, keyword or IPC pattern) → the confidence reviews give that rule: its default confidence as a
    prior worth RULE_PRIOR reviews, updated by how many of its proposals reviewers confirmed and rejected.

    Only explicit judgements count here (a confirmed node or a rejected one): a rule firing on a node nobody
    looked at says nothing about the rule."""
    from lingxi.tagging.classifier import Classifier, Document  # the classifier imports this module

    classifier = Classifier(taxonomy, TokenWeightModel(taxonomy.name, ""))
    counts: dict[tuple[str, str, str], list] = {}  # key → [default confidence, right, wrong]
    for example in human:
        if not (example.title or example.body or example.ipc_codes):
            continue
        seen = set()
        for node, where, item, confidence in classifier.rule_hits(Document(example.title, example.body, "",
                                                                            list(example.ipc_codes))):
            key = (node, where, item["pattern"] if isinstance(item, dict) else item)
            if key in seen:
                continue
            seen.add(key)
            verdict = _verdict(taxonomy, node, example, implicit=False)
            if verdict is None:
                continue
            entry = counts.setdefault(key, [confidence, 0.0, 0.0])
            entry[1 if verdict else 2] += 1
    # Lowered only, never raised: a rule's confirmed proposals are mostly patents other evidence tagged as well, so
    # its acceptances overstate what it is worth on its own, while its rejections are its own mistakes.
    return {key: round(min(prior, (right + RULE_PRIOR * prior) / (right + wrong + RULE_PRIOR)), 4)
            for key, (prior, right, wrong) in counts.items() if wrong}
