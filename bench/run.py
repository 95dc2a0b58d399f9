#!/usr/bin/env python3
"""`make bench`: splio-sms beside wrk, libcurl and requests, against one fast
local nginx that answers the service's success document, over plain HTTP and
over HTTPS (a private CA made here with openssl); threads sharing a client; a
100,000-recipient batch against a sandbox adding 50 ms per answer; and the
client-side cost of a 1,000-recipient send. Each figure is the median
of ROUNDS rounds (contenders interleaved within a round); the table goes to
stdout and to BENCHMARKS.md.
"""

import json
import os
import pathlib
import platform
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from urllib.parse import urlencode

ROOT = pathlib.Path(__file__).resolve().parent.parent
# The build's target directory, as the Makefile exports it.
TARGET = pathlib.Path(os.environ.get("CARGO_TARGET_DIR") or ROOT / "target").resolve()
REL = TARGET / "release"
ROUNDS = int(os.environ.get("ROUNDS", "3"))
N = int(os.environ.get("N", "20000"))
# Over HTTPS: sends per round with keep-alive, and with a client per send.
N_TLS = int(os.environ.get("N_TLS", "5000"))
N_NEW = int(os.environ.get("N_NEW", "1000"))
# libcurl and requests reload the CA bundle for each new handle / session
# (~10 sends/s): fewer sends make the same seconds of steady state.
N_NEW_THEIRS = int(os.environ.get("N_NEW_THEIRS", "100"))
SYSTEM_BUNDLE = "/etc/ssl/certs/ca-certificates.crt"
PY = TARGET / "venv" / "bin" / "python"
# The last run's figures, for `run.py --render`.
SAVED = TARGET / "bench-results.json"
ANSWER = '{"status":"ok","result":{"done":1,"inserted":"1","campaign_id":"6tJglf8zd","todo":1},"message":"ok","code":200}'
RCPTS = '[{"cellphone":"+33612345678","firstname":"John"}]'
BODY = urlencode({"universe": "sandbox", "key": "sandbox-key", "message": "AbCdEf123", "rcpts": RCPTS})


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port):
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on {port}")


def make_ca(tmp):
    """A private CA and a certificate it signs for 127.0.0.1 (ECDSA P-256);
    the CA alone (for splio-sms, which adds it to its roots) and the system
    bundle plus the CA (libcurl's CAINFO, requests' verify)."""
    tmp = pathlib.Path(tmp)

    def openssl(*args):
        subprocess.run(["openssl", *args], cwd=tmp, check=True, capture_output=True)

    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    openssl("req", "-x509", *ec, "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
            "-subj", "/CN=splio-sms bench CA")
    openssl("req", *ec, "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=127.0.0.1")
    (tmp / "server.ext").write_text("subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n"
                                    "extendedKeyUsage=serverAuth\n")
    openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
            "-CAcreateserial", "-out", "server.pem", "-days", "2", "-extfile", "server.ext")
    bundle = tmp / "bundle.pem"
    bundle.write_bytes(pathlib.Path(SYSTEM_BUNDLE).read_bytes() + (tmp / "ca.pem").read_bytes())
    return tmp / "ca.pem", bundle


def stop_nginx(proc):
    """SIGTERM, so that the master stops its worker: killed, the master
    left the worker running (and using CPU) through later benchmarks."""
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def start_nginx(tmp):
    """nginx answering over plain HTTP and over HTTPS (make_ca first); the base URL of each."""
    port, tls_port = free_port(), free_port()
    conf = pathlib.Path(tmp) / "nginx.conf"
    user = "user root;" if os.geteuid() == 0 else ""
    answer = ANSWER.replace("'", "\\'")
    conf.write_text(f"""
{user}
worker_processes 1;
daemon off;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log;
events {{ worker_connections 256; }}
http {{
    access_log off;
    client_body_temp_path {tmp}/body;
    keepalive_requests 10000000;
    server {{
        listen 127.0.0.1:{port};
        listen 127.0.0.1:{tls_port} ssl;
        ssl_certificate {tmp}/server.pem;
        ssl_certificate_key {tmp}/server.key;
        # Debian's nginx leaves TLS 1.3 out by default: offer what a service does today.
        ssl_protocols TLSv1.2 TLSv1.3;
        location / {{
            default_type application/json;
            return 200 '{answer}';
        }}
    }}
}}
""")
    proc = subprocess.Popen(["nginx", "-p", tmp, "-c", str(conf)], stderr=subprocess.DEVNULL)
    wait_port(port)
    wait_port(tls_port)
    return proc, f"http://127.0.0.1:{port}/api/triggersms/", f"https://127.0.0.1:{tls_port}/api/triggersms/"


