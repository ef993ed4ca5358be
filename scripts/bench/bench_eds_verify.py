#!/usr/bin/env python3
# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Benchmark of the verification of CMS signatures (edu_eds, R22.10, R20).

    .venv/bin/python scripts/bench/bench_eds_verify.py [--files 1000] \\
        [--ocsp 100] [--signers 10] [--seed 2026] [--no-openssl]

Needs no database: edu_eds' library part (``cms.verify_cms``,
``trust.TrustStore``, ``revocation.RevocationChecker``, ``testca.TestPKI``).

1. a test PKI built like NCA's (root, intermediate) is created in a
   temporary directory, with --signers employees of one organisation
   (RSA-2048, roles first_head/signer/employee) whose certificates carry
   the URL of the PKI's CRL served over HTTP on 127.0.0.1;
2. --files different files of 20–200 KB (text of a letter and
   incompressible bytes like a scanned PDF) are signed, detached CMS
   SignedData with sha256 and signed attributes as NCALayer makes them;
   the files and their ``.cms`` are written to the directory;
3. verification with ``cms.verify_cms`` against the PKI's trust store
   (root + intermediate), the revocation of every signer checked against
   the CRL: the CRL is fetched once over HTTP and then cached by
   ``RevocationChecker`` (the number of fetches is printed), each file and
   signature read from disk like a server reads its filestore;
4. the same with OCSP against the PKI's local responder for the first
   --ocsp files (one HTTP POST per signature): the cost of OCSP;
5. ``openssl cms -verify -binary -inform DER -content <file> -CAfile
   <chain> -purpose any`` once per file (one process per file, as a
   server calling openssl would), without revocation and with
   ``-crl_check`` against the same CRL; the cost of starting openssl
   alone (``openssl version``, --files times) is measured too and
   subtracted for the "without process start" figure;
6. one file tampered with after signing (one byte changed): both must
   reject it; every untampered one must be accepted by both.

