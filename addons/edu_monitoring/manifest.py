# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The manifest of the system files (R5.17), without a database.

A manifest maps the absolute path of each file under the roots to its
SHA-256 digest and size.  These functions need no pool: they serve the
``edu.monitoring.file`` model and ``scripts/system_files.py --manifest``.
"""
import hashlib
import json
import os

#: directories and suffixes never hashed: compiled files change by
#: themselves when Python runs the code
SKIP_DIRS = {'__pycache__', '.git', '.hg', '.pytest_cache', '.mypy_cache'}
SKIP_SUFFIXES = ('.pyc', '.pyo', '.swp', '~')
CHUNK = 1024 * 1024


def database_path():
    "Return the directory of the SQLite files and of the filestore"
    from trytond import config
    return os.path.expanduser(config.get('database', 'path'))


def config_files():
    "Return the trytond configuration files in use"
    value = os.environ.get('TRYTOND_CONFIG') or ''
    return [os.path.abspath(os.path.expanduser(p))
        for p in value.split(os.pathsep) if p]


def default_roots():
    """Return the Bilim modules (the directory of the addons), the Tryton
    server package and its configuration files"""
    import trytond
    here = os.path.dirname(os.path.abspath(__file__))
    roots = [os.path.dirname(here),
        os.path.dirname(os.path.abspath(trytond.__file__))]
    roots.extend(config_files())
    return roots


def file_digest(path):
    "Return the SHA-256 hex digest and the size of the file at path"
    digest = hashlib.sha256()
    size = 0
    with open(path, 'rb') as file:
        while chunk := file.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def _skipped(name):
    return name.endswith(SKIP_SUFFIXES)


def scan(roots):
    """Return ``{path: (digest, size, kind)}`` of the files under roots;
    kind is 'config' for a root that is a file, 'code' otherwise.  A
    missing root gives no file (so its files are reported removed)."""
    files = {}
    for root in roots:
        root = os.path.abspath(os.path.expanduser(root))
        if os.path.isfile(root):
            files[root] = (*file_digest(root), 'config')
            continue
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS)
            for name in sorted(filenames):
                if _skipped(name):
                    continue
                path = os.path.join(dirpath, name)
                if os.path.islink(path) or not os.path.isfile(path):
                    continue
                try:
                    files[path] = (*file_digest(path), 'code')
                except OSError:
                    # unreadable: reported as removed by compare()
                    continue
    return files


def compare(reference, current):
    """Return the sorted lists (added, removed, changed) of the paths of
    current against reference; both map a path to a tuple whose first item
    is the digest"""
    added = sorted(set(current) - set(reference))
    removed = sorted(set(reference) - set(current))
    changed = sorted(p for p in set(reference) & set(current)
        if reference[p][0] != current[p][0])
    return added, removed, changed


def dump(files, path):
    "Write the manifest files to path as JSON, readable by its owner only"
    data = {'algorithm': 'sha256', 'files': {
            p: {'sha256': d, 'size': s, 'kind': k}
            for p, (d, s, k) in sorted(files.items())}}
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, 'w', encoding='utf-8') as file:
        json.dump(data, file, indent=1, sort_keys=True)


def load(path):
    "Return the manifest of a JSON file written by dump()"
    with open(path, encoding='utf-8') as file:
        data = json.load(file)
    return {p: (v['sha256'], v['size'], v.get('kind', 'code'))
        for p, v in data['files'].items()}
