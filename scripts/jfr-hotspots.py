#!/usr/bin/env python3
"""Where the library's time goes in a JFR recording of the sample app under `scripts/bench.sh --jfr`.

usage: scripts/jfr-hotspots.py target/bench/app-redis.jfr [top]

Reads the jdk.ExecutionSample events of the request threads (via the JDK's `jfr` tool). Each sample is owned by
the frame nearest its leaf that is library code (io.github.idempotency, not the sample app), the bench handler or
ideal path (io.github.idempotency.sample.bench), Spring MVC, or another servlet filter (those after the library's
filter run inside it); samples reaching none belong to Tomcat. Since the three paths run in interleaved rounds of equal length, the library's share of all request
samples is roughly a third of its share of /bench/idem's time. Prints the owners, then the library methods and
the leaf frames (JDK, Lettuce, JDBC...) under the library's samples.
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
owners = collections.Counter()
methods = collections.Counter()
leaves = collections.Counter()
for event in text.split("jdk.ExecutionSample")[1:]:
    if "http-nio" not in event:
        continue
    frames = [m.group(1) for m in (frame.match(line) for line in event.splitlines()) if m]
    if not frames:
        continue
    owner = "Tomcat, filters, Jackson outside MVC"
    for f in frames:
        if ".sample.bench." in f:
            owner = "bench handler / ideal path"
            break
        if f.startswith("io.github.idempotency."):
            owner = "library"
            methods[f] += 1
            leaves[frames[0]] += 1
            break
        if f.startswith("org.springframework.web.servlet.") or f.startswith("org.springframework.web.method."):
            owner = "Spring MVC"
            break
        # the filters after the library's (Spring Security's chain among them) run inside it, but are not its work
        if f.startswith(("org.springframework.security.", "org.springframework.web.filter.",
                         "org.apache.catalina.core.ApplicationFilterChain")):
            owner = "Tomcat, filters, Jackson outside MVC"
            break
    owners[owner] += 1
total = sum(owners.values())
library = max(1, owners["library"])
print(f"{total} request-thread samples, by owner")
for name, count in owners.most_common():
    print(f"  {count / total:6.1%}  {name}")
print(f"\nlibrary samples ({library}) by library method (share of the library's samples)")
for name, count in methods.most_common(top):
    print(f"  {count / library:6.1%}  {name}")
print("\nlibrary samples by leaf frame")
for name, count in leaves.most_common(top):
    print(f"  {count / library:6.1%}  {name}")
