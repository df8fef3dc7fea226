#!/usr/bin/env python3
"""Offline checks of every PromQL expression the operators rely on.

1. Metric names: every metric an expression in deploy/monitoring/rules/*.yml or
   in a dashboard of deploy/grafana/*.json reads must be in the contract
   (docs/metrics.md, with the _bucket/_count/_sum/_max series of its timers and
   the standard meters it names) or a recording rule defined in the rule files.
2. Parsing: every expression of every dashboard panel (and of every query
   template variable) is written, Grafana macros substituted, into a temporary
   rule file, one group per panel, and `promtool check rules` must accept it.
3. Dashboards: valid JSON, a uid, unique panel ids, a datasource on every
   query panel.
4. Alert tests: every alert in the rule files has a unit test in
   deploy/monitoring/tests/ where it fires and one where it stays silent.
5. Runbooks: every runbook_url points at a heading of docs/operations.md.

Standard library only.  Usage: check-promql.py [--promtool PATH]
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
RULES_DIR = os.path.join(ROOT, "deploy", "monitoring", "rules")
TESTS_DIR = os.path.join(ROOT, "deploy", "monitoring", "tests")
DASHBOARD_DIR = os.path.join(ROOT, "deploy", "grafana")
METRICS_MD = os.path.join(ROOT, "docs", "metrics.md")
OPERATIONS_MD = os.path.join(ROOT, "docs", "operations.md")

KEYWORDS = {
    "by", "without", "on", "ignoring", "group_left", "group_right", "bool",
    "and", "or", "unless", "offset", "inf", "nan", "atan2", "start", "end",
}
TIMER_SUFFIXES = ("_bucket", "_count", "_sum", "_max")

problems = []


def problem(msg):
    problems.append(msg)
    print("FAIL " + msg)


def contract_metrics():
    """Series names allowed by docs/metrics.md."""
    text = open(METRICS_MD, encoding="utf-8").read()
    allowed = set()
    for line in text.splitlines():
        m = re.match(r"\|\s*`([a-z_:][a-z0-9_:]*)`\s*\|\s*([^|]+)\|", line)
        if m:
            name, kind = m.group(1), m.group(2)
            allowed.add(name)
            if "timer" in kind or "histogram" in kind:
                allowed.update(name + s for s in TIMER_SUFFIXES)
    # The standard meters the contract names in prose.
    for name in re.findall(r"`((?:up|jvm|process|http)[a-z0-9_]*)`", text):
        allowed.add(name)
        if name.endswith("_seconds"):
            allowed.update(name + s for s in TIMER_SUFFIXES)
    return allowed


def rule_files():
    return sorted(os.path.join(RULES_DIR, f) for f in os.listdir(RULES_DIR) if f.endswith(".yml"))


def rules_exprs():
    """(file, name, expr) from the rule files, read without a YAML library:
    the files keep 'expr:' either on one line or as a '|' block."""
    out, records = [], set()
    for path in rule_files():
        lines = open(path, encoding="utf-8").read().splitlines()
        name = None
        i = 0
        while i < len(lines):
            line = lines[i]
            m = re.match(r"\s*-\s*(record|alert):\s*(\S+)", line)
            if m:
                name = m.group(2)
                if m.group(1) == "record":
                    records.add(name)
            m = re.match(r"(\s*)expr:\s*(.*)$", line)
            if m:
                indent, rest = len(m.group(1)), m.group(2)
                if rest.strip() in ("|", ">", "|-", ">-"):
                    body = []
                    i += 1
                    while i < len(lines) and (not lines[i].strip() or len(lines[i]) - len(lines[i].lstrip()) > indent):
                        body.append(lines[i].strip())
                        i += 1
                    out.append((os.path.relpath(path, ROOT), name, " ".join(body)))
                    continue
                out.append((os.path.relpath(path, ROOT), name, rest.strip().strip("'\"")))
            i += 1
    return out, records


def metric_names(expr):
    e = re.sub(r'"(?:[^"\\]|\\.)*"', '""', expr)            # string literals
    e = re.sub(r"\{[^}]*\}", "", e)                          # label matchers
    e = re.sub(r"\[[^\]]*\]", "", e)                         # ranges, subqueries
    e = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", " ", e)
    names = set()
    for m in re.finditer(r"(?<![\w.:])([a-zA-Z_:][a-zA-Z0-9_:]*)(\s*\()?", e):
        ident, call = m.group(1), m.group(2)
        if call or ident in KEYWORDS:
            continue
        # Durations and numbers such as 5m or 1e3 start with a digit; skip them.
        names.add(ident)
    return names


def substitute_grafana(expr, variables):
    def var_value(name):
        return variables.get(name, "x")
    expr = re.sub(r"\$__(rate_interval|interval|range)\b", "5m", expr)
    expr = re.sub(r"\$\{__(rate_interval|interval|range)\}", "5m", expr)
    expr = re.sub(r"\$__range_s\b|\$\{__range_s\}", "300", expr)
    expr = re.sub(r"\$\{(\w+)(?::\w+)?\}", lambda m: var_value(m.group(1)), expr)
    expr = re.sub(r"\[\[(\w+)\]\]", lambda m: var_value(m.group(1)), expr)
    expr = re.sub(r"\$(\w+)", lambda m: var_value(m.group(1)), expr)
    return expr


def walk_panels(panels):
    for p in panels or []:
        yield p
        yield from walk_panels(p.get("panels"))


def dashboard_exprs():
    out = []
    files = sorted(f for f in os.listdir(DASHBOARD_DIR) if f.endswith(".json"))
    if not files:
        problem("no dashboards in deploy/grafana")
    for f in files:
        path = os.path.join(DASHBOARD_DIR, f)
        try:
            d = json.load(open(path, encoding="utf-8"))
        except ValueError as e:
            problem(f"{f}: not JSON: {e}")
            continue
        if not d.get("uid") or not d.get("title"):
            problem(f"{f}: dashboard needs a uid and a title")
        variables = {}
        for v in d.get("templating", {}).get("list", []):
            if v.get("type") == "interval":
                variables[v["name"]] = "5m"
            elif v.get("type") == "query":
                q = v.get("query")
                q = q.get("query") if isinstance(q, dict) else q
                m = re.match(r"\s*label_values\((.*),\s*\w+\)\s*$", q or "")
                if m:
                    q = m.group(1)
                m = re.match(r"\s*query_result\((.*)\)\s*$", q or "")
                if m:
                    q = m.group(1)
                if q:
                    out.append((f, f"variable {v['name']}", q, variables))
        ids = set()
        for p in walk_panels(d.get("panels")):
            pid = p.get("id")
            if pid in ids:
                problem(f"{f}: duplicate panel id {pid}")
            ids.add(pid)
            targets = p.get("targets") or []
            if targets and not p.get("datasource"):
                problem(f"{f}: panel {p.get('title')!r} has no datasource")
            for t in targets:
                expr = t.get("expr")
                if expr is None:
                    problem(f"{f}: panel {p.get('title')!r} has a target without expr")
                    continue
                out.append((f, f"panel {pid} {p.get('title')}", expr, variables))
    return out


def check_alert_tests():
    alerts = [n for (_, n, _) in rules_exprs()[0] if n and not n.startswith("prio:")]
    fires, silent = set(), set()
    for f in sorted(os.listdir(TESTS_DIR)):
        if not f.endswith(".yml"):
            continue
        lines = open(os.path.join(TESTS_DIR, f), encoding="utf-8").read().splitlines()
        current = None
        for line in lines:
            m = re.match(r"\s*alertname:\s*(\S+)", line)
            if m:
                current = m.group(1)
                continue
            m = re.match(r"\s*exp_alerts:\s*(\[\s*\])?\s*$", line)
            if m and current:
                (silent if m.group(1) else fires).add(current)
                current = None
    for a in alerts:
        if a not in fires:
            problem(f"alert {a} has no unit test where it fires")
        if a not in silent:
            problem(f"alert {a} has no unit test where it stays silent")
    return len(alerts)


def check_runbooks():
    anchors = set()
    for line in open(OPERATIONS_MD, encoding="utf-8").read().splitlines():
        m = re.match(r"#+\s+(.*)$", line)
        if m:
            a = re.sub(r"[^\w\- ]", "", m.group(1).strip().lower()).replace(" ", "-")
            anchors.add(a)
    n = 0
    for path in rule_files():
        for url in re.findall(r"runbook_url:\s*\"?([^\"\s]+)", open(path, encoding="utf-8").read()):
            n += 1
            doc, _, anchor = url.partition("#")
            if doc != "docs/operations.md" or anchor not in anchors:
                problem(f"{os.path.relpath(path, ROOT)}: runbook_url {url} is not a heading of docs/operations.md")
    return n


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--promtool", default="promtool")
    args = ap.parse_args()

    allowed = contract_metrics()
    exprs, records = rules_exprs()
    allowed |= records
    for (where, name, expr) in exprs:
        for n in sorted(metric_names(expr) - allowed):
            problem(f"{where}: {name}: metric {n} is not in docs/metrics.md")

    dash = dashboard_exprs()
    groups = []
    for i, (f, where, expr, variables) in enumerate(dash):
        concrete = substitute_grafana(expr, variables)
        for n in sorted(metric_names(concrete) - allowed):
            problem(f"{f}: {where}: metric {n} is not in docs/metrics.md")
        groups.append({"name": f"{f} | {where} | #{i}",
                       "rules": [{"record": f"dashboard:expr:{i}", "expr": concrete}]})

    n_alerts = check_alert_tests()
    n_runbooks = check_runbooks()

    with tempfile.NamedTemporaryFile("w", suffix=".rules.json", delete=False) as tmp:
        # JSON is YAML: promtool reads it as a rule file.
        json.dump({"groups": groups}, tmp, indent=1)
    try:
        r = subprocess.run([args.promtool, "check", "rules", tmp.name], capture_output=True, text=True)
        if r.returncode != 0:
            problem("promtool rejected dashboard expressions:\n" + r.stdout + r.stderr)
    finally:
        os.unlink(tmp.name)

    print(f"check-promql: {len(exprs)} rule expressions, {len(dash)} dashboard expressions, "
          f"{n_alerts} alerts with tests, {n_runbooks} runbook links, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
