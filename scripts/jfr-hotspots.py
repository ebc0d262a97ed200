#!/usr/bin/env python3
"""Where the library's time goes in a JFR recording of the sample app under scripts/bench.sh --jfr.

usage: scripts/jfr-hotspots.py target/bench/app-redis.jfr [top]

Reads jdk.ExecutionSample events (via the JDK's `jfr` tool) of the request threads and prints:
- the share of request samples per path (plain / idem / ideal, by the BenchController method on the stack);
- for /bench/idem, the share of its samples owned by each library method (walking from the leaf, the first frame
  that is library code; samples that reach the handler or Spring MVC first are theirs), and the hottest leaf frames
  of the library's samples.
"""
import collections
import re
import subprocess
import sys

path = sys.argv[1]
top = int(sys.argv[2]) if len(sys.argv) > 2 else 15
text = subprocess.run(["jfr", "print", "--events", "jdk.ExecutionSample", "--stack-depth", "128", path],
                      check=True, capture_output=True, text=True).stdout
frame = re.compile(r"^\s+([\w$.<>]+)\(.*line:")
paths = collections.Counter()
library = collections.Counter()
library_leaf = collections.Counter()
idem_total = 0
for event in text.split("jdk.ExecutionSample")[1:]:
    if "http-nio" not in event:
        continue
    frames = [m.group(1) for m in (frame.match(line) for line in event.splitlines()) if m]
    if not frames:
        continue
    handler = next((f for f in frames if ".sample.bench.BenchController." in f), None)
    filtered = any("IdempotencyFilter" in f for f in frames)
    if handler is None and not filtered:
        paths["other (Tomcat, parsing, before routing)"] += 1
        continue
    name = handler.rsplit(".", 1)[1] if handler else "idem"
    if filtered and name != "idem":
        name = "idem"
    paths[name] += 1
    if name != "idem":
        continue
    idem_total += 1
    # walk from the leaf: the first frame that is library code, the handler or the DispatcherServlet owns the sample
    owner = "(Tomcat, outside the filter)"
    for f in frames:
        if f.startswith("io.github.idempotency.") and ".sample." not in f:
            owner = f
            library_leaf[frames[0]] += 1
            break
        if ".sample.bench." in f:
            owner = "(the handler)"
            break
        if f.startswith("org.springframework.web.servlet.") or f.startswith("org.springframework.web.method."):
            owner = "(Spring MVC: routing, argument resolution, message conversion)"
            break
    library[owner] += 1
total = sum(paths.values())
print(f"{total} request-thread samples")
for name, count in paths.most_common():
    print(f"  {count / total:6.1%}  {name}")
print(f"\n/bench/idem: {idem_total} samples, by the innermost frame that is library code, the handler or Spring MVC")
for name, count in library.most_common(top):
    print(f"  {count / idem_total:6.1%}  {name}")
print("\n/bench/idem, library samples by leaf frame")
lib_total = sum(library_leaf.values())
for name, count in library_leaf.most_common(top):
    print(f"  {count / max(1, idem_total):6.1%}  {name}")
