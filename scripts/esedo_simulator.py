#!/usr/bin/env python3
# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Run the local ЕСЭДО simulator for the demo (R21, R22.5).

Usage::

    python scripts/esedo_simulator.py [--host 127.0.0.1] [--port 8090]

Serves the exchange contract of edu_esedo (``esedo.wsdl``: SendDocument,
GetDocuments, Acknowledge) at ``http://<host>:<port>/esedo`` with an
in-memory store per participant (lost when it stops).  Point the ЕСЭДО
configuration of each demo organisation at that URL.  Commands on standard
input while it runs: ``fail N`` (the next N calls answer 503), ``fault N``
(SOAP Faults), ``timeout N``, ``list`` (the messages and their state),
``quit``.  For the demo and for tests only.
"""
import argparse
import os
import sys


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--host', default='127.0.0.1')
    parser.add_argument('--port', type=int, default=8090)
    args = parser.parse_args(argv)
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..'))
    from trytond.modules.edu_esedo.simulator import Simulator

    simulator = Simulator(host=args.host, port=args.port)
    with simulator:
        print(f'ЕСЭДО simulator at {simulator.url} '
            f'(WSDL: {simulator.url}?wsdl)', flush=True)
        try:
            for line in sys.stdin:
                command, *rest = line.split() or ['']
                count = int(rest[0]) if rest and rest[0].isdigit() else 1
                if command == 'quit':
                    break
                elif command in {'fail', 'fault', 'timeout'}:
                    simulator.fail_next(count,
                        'http' if command == 'fail' else command)
                    print(f'the next {count} call(s) fail: {command}',
                        flush=True)
                elif command == 'list':
                    with simulator.lock:
                        for message_id in simulator.order:
                            message = simulator.messages[message_id]
                            print(message_id, message['sender'], '->',
                                message['recipient'],
                                message['status'] or 'waiting', flush=True)
                elif command:
                    print('commands: fail N, fault N, timeout N, list, quit',
                        flush=True)
            else:
                # standard input closed (run in the background): serve on
                simulator._thread.join()
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == '__main__':
    sys.exit(main())
