#!/usr/bin/env python3
"""Redis CPU per call of the store's scripts against the bench's ideal path (docs/benchmarks.md, "The Redis store's
own path").

usage: scripts/redis-script-cpu.py PORT [ROUNDS] [CALLS]

Needs redis-cli and a redis-server of its own on 127.0.0.1:PORT (it writes keys 'cpu-bench:*' that expire after 60 s;
never point it at a shared server: other clients' commands would count). For each call it pipes CALLS calls on fresh
keys through `redis-cli --pipe` and divides the server's used_cpu_user + used_cpu_sys by CALLS, so no round trip is
counted; calls are interleaved over ROUNDS rounds and the lowest and median figures printed. Each call's setup (the
claims a completion needs, the finished records a replay finds) runs before its measurement.
"""
import hashlib
import pathlib
import random
import subprocess
import sys

port = sys.argv[1]
rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 7
calls = int(sys.argv[3]) if len(sys.argv) > 3 else 20000
scripts = pathlib.Path(__file__).resolve().parent.parent / \
    "idempotency-spring-boot-starter/src/main/resources/io/github/idempotency/spring/redis"
read = lambda name: (scripts / name).read_bytes()
claim = read("record-prelude.lua") + read("claim.lua")
complete = read("record-prelude.lua") + read("fenced-prelude.lua") + read("complete.lua")
# sample-payments-app's RedisIdealPath
ideal = b"""if redis.call('SET', KEYS[1], '', 'NX', 'PX', ARGV[1]) then
  return false
end
return redis.call('GET', KEYS[1])
"""
fingerprint = bytes([1]) + hashlib.sha256(b"body").digest()
owner = b"a" * 32
response = bytes([0x01, 0x93, 0x01, 0x01, 0x01, 0x0f]) + b"x" * 89
body = b"x" * 89


def cli(*args, data=None):
    return subprocess.run(["redis-cli", "-p", port, *args], input=data, capture_output=True, check=True).stdout


def resp(*parts):
    out = b"*%d\r\n" % len(parts)
    for part in parts:
        part = part.encode() if isinstance(part, str) else part
        out += b"$%d\r\n%s\r\n" % (len(part), part)
    return out


def pipe(commands):
    out = subprocess.run(["redis-cli", "-p", port, "--pipe"], input=commands, capture_output=True).stdout
    if b"errors: 0" not in out:
        sys.exit("redis-cli --pipe reported errors: " + out.decode(errors="replace")[-300:])


def cpu():
    info = dict(line.split(":", 1) for line in cli("INFO", "cpu").decode().splitlines() if ":" in line)
    return float(info["used_cpu_user"]) + float(info["used_cpu_sys"])


sha = {name: cli("-x", "SCRIPT", "LOAD", data=source).strip().decode()
       for name, source in (("claim", claim), ("complete", complete), ("ideal", ideal))}
claim_call = lambda k, legacy: resp("EVALSHA", sha["claim"], "2", k, legacy, fingerprint, owner, "30000", "60000")
complete_call = lambda k: resp("EVALSHA", sha["complete"], "1", k, owner, "K", "60000", response)
ideal_call = lambda k: resp("EVALSHA", sha["ideal"], "1", k, "60000")
ideal_set = lambda k: resp("SET", k, body, "PX", "60000")
# name: (setup of one key, the measured call on it)
variants = {
    "library: claim (first request)": (None, claim_call),
    "library: completion": (lambda k, l: claim_call(k, l), lambda k, l: complete_call(k)),
    "library: replay": (lambda k, l: claim_call(k, l) + complete_call(k), claim_call),
    "ideal: claim-or-read": (None, lambda k, l: ideal_call(k)),
    "ideal: SET": (lambda k, l: ideal_call(k), lambda k, l: ideal_set(k)),
    "ideal: replay": (lambda k, l: ideal_call(k) + ideal_set(k), lambda k, l: ideal_call(k)),
}
results = {name: [] for name in variants}
for _ in range(rounds):
    for name, (setup, call) in variants.items():
        tag = random.randrange(10 ** 12)
        keys = [("cpu-bench:{%040d%d}" % (i, tag), "cpu-bench:{%064d%d}" % (i, tag)) for i in range(calls)]
        if setup:
            pipe(b"".join(setup(k, l) for k, l in keys))
        before = cpu()
        pipe(b"".join(call(k, l) for k, l in keys))
        results[name].append((cpu() - before) * 1e6 / calls)
for name, values in results.items():
    values.sort()
    print("%-32s lowest %5.2f  median %5.2f  us of Redis CPU per call" % (name, values[0], values[len(values) // 2]))