def start_sandbox(latency_ms):
    proc = subprocess.Popen(
        [str(REL / "splio-sms"), "sandbox", "--latency-ms", str(latency_ms), "--until-stdin-closes"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )
    return proc, proc.stdout.readline().strip()


def rate(cmd, pattern=r"= (\d+) sends/s", env=None, cpu=None):
    """The figure cmd prints; with cpu=(add, name), also the process CPU time
    per send it prints for its timed loop: on a shared machine this moves far
    less than wall-clock rates do."""
    out = subprocess.run(cmd, capture_output=True, text=True, env=env, check=True).stdout
    m = re.search(pattern, out)
    if not m:
        raise RuntimeError(f"no figure in {cmd[0]}: {out}")
    if cpu:
        cpu[0](cpu[1], float(re.search(r"cpu ([\d.]+) us/send", out).group(1)))
    return float(m.group(1))


def measured(cmd):
    """Wall time, peak RSS (MiB) and output of one run of cmd."""
    start = time.perf_counter()
    child = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    out = child.stdout.read()
    _, status, usage = os.wait4(child.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{cmd[0]} failed")
    return time.perf_counter() - start, usage.ru_maxrss / 1024, out


def batch_seconds(out):
    """The time of the send_batch call alone, as batch_100k prints it."""
    return float(re.search(r"in ([\d.]+) s", out).group(1))


def instructions_per_send(mode, few, many):
    """callgrind's instruction count of one client-side send (client_side_loop):
    the difference between `many` and `few` sends, so start-up is left out."""
    counts = []
    for n in (few, many):
        with tempfile.NamedTemporaryFile() as out:
            run = subprocess.run(
                ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out.name}",
                 str(REL / "examples" / "client_side_loop"), mode, str(n)],
                capture_output=True, text=True, check=True,
            )
        counts.append(int(re.search(r"Collected : (\d+)", run.stderr).group(1)))
    return (counts[1] - counts[0]) / (many - few)


