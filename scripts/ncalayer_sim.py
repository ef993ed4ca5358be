#!/usr/bin/env python3
# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Run a simulated NCALayer signing with a test PKI's key (R22.4, R5.3).

Usage::

    python scripts/ncalayer_sim.py --pki build/eds-test-ca \\
        --subject director [--port 13579] [--tls] [--host 127.0.0.1]

Serves NCALayer's websocket protocol (``kz.gov.pki.knca.basics`` ``sign``
and the older ``kz.gov.pki.knca.commonUtils`` methods) on
``ws://127.0.0.1:13579`` (``wss://`` with ``--tls``: a server certificate
for 127.0.0.1 is written next to the PKI as ``ncalayer-tls.crt`` — make the
browser trust it, or open ``https://127.0.0.1:13579`` once and accept it).
Signs with the key of ``--subject`` (``<name>.crt``/``<name>.key`` of the
PKI made by ``scripts/eds_test_ca.py``).  Commands on standard input while
it runs: ``select <name>`` (another person's key), ``cancel`` (the user
closes the dialog), ``error``, ``sign`` (back to normal), ``quit``.
For the demo and for tests only: it never touches a real key.
"""
import argparse
import os
import sys


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--pki', default=os.path.join('build', 'eds-test-ca'),
        help="the test PKI directory (default build/eds-test-ca)")
    parser.add_argument('--subject', default='director',
        help="the name of the subject whose key signs (default director)")
    parser.add_argument('--host', default='127.0.0.1')
    parser.add_argument('--port', type=int, default=13579)
    parser.add_argument('--tls', action='store_true',
        help="serve wss:// with a test server certificate")
    args = parser.parse_args(argv)

    from trytond.modules.edu_eds.ncalayer_sim import NCALayerSimulator
    if not os.path.isdir(args.pki):
        parser.error(f'no test PKI in {args.pki} '
            '(create it with scripts/eds_test_ca.py create)')
    simulator = NCALayerSimulator(args.pki, args.subject, host=args.host,
        port=args.port, tls=True if args.tls else None)
    with simulator:
        print(f'NCALayer simulator on {simulator.url}, signing as '
            f'{args.subject}', flush=True)
        if simulator.tls_certificate:
            print(f'TLS certificate: {simulator.tls_certificate}',
                flush=True)
        try:
            for line in sys.stdin:
                command, _, rest = line.strip().partition(' ')
                if command == 'quit':
                    break
                elif command == 'select' and rest:
                    try:
                        simulator.select(rest.strip())
                    except LookupError as error:
                        print(error, flush=True)
                        continue
                    simulator.mode = 'sign'
                elif command in ('sign', 'cancel', 'error'):
                    simulator.mode = command
                elif command:
                    print('commands: select <name> | sign | cancel | '
                        'error | quit', flush=True)
                    continue
                print(f'ok: mode {simulator.mode}, subject '
                    f'{getattr(simulator.subject, "name", "?")}',
                    flush=True)
            else:
                # standard input closed (run in the background): serve on
                import threading
                threading.Event().wait()
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == '__main__':
    sys.exit(main())
