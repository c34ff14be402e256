"""The baseline a trained sentiment model must match: logistic regression on character 1–3-grams (scikit-learn),
trained on the same labelled texts and scored on the same test texts. Prints the accuracy and macro-F1 of two
usual variants (TF-IDF and binary counts) and the majority class, and the baseline's classification throughput.

Usage: baseline.py TRAIN.csv TEST.csv
"""
import csv
import sys
import time

from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score


def read(path):
    rows = list(csv.reader(open(path, encoding="utf-8")))[1:]
    return [text for _, text in rows], [int(label) for label, _ in rows]


train_texts, train_labels = read(sys.argv[1])
test_texts, test_labels = read(sys.argv[2])
majority = max(set(train_labels + test_labels), key=(train_labels + test_labels).count)
print(f"majority class: accuracy {accuracy_score(test_labels, [majority] * len(test_labels)):.3f}")
for name, vectorizer in (
    ("tf-idf", TfidfVectorizer(analyzer="char", ngram_range=(1, 3))),
    ("binary", CountVectorizer(analyzer="char", ngram_range=(1, 3), binary=True)),
):
    model = LogisticRegression(max_iter=2000).fit(vectorizer.fit_transform(train_texts), train_labels)
    start = time.perf_counter()
    predicted = model.predict(vectorizer.transform(test_texts))
    elapsed = time.perf_counter() - start
    print(
        f"char 1-3-gram LR ({name}): accuracy {accuracy_score(test_labels, predicted):.3f}, "
        f"macro-F1 {f1_score(test_labels, predicted, average='macro'):.3f}, "
        f"{len(test_texts) / elapsed:,.0f} texts/s classified"
    )
