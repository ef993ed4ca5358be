# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Start and stop a ``trytond`` on a free loopback port (benchmark, tests).

    sys.path.insert(0, os.path.join(ROOT, 'scripts'))
    import trytond_server

    with trytond_server.start('bilim', log_path='trytond.log') as server:
        ...  # JSON-RPC to server.url + 'bilim/rpc/'

``start`` runs ``.venv/bin/trytond -c trytond.conf -d DATABASE`` in its own
process group, with ``TRYTOND_WEB__LISTEN=127.0.0.1:<port>`` in its
environment (trytond.conf does not set ``[web] listen``, so the variable is
what trytond uses), and returns once ``common.server.version`` answers on
``/rpc/``; it raises ``ServerError`` (with the log path and the end of the
log) when the process exits or does not answer in time.  ``Server.stop()``
sends SIGTERM to the group, SIGKILL after a timeout, and closes the log.

The server is always started with ``-d DATABASE``: it loads the database's
pool before it listens.  trytond 8.0 does not initialise the pool of a
database that it loads lazily on the first login: ``Transaction.start`` →
``Cache.sync`` → ``Pool()`` registers an empty pool for the database, so
``security._get_pool`` finds the name and never calls ``Pool.init``, and the
login fails with ``KeyError: 'res.user'``.
"""
import json
import os
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VENV_BIN = os.path.join(ROOT, '.venv', 'bin')
TRYTOND = os.path.join(VENV_BIN, 'trytond')
CONFIG = os.path.join(ROOT, 'trytond.conf')
SAO_DIR = os.path.join(ROOT, 'build', 'sao')
HOST = '127.0.0.1'


class ServerError(RuntimeError):
    "trytond exited or did not answer"


def free_port(host=HOST):
    "A TCP port free on host now (another process may take it later)"
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def server_version(url, timeout=2):
    "The answer of common.server.version on url's /rpc/"
    request = urllib.request.Request(
        url.rstrip('/') + '/rpc/', method='POST',
        data=json.dumps({'id': 0, 'method': 'common.server.version',
                'params': []}).encode(),
        headers={'Content-Type': 'application/json'})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return json.load(response)['result']


def log_tail(path, size=5000):
    try:
        with open(path, errors='replace') as fp:
            return fp.read()[-size:]
    except OSError:
        return ''


class Server:
    "A running trytond; stop() it or use it as a context manager"

    def __init__(self, process, database, url, port, log, log_path):
        self.process = process
        self.database = database
        self.url = url  # http://127.0.0.1:<port>/
        self.port = port
        self.log = log
        self.log_path = log_path

    def running(self):
        return self.process.poll() is None

    def stop(self, timeout=20):
        "SIGTERM the process group, SIGKILL it after timeout seconds"
        try:
            if self.running():
                os.killpg(self.process.pid, signal.SIGTERM)
                try:
                    self.process.wait(timeout=timeout)
                except subprocess.TimeoutExpired:
                    os.killpg(self.process.pid, signal.SIGKILL)
                    self.process.wait()
        except ProcessLookupError:
            self.process.wait()
        finally:
            self.log.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.stop()


def start(database, env=None, log_path=None, timeout=120, config=CONFIG):
    """Start trytond -c config -d database on a free 127.0.0.1 port.

    env is the process environment (default: os.environ); the database
    variables (TRYTOND_DATABASE__*) come from it.  TRYTOND_WEB__LISTEN is
    always set, TRYTOND_CONFIG, TRYTOND_WEB__ROOT (build/sao) and
    PYTHONUNBUFFERED only when missing.  The output goes to log_path (default:
    a new temporary file)."""
    env = dict(os.environ if env is None else env)
    env.setdefault('TRYTOND_CONFIG', config)
    env.setdefault('TRYTOND_WEB__ROOT', SAO_DIR)
    env.setdefault('PYTHONUNBUFFERED', '1')
    if log_path is None:
        fd, log_path = tempfile.mkstemp(prefix='trytond-', suffix='.log')
        os.close(fd)
    # free_port() races with other processes: try again on a new port when
    # the server cannot bind its port
    for attempt in range(3):
        port = free_port()
        env['TRYTOND_WEB__LISTEN'] = f'{HOST}:{port}'
        log = open(log_path, 'w')
        process = subprocess.Popen(
            [TRYTOND, '-c', config, '-d', database],
            env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True)
        server = Server(process, database, f'http://{HOST}:{port}/', port,
            log, log_path)
        try:
            if _wait(server, timeout):
                return server
        except BaseException:
            server.stop()
            raise
        server.stop()
        if 'Address already in use' not in log_tail(log_path) or attempt == 2:
            raise ServerError(
                f'trytond exited (code {process.returncode}), see {log_path}:'
                f'\n{log_tail(log_path)}')


def _wait(server, timeout):
    "True when the server answers, False when it exited; raise on timeout"
    deadline = time.monotonic() + timeout
    while True:
        if not server.running():
            return False
        try:
            server_version(server.url)
            return True
        except (OSError, ValueError, KeyError):
            if time.monotonic() > deadline:
                raise ServerError(
                    f'trytond does not answer on {server.url} after '
                    f'{timeout} s, see {server.log_path}:\n'
                    f'{log_tail(server.log_path)}')
            time.sleep(0.2)