Prints signatures per second, the ratio, and the peak memory (maximum
resident set size of this process after each phase; of the largest
openssl child).  Nothing here is a test: it only prints its figures,
but it exits with 1 when a verifier accepts the tampered file or
rejects a good one.
"""
import argparse
import datetime as dt
import inspect
import os
import random
import resource
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

WORDS = ("бұйрық хат мектеп білім бөлімі директор жоспар есеп оқушы мұғалім "
    "сабақ кесте қаражат келісімшарт орындау мерзім приказ письмо школа "
    "отдел образования директор план отчёт ученик учитель урок расписание "
    "средства договор исполнение срок согласно прошу направить").split()


def maxrss_mb(who=resource.RUSAGE_SELF):
    "The maximum resident set size (Linux: KiB) in MB"
    return resource.getrusage(who).ru_maxrss / 1024


def make_content(rng, number):
    "A file of 20–200 KB: a letter's text then incompressible bytes"
    size = rng.randint(20 * 1024, 200 * 1024)
    text = ' '.join(rng.choice(WORDS) for _ in range(400))
    head = (f"%PDF-1.4\n% № {number}\n{text}\n").encode('utf-8')
    return (head + rng.randbytes(max(size - len(head), 0)))[:size]


def issue(pki, name, iin, bin_, crl_url):
    "Issue a certificate with the CRL URL, whatever way testca takes it"
    params = inspect.signature(pki.issue).parameters
    kwargs = {'bin': bin_, 'roles': ('first_head', 'signer', 'employee'),
        'organisation': "№ 12 ЖББМ (bench)"}
    if 'crl_url' in params:
        kwargs['crl_url'] = crl_url
    elif hasattr(pki, 'base_url'):
        pki.base_url = crl_url.rsplit('/', 1)[0]
    return pki.issue(name, iin, **kwargs)


def pem(der, label='CERTIFICATE'):
    import base64
    body = base64.encodebytes(der).decode().replace('\n', '')
    lines = [body[i:i + 64] for i in range(0, len(body), 64)]
    return (f'-----BEGIN {label}-----\n' + '\n'.join(lines)
        + f'\n-----END {label}-----\n')


#: CPU seconds of the last run (this process, or the openssl children):
#: the machine may be shared, the CPU time does not depend on the others
CPU = {}


def children_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_python(files, trust, checker, verify_cms):
    "Verify every (content path, cms path); return (seconds, statuses)"
    statuses = []
    cpu = time.process_time()
    started = time.perf_counter()
    for content_path, cms_path in files:
        with open(content_path, 'rb') as f:
            content = f.read()
        with open(cms_path, 'rb') as f:
            cms = f.read()
        statuses.append(verify_cms(cms, content, trust, checker).status)
    CPU['last'] = time.process_time() - cpu
    return time.perf_counter() - started, statuses


def run_openssl(files, chain, extra=()):
    "One openssl process per file; return (seconds, return codes)"
    codes = []
    cpu = children_cpu()
    started = time.perf_counter()
    for content_path, cms_path in files:
        codes.append(subprocess.run(['openssl', 'cms', '-verify', '-binary',
                    '-inform', 'DER', '-in', cms_path, '-content',
                    content_path, '-CAfile', chain, '-purpose', 'any',
                    '-out', os.devnull, *extra],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL).returncode)
    CPU['last'] = children_cpu() - cpu
    return time.perf_counter() - started, codes


def openssl_rss_mb(files, chain):
    """The maximum resident set size of one openssl cms -verify of the
    largest file (GNU time's %M), in MB; None without /usr/bin/time"""
    if not os.path.exists('/usr/bin/time'):
        return None
    content_path, cms_path = max(files, key=lambda f: os.path.getsize(f[0]))
    result = subprocess.run(['/usr/bin/time', '-f', '%M', 'openssl', 'cms',
            '-verify', '-binary', '-inform', 'DER', '-in', cms_path,
            '-content', content_path, '-CAfile', chain, '-purpose', 'any',
            '-out', os.devnull], capture_output=True, text=True)
    return int(result.stderr.strip().splitlines()[-1]) / 1024


def process_start(count):
    "The time of count bare openssl processes (openssl version)"
    cpu = children_cpu()
    started = time.perf_counter()
    for _ in range(count):
        subprocess.run(['openssl', 'version'], stdout=subprocess.DEVNULL,
            check=True)
    CPU['last'] = children_cpu() - cpu
    return time.perf_counter() - started


def bench(directory, count, ocsp_count, signers, seed, openssl):
    from trytond.modules.edu_eds import revocation as revocation_module
    from trytond.modules.edu_eds.cms import verify_cms
    from trytond.modules.edu_eds.testca import TestPKI
    from trytond.modules.edu_eds.trust import TrustStore
    from trytond.modules.edu_base.kz_id import make_bin, make_iin
    org_bin = make_bin(2001, 9, 120)
    rng = random.Random(seed)
    failures = []

    started = time.perf_counter()
    pki = TestPKI.create(os.path.join(directory, 'pki'))
    with pki.crl_server() as crl_server:
        subjects = [issue(pki, f'bench{n}',
                make_iin(dt.date(1980, 1, 1 + n % 28), 'male', 100 + n),
                org_bin, crl_server.url)
            for n in range(signers)]
        pki_s = time.perf_counter() - started

        files_dir = os.path.join(directory, 'files')
        os.makedirs(files_dir)
        files, total_bytes = [], 0
        started = time.perf_counter()
        for number in range(count):
            content = make_content(rng, number)
            total_bytes += len(content)
            cms = pki.sign_cms(subjects[number % signers], content)
            path = os.path.join(files_dir, f'doc{number:04d}.pdf')
            with open(path, 'wb') as f:
                f.write(content)
            with open(path + '.cms', 'wb') as f:
                f.write(cms)
            files.append((path, path + '.cms'))
        sign_s = time.perf_counter() - started
        rss_signed = maxrss_mb()
        # the tampered one: a copy of the first file with one byte changed
        tampered_path = os.path.join(files_dir, 'tampered.pdf')
        with open(files[0][0], 'rb') as f:
            data = bytearray(f.read())
        data[len(data) // 2] ^= 0x01
        with open(tampered_path, 'wb') as f:
            f.write(bytes(data))
        tampered = [(tampered_path, files[0][1])]

        trust = TrustStore(pki.trusted_certificates())
        fetches = []

        def crl_fetch(url, *args, **kwargs):
            import urllib.request
            fetches.append(url)
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.read()
        checker = revocation_module.RevocationChecker(
            ocsp_url=None, crl_fetch=crl_fetch, timeout=5)
        crl_s, statuses = run_python(files, trust, checker, verify_cms)
        crl_cpu = CPU['last']
        rss_verified = maxrss_mb()
        bad = [s for s in statuses if s != 'valid']
        if bad:
            failures.append(f"verify_cms rejected {len(bad)} good files: "
                f"{sorted(set(bad))}")
        _, (tampered_status,) = run_python(tampered, trust, checker,
            verify_cms)
        if tampered_status == 'valid':
            failures.append("verify_cms accepted the tampered file")

        # without revocation (the cryptography and the chain alone)
        norev_s = norev_cpu = None
        try:
            norev_s, statuses = run_python(files, trust, None, verify_cms)
            norev_cpu = CPU['last']
        except (TypeError, AttributeError):
            pass

        # the test responder reloads the subject's key for every answer
        # (~70 ms: cryptography validates RSA keys on load), a cost of the
        # test PKI, not of OCSP: the subjects are cached for this run
        loaded = {}
        original_subject = pki.subject

        def cached_subject(name):
            if name not in loaded:
                loaded[name] = original_subject(name)
            return loaded[name]
        pki.subject = cached_subject
        for subject in subjects:
            cached_subject(subject.name)
        with pki.ocsp_responder() as responder:
            ocsp_checker = revocation_module.RevocationChecker(
                ocsp_url=responder.url, crl_fetch=None, timeout=5)
            subset = files[:ocsp_count]
            ocsp_s, statuses = run_python(subset, trust, ocsp_checker,
                verify_cms)
            ocsp_net_cpu = CPU['last']
            bad = [s for s in statuses if s != 'valid']
            if bad:
                failures.append(f"verify_cms with OCSP rejected {len(bad)} "
                    f"good files: {sorted(set(bad))}")
            ocsp_requests = responder.requests
        # the same without the network: the responder called in-process
        # (what OCSP costs in CPU: the request, the responder's signature,
        # the answer parsed and its signature checked)
        original = revocation_module.fetch_url

        def direct(url, data=None, **kwargs):
            return pki.ocsp_response(data)
        revocation_module.fetch_url = direct
        try:
            ocsp_cpu_s, statuses = run_python(subset, trust, ocsp_checker,
                verify_cms)
            ocsp_inproc_cpu = CPU['last']
        finally:
            revocation_module.fetch_url = original
        if any(s != 'valid' for s in statuses):
            failures.append("verify_cms with in-process OCSP rejected good "
                "files")

    results = {
        'pki_s': pki_s, 'sign_s': sign_s, 'crl_s': crl_s,
        'norev_s': norev_s, 'ocsp_s': ocsp_s, 'fetches': len(fetches),
        'ocsp_cpu_s': ocsp_cpu_s, 'ocsp_requests': ocsp_requests,
        'crl_cpu': crl_cpu, 'norev_cpu': norev_cpu,
        'ocsp_net_cpu': ocsp_net_cpu, 'ocsp_inproc_cpu': ocsp_inproc_cpu,
        'rss_signed': rss_signed, 'rss_verified': rss_verified,
        'tampered_status': tampered_status, 'total_bytes': total_bytes,
        }
    if openssl:
        chain = os.path.join(directory, 'chain.pem')
        with open(chain, 'w') as f:
            for der in pki.trusted_certificates():
                f.write(pem(der))
        chain_crl = os.path.join(directory, 'chain-crl.pem')
        with open(chain_crl, 'w') as f:
            for der in pki.trusted_certificates():
                f.write(pem(der))
            f.write(pem(pki.crl(), 'X509 CRL'))
        ossl_s, codes = run_openssl(files, chain)
        ossl_cpu = CPU['last']
        if any(codes):
            failures.append(f"openssl rejected {sum(1 for c in codes if c)}"
                " good files")
        ossl_crl_s, codes = run_openssl(files, chain_crl, ['-crl_check'])
        ossl_crl_cpu = CPU['last']
        if any(codes):
            failures.append(f"openssl -crl_check rejected "
                f"{sum(1 for c in codes if c)} good files")
        _, (tampered_code,) = run_openssl(tampered, chain)
        if not tampered_code:
            failures.append("openssl accepted the tampered file")
        start_s = process_start(count)
        start_cpu = CPU['last']
        results.update({
                'ossl_s': ossl_s, 'ossl_crl_s': ossl_crl_s,
                'start_s': start_s, 'tampered_code': tampered_code,
                'ossl_cpu': ossl_cpu, 'ossl_crl_cpu': ossl_crl_cpu,
                'start_cpu': start_cpu,
                'rss_openssl': openssl_rss_mb(files, chain)})
    return results, failures


def report(r, count, ocsp_count, signers):
    """The lines printed: per run the wall time and the CPU time (of this
    process, or of the openssl processes), as signatures per second"""

    def rate(label, n, wall, cpu):
        return (f"{label}: {n / wall:.0f} signatures/s wall "
            f"({wall:.2f} s, {wall / n * 1000:.2f} ms each); "
            f"{n / cpu:.0f} signatures per CPU-second "
            f"({cpu / n * 1000:.2f} ms CPU each)")
    lines = [
        f"{count} files of 20–200 KB ({r['total_bytes'] / 2**20:.0f} MB), "
        f"RSA-2048 sha256 detached CMS, {signers} signers; "
        f"test PKI in {r['pki_s']:.1f} s, signed in {r['sign_s']:.1f} s",
        rate(f"verify_cms, CRL checked (fetched {r['fetches']} time(s) over "
            "HTTP, then cached)", count, r['crl_s'], r['crl_cpu']),
        ]
    if r.get('norev_s'):
        lines.append(rate("verify_cms, no revocation check", count,
                r['norev_s'], r['norev_cpu']))
    lines.append(rate(f"verify_cms, OCSP POST to the local responder "
            f"({ocsp_count} files, {r['ocsp_requests']} answers; CPU of "
            "this process incl. the responder thread)", ocsp_count,
            r['ocsp_s'], r['ocsp_net_cpu']))
    lines.append(rate("verify_cms, OCSP answered in-process (no network, "
            "the responder's signing included)", ocsp_count,
            r['ocsp_cpu_s'], r['ocsp_inproc_cpu']))
    lines.append(f"peak memory (max RSS) of the Python process: "
        f"{r['rss_signed']:.0f} MB after signing, {r['rss_verified']:.0f} MB"
        f" after verifying")
    lines.append(f"tampered file: verify_cms → {r['tampered_status']}")
    if 'ossl_s' in r:
        net, net_cpu = r['ossl_s'] - r['start_s'], \
            r['ossl_cpu'] - r['start_cpu']
        lines += [
            rate("openssl cms -verify, one process per file (incl. process "
                "start)", count, r['ossl_s'], r['ossl_cpu']),
            rate("openssl cms -verify -crl_check (CRL in the CA file)",
                count, r['ossl_crl_s'], r['ossl_crl_cpu']),
            f"openssl process start alone ({count} × openssl version): "
            f"{r['start_s']:.2f} s wall, {r['start_cpu']:.2f} s CPU",
            "openssl without process start (difference): "
            + (f"{count / net:.0f} signatures/s wall" if net > 0 else "n/a")
            + (f", {count / net_cpu:.0f} signatures per CPU-second"
                if net_cpu > 0 else ''),
            f"ratio verify_cms (CRL) / openssl per process: wall "
            f"{(count / r['crl_s']) / (count / r['ossl_s']):.2f}×, CPU "
            f"{r['ossl_cpu'] / r['crl_cpu']:.2f}×; / openssl -crl_check: "
            f"CPU {r['ossl_crl_cpu'] / r['crl_cpu']:.2f}×"
            + (f"; / openssl without process start: CPU "
                f"{net_cpu / r['crl_cpu']:.2f}×" if net_cpu > 0 else ''),
            "peak memory of an openssl process (the largest file): "
            + (f"{r['rss_openssl']:.1f} MB" if r['rss_openssl'] else '?'),
            f"tampered file: openssl exit code {r['tampered_code']}",
            ]
    return lines


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--files', type=int, default=1000)
    parser.add_argument('--ocsp', type=int, default=100)
    parser.add_argument('--signers', type=int, default=10)
    parser.add_argument('--seed', type=int, default=2026)
    parser.add_argument('--no-openssl', action='store_true')
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        results, failures = bench(directory, args.files, args.ocsp,
            args.signers, args.seed, not args.no_openssl)
    print("load average of the machine (1, 5, 15 min): %.1f %.1f %.1f on "
        "%d CPUs" % (*os.getloadavg(), os.cpu_count()))
    for line in report(results, args.files, args.ocsp, args.signers):
        print(line)
    for failure in failures:
        print("FAILED:", failure)
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