def client_side_us():
    """Criterion's medians (µs) of the client-side benchmarks, by name."""
    out = subprocess.run(
        ["cargo", "bench", "--bench", "client_side", "--", "--warm-up-time", "1",
         "--measurement-time", "4"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout
    figures = {}
    for name, value, unit in re.findall(r"(\S+)\s+time:\s+\[\S+ \S+ ([\d.]+) (ns|µs|us|ms) ", out):
        figures[name.split("/")[-1]] = float(value) * {"ns": 1e-3, "µs": 1, "us": 1, "ms": 1e3}[unit]
    return figures


def machine():
    cpu = "unknown CPU"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{os.cpu_count()} cores ({cpu}), {mem:.0f} GiB, Linux {platform.release()}"


def tls_round(url, ca, bundle, body_file, add):
    """One round over HTTPS: keep-alive and a client per send, C beside libcurl
    and Python beside requests; and what making a client costs."""
    curl_loop, c_loop = REL / "curl_loop", ROOT / "examples" / "c" / "send_loop"
    endpoint = url + "nph-4.pl"
    print(f"  HTTPS: {N_TLS:,} sends with keep-alive, {N_NEW:,} with a client per send", flush=True)
    add("tls libcurl keep-alive", rate([str(curl_loop), endpoint, str(body_file), str(N_TLS), str(bundle)],
                                       cpu=(add, "cpu tls libcurl")))
    add("tls C keep-alive", rate([str(c_loop), url, str(N_TLS), str(ca), "keepalive"],
                                 cpu=(add, "cpu tls C")))
    add("tls libcurl new", rate([str(curl_loop), endpoint, str(body_file), str(N_NEW_THEIRS), str(bundle), "new"]))
    add("tls C new", rate([str(c_loop), url, str(N_NEW), str(ca), "new"]))
    add("C client made: µs", rate([str(c_loop), url, str(N_NEW), str(ca), "make"], r"= ([\d.]+) us per client"))
    for new, n, theirs in (("0", N_TLS // 2, N_TLS // 4), ("1", N_NEW, N_NEW_THEIRS)):
        py = subprocess.run(
            [str(PY), str(ROOT / "bench" / "python_vs_requests.py"), str(n)],
            capture_output=True, text=True, check=True,
            env=dict(os.environ, BASE_URL=url, ROUNDS="1", CA_FILE=str(ca), CA_BUNDLE=str(bundle), NEW=new,
                     N_THEIRS=str(theirs)),
        ).stdout
        m = re.search(r"median: splio_sms (\d+) sends/s, requests.Session (\d+)", py)
        kind = "new" if new == "1" else "keep-alive"
        add(f"tls requests {kind}", float(m.group(2)))
        add(f"tls Python {kind}", float(m.group(1)))


def main():
    curl_loop = REL / "curl_loop"
    results = {}

    def add(name, value):
        results.setdefault(name, []).append(value)
        print(f"  {name}: {value:,.1f}", flush=True)

    with tempfile.TemporaryDirectory() as tmp:
        lua = pathlib.Path(tmp) / "put.lua"
        lua.write_text(
            'wrk.method = "PUT"\n'
            f"wrk.body = {BODY!r}\n".replace("'", '"')
            + 'wrk.headers["Content-Type"] = "application/x-www-form-urlencoded; charset=utf-8"\n'
        )
        body_file = pathlib.Path(tmp) / "body"
        body_file.write_text(BODY)
        ca, bundle = make_ca(tmp)
        nginx, url, tls_url = start_nginx(tmp)
        endpoint = url + "nph-4.pl"
        try:
            for r in range(1, ROUNDS + 1):
                print(f"round {r} of {ROUNDS} (sequential sends/s against nginx)", flush=True)
                add("wrk -t1 -c1 (ceiling)", rate(["wrk", "-t1", "-c1", "-d5s", "-s", str(lua), endpoint],
                                                  r"Requests/sec:\s+([\d.]+)"))
                add("libcurl, one easy handle", rate([str(curl_loop), endpoint, str(body_file), str(N)],
                                                     cpu=(add, "cpu libcurl")))
                add("splio-sms C ABI", rate([str(ROOT / "examples" / "c" / "send_loop"), url, str(N)],
                                            cpu=(add, "cpu C")))
                add("splio-sms Rust API", rate([str(REL / "examples" / "send_loop"), url, str(N)]))
                py = subprocess.run(
                    [str(PY), str(ROOT / "bench" / "python_vs_requests.py"), str(N // 4)],
                    capture_output=True, text=True, check=True,
                    env=dict(os.environ, BASE_URL=url, ROUNDS="1"),
                ).stdout
                m = re.search(r"median: splio_sms (\d+) sends/s, requests.Session (\d+)", py)
                add("requests.Session", float(m.group(2)))
                add("splio-sms Python", float(m.group(1)))
                for t in (1, 2, 4, 8):
                    add(f"splio-sms Rust, {t} thread(s), one client",
                        rate([str(REL / "examples" / "send_threads"), url, str(t), str(N)]))
                tls_round(tls_url, ca, bundle, body_file, add)
        finally:
            stop_nginx(nginx)

    # On 2 cores a loop against nginx keeps both busy, so threads there show
    # the cores; against answers that take 2 ms they show whether sends wait
    # on each other (a lock held across I/O would serialise them).
    print("threads sharing one client against a sandbox adding 2 ms per answer", flush=True)
    sandbox, sandbox_url = start_sandbox(2)
    try:
        for _ in range(ROUNDS):
            for t in (1, 4):
                add(f"latency: {t} thread(s)", rate([str(REL / "examples" / "send_threads"), sandbox_url, str(t),
                                                     str(1000 * t)]))
    finally:
        sandbox.kill()

    print("batch of 100,000 against a sandbox adding 50 ms per answer, without and with a journal",
          flush=True)
    sandbox, sandbox_url = start_sandbox(50)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for r in range(ROUNDS):
                secs, rss, out = measured([str(REL / "examples" / "batch_100k"), sandbox_url])
                add("batch 100k: seconds", secs)
                add("batch 100k: send_batch seconds", batch_seconds(out))
                add("batch 100k: peak RSS MiB", rss)
                journal = pathlib.Path(tmp) / f"batch-{r}.journal"
                secs, _, out = measured([str(REL / "examples" / "batch_100k"), sandbox_url, str(journal)])
                add("batch 100k with a journal: seconds", secs)
                add("batch 100k journal: MB", journal.stat().st_size / 1e6)
    finally:
        sandbox.kill()
    print("Python: 200 concurrent AsyncClient sends (+200 ms), Ctrl-C and logging costs", flush=True)
    for _ in range(ROUNDS):
        out = subprocess.run([str(PY), str(ROOT / "bench" / "python_async.py")], capture_output=True,
                             text=True, check=True, env=dict(os.environ, ROUNDS="1")).stdout
        for name, value in json.loads(out.strip().splitlines()[-1]).items():
            add(f"python {name}", value)
    print("client-side cost of one 1,000-recipient send (criterion)", flush=True)
    figures = client_side_us()
    add("client side, 1,000 recipients: µs", figures["read_validate_encode_1000_rcpts"])
    add("client side, 1,000 national: µs", figures["read_validate_encode_1000_national_rcpts"])
    add("client side, answer: µs", figures["read_answer"])
    print("client-side instructions per send (callgrind)", flush=True)
    for mode, few, many in (("intl", 1, 6), ("national", 1, 6), ("answer", 10, 1010)):
        add(f"callgrind {mode}: instructions per send", instructions_per_send(mode, few, many))

    SAVED.write_text(json.dumps({"date": time.strftime("%Y-%m-%d"), "machine": machine(), "rounds": ROUNDS,
                                 "results": results}, indent=1, ensure_ascii=False))
    render(json.loads(SAVED.read_text()))


def render(saved):
    """BENCHMARKS.md from one run's figures and bench/FINDINGS.md."""
    results = saved["results"]
    med = {k: statistics.median(v) for k, v in results.items()}
    ceiling = med["wrk -t1 -c1 (ceiling)"]
    ideal = 100 * 0.050 / 4
    rows = [
        ("wrk -t1 -c1 (ceiling)", f"{ceiling:,.0f} sends/s", "1.00 of ceiling"),
        ("libcurl, one easy handle", f"{med['libcurl, one easy handle']:,.0f} sends/s",
         f"{med['libcurl, one easy handle'] / ceiling:.2f} of ceiling"),
        ("splio-sms C ABI", f"{med['splio-sms C ABI']:,.0f} sends/s",
         f"{med['splio-sms C ABI'] / med['libcurl, one easy handle']:.2f}× libcurl (target ≥ 1.2), "
         f"{med['splio-sms C ABI'] / ceiling:.2f} of ceiling (target ≥ 0.90)"),
        ("splio-sms Rust API", f"{med['splio-sms Rust API']:,.0f} sends/s",
         f"{med['splio-sms Rust API'] / ceiling:.2f} of ceiling"),
        ("requests.Session", f"{med['requests.Session']:,.0f} sends/s", ""),
        ("splio-sms Python", f"{med['splio-sms Python']:,.0f} sends/s",
         f"{med['splio-sms Python'] / med['requests.Session']:.1f}× requests (target ≥ 4)"),
    ]
    one = med["splio-sms Rust, 1 thread(s), one client"]
    for t in (1, 2, 4, 8):
        v = med[f"splio-sms Rust, {t} thread(s), one client"]
        rows.append((f"splio-sms, {t} thread(s) sharing one client", f"{v:,.0f} sends/s",
                     f"{v / one:.2f}× one thread" + (" (target ≥ 3)" if t == 4 else "")))
    lat = med["latency: 4 thread(s)"] / med["latency: 1 thread(s)"]
    rows.append(("4 threads sharing one client, answers taking 2 ms (sandbox)", f"{med['latency: 4 thread(s)']:,.0f} sends/s",
                 f"{lat:.2f}× one thread ({med['latency: 1 thread(s)']:,.0f} sends/s; target ≥ 3)"))
    tls = [
        ("HTTPS keep-alive: libcurl (OpenSSL)", "tls libcurl keep-alive", None, ""),
        ("HTTPS keep-alive: splio-sms C ABI", "tls C keep-alive", "tls libcurl keep-alive", "libcurl (target ≥ 1.5)"),
        ("HTTPS keep-alive: requests.Session", "tls requests keep-alive", None, ""),
        ("HTTPS keep-alive: splio-sms Python", "tls Python keep-alive", "tls requests keep-alive",
         "requests (target ≥ 8)"),
        ("HTTPS, a new handle per send: libcurl", "tls libcurl new", None, ""),
        ("HTTPS, a new client per send: splio-sms C ABI", "tls C new", "tls libcurl new", "libcurl (target ≥ 10)"),
        ("HTTPS, a new session per send: requests", "tls requests new", None, ""),
        ("HTTPS, a new client per send: splio-sms Python", "tls Python new", "tls requests new", "requests"),
    ]
    for label, key, versus, what in tls:
        rows.append((label, f"{med[key]:,.0f} sends/s", f"{med[key] / med[versus]:.1f}× {what}" if versus else ""))
    for label, ours, theirs in (("plain HTTP", "cpu C", "cpu libcurl"), ("HTTPS", "cpu tls C", "cpu tls libcurl")):
        rows.append((f"client CPU per keep-alive send, {label}: C ABI / libcurl",
                     f"{med[ours]:.1f} / {med[theirs]:.1f} µs", f"{med[ours] / med[theirs]:.2f}× libcurl's CPU"))
    rows.append(("making a client (C ABI, with a ca_file)", f"{med['C client made: µs']:,.1f} µs", "target < 1,000 µs"))
    b = med["batch 100k: seconds"]
    bs = med["batch 100k: send_batch seconds"]
    rows.append(("send_batch 100,000 (1,000 × 100, 4 in flight, +50 ms)", f"{bs:.2f} s",
                 f"ideal {ideal:.2f} s: {bs / ideal:.2f}× (target ≤ 1.05); whole process {b:.2f} s "
                 f"({b / ideal:.2f}×); peak RSS {med['batch 100k: peak RSS MiB']:.1f} MiB (target ≤ 32)"))
    bj = med["batch 100k with a journal: seconds"]
    rows.append(("send_batch 100,000 with a journal (same)", f"{bj:.2f} s",
                 f"{bj / b:.2f}× without (target ≤ 1.10); journal {med['batch 100k journal: MB']:.1f} MB "
                 "per 100,000 recipients"))
    for pool in (4, 16, 64):
        took, ideal = med[f"python async_{pool}"], -(-200 // pool) * 0.2
        rows.append((f"200 concurrent AsyncClient sends, concurrency={pool}, +200 ms", f"{took:.2f} s",
                     f"ceil(200/{pool}) × 200 ms = {ideal:.2f} s: {took / ideal:.2f}×"))
    ir = {mode: med[f"callgrind {mode}: instructions per send"] for mode in ("intl", "national", "answer")}
    main_, other = med["python main_thread"], med["python other_thread"]
    rows.append(("Python sends on the main thread (Ctrl-C honoured)", f"{main_:,.0f} sends/s",
                 f"{(1 / main_ - 1 / other) * 1e6:+.1f} µs a send beside another thread ({other:,.0f} sends/s)"))
    rows.append(("Python logging off: level check per call", f"{med['python level_check_us']:.2f} µs", ""))
    rows.append(("client side of one 1,000-recipient send", f"{med['client side, 1,000 recipients: µs']:,.0f} µs",
                 f"read JSON + validate + encode (target ≤ 300); {ir['intl'] / 1e6:.2f} M instructions"))
    rows.append(("the same, French national numbers", f"{med['client side, 1,000 national: µs']:,.0f} µs",
                 f"{ir['national'] / 1e6:.2f} M instructions"))
    rows.append(("reading an answer", f"{med['client side, answer: µs']:,.2f} µs",
                 f"(target ≤ 1); {ir['answer'] / 1e3:.1f} k instructions"))

    width = max(len(r[0]) for r in rows)
    print()
    for name, value, ratio in rows:
        print(f"{name:<{width}}  {value:>16}  {ratio}")
    table = "\n".join(f"| {n} | {v} | {r} |" for n, v, r in rows)
    (ROOT / "BENCHMARKS.md").write_text(f"""# Benchmarks

Written by `make bench` on {saved['date']}: {saved['machine']}.
Medians of {saved['rounds']} rounds; sequential loops make {N:,} sends of the same PUT form
body over one keep-alive connection to nginx (from the distribution, one
worker, `return 200` with the service's success document), on loopback.
Over HTTPS (the same nginx, a certificate from a private CA made by the bench,
ECDSA P-256, TLS 1.3) a round makes {N_TLS:,} keep-alive sends, and {N_NEW:,}
with a new client per send ({N_NEW_THEIRS:,} for libcurl and requests, which
reload the CA bundle for each); libcurl (OpenSSL) and requests get the system
bundle plus the private CA, splio-sms the CA as its `ca_file` (its new
clients resume a TLS session; libcurl's new handles and requests' new
sessions make a full handshake).

| what | median | ratio |
| --- | --- | --- |
{table}

Every round's figures are printed by `make bench`. The batch runs against the
project's sandbox (its own process) answering 50 ms after each request
arrived; its ratio is the `send_batch` call's (validation included; building
the 100,000 recipients is the example's own work). The client-side cost comes
from `cargo bench --bench client_side`, its instructions from callgrind
(`examples/client_side_loop.rs`, start-up left out).

""" + (ROOT / "bench" / "FINDINGS.md").read_text())
    print("\nwritten to BENCHMARKS.md")


if __name__ == "__main__":
    # --render: BENCHMARKS.md again from the last run's figures (after editing FINDINGS.md).
    if sys.argv[1:] == ["--render"]:
        sys.exit(render(json.loads(SAVED.read_text())))
    sys.exit(main())
