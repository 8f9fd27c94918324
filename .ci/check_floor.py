#!/usr/bin/env python3
"""Compares scorer output against the committed quality floors.

Usage:
  check_floor.py FLOOR.json SET=SCORE.json [SET=SCORE.json ...]

FLOOR.json maps a corpus set to {metric: floor}, e.g.
  {"seed": {"attribution": 0.95, "kind_accuracy": 0.9}}
Each SCORE.json is the output of `score.py GOLD PRED --json` for that set.
Metric names are keys of that output: for P/R/F1 metrics the "f1" field is
compared, for *_accuracy metrics the number itself. A metric passes when its
value is at least the floor.

Exit status 0 when every floor holds; 1 when any metric is below its floor,
missing from the scorer output, or null (nothing to measure), or when a set
in the floor file has no score; 2 on unreadable input.
"""
import json
import sys


def value_of(scores, metric):
    """The number to compare for `metric`, or None when there is none."""
    v = scores.get(metric)
    if isinstance(v, dict):
        v = v.get("f1")
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return None
    return float(v)


def main(argv):
    if len(argv) < 1:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        with open(argv[0], encoding="utf-8") as f:
            floors = json.load(f)
        scores = {}
        for arg in argv[1:]:
            name, sep, path = arg.partition("=")
            if not sep:
                print(f"check_floor: expected SET=SCORE.json, got {arg!r}", file=sys.stderr)
                return 2
            with open(path, encoding="utf-8") as f:
                scores[name] = json.load(f)
    except (OSError, ValueError) as e:
        print(f"check_floor: {e}", file=sys.stderr)
        return 2

    failed = 0
    print(f"{'set':10s} {'metric':22s} {'value':>7s} {'floor':>7s}")
    for name, metrics in floors.items():
        if name not in scores:
            print(f"{name:10s} {'(no score for this set)':22s} {'-':>7s} {'-':>7s}  FAIL")
            failed += 1
            continue
        for metric, floor in metrics.items():
            v = value_of(scores[name], metric)
            if v is None:
                status = "FAIL (missing)" if metric not in scores[name] else "FAIL (null)"
                print(f"{name:10s} {metric:22s} {'-':>7s} {floor:7.4f}  {status}")
                failed += 1
            elif v < floor:
                print(f"{name:10s} {metric:22s} {v:7.4f} {floor:7.4f}  FAIL (below floor by {floor - v:.4f})")
                failed += 1
            else:
                print(f"{name:10s} {metric:22s} {v:7.4f} {floor:7.4f}  ok")
    for name in scores:
        if name not in floors:
            print(f"{name:10s} (no floors set for this set)")
    if failed:
        print(f"check_floor: {failed} metric(s) below the floor in {argv[0]}")
        return 1
    print("check_floor: every metric at or above its floor")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
