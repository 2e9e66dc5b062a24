#!/usr/bin/python3
"""A loopback Hugging Face Hub for benchmarks and manual checks: serves model repos from a folder.

  /usr/bin/python3 bench/loopback_hub.py ROOT [PORT] [--port-file FILE] [--quiet]

ROOT holds one folder per repo, ROOT/ORG/NAME/<files>.  The server binds 127.0.0.1 only; PORT 0
(the default) lets the system choose, and the chosen port is printed ("listening on
http://127.0.0.1:PORT") and written to --port-file.  Point a client at it with
HF_ENDPOINT=http://127.0.0.1:PORT.  Standard library only.

It speaks the Hub's file protocol, the part of it that huggingface_hub's file_download.py and
other clients use:

  GET|HEAD /ORG/NAME/resolve/REV/PATH
      REV is "main" or the repo's commit (40 hex).  Every answer carries
      X-Repo-Commit: <commit>.  A repo's commit is fixed: the sha1 of its sorted
      "<path> <git blob sha1>" lines, so it changes exactly when a file changes.
      - a regular file (not *.safetensors): 200, ETag: "<git blob sha1>", the bytes;
      - a *.safetensors file (an LFS file on the real Hub): 302 with a RELATIVE
        Location: /lfs/<sha256>, X-Linked-Etag: "<sha256>", X-Linked-Size: <bytes>,
        ETag: "<git blob sha1 of the LFS pointer>" (as the Hub does).
  GET|HEAD /lfs/<sha256>
      the bytes of that blob, Accept-Ranges: bytes, with single-range requests
      (Range: bytes=a-b, a-, -n) answered 206 + Content-Range, unsatisfiable ones 416.
      It also carries ETag: "<sha256>", X-Linked-Etag, X-Linked-Size and X-Repo-Commit,
      because huggingface_hub follows RELATIVE redirects on its metadata HEAD and reads
      the headers of the final answer.
  GET /api/models/ORG/NAME[/revision/REV]
      {"id", "sha", "siblings": [{"rfilename"}]} (what snapshot_download lists).
  404 answers carry X-Error-Code: RepoNotFound, RevisionNotFound or EntryNotFound.

The tree is read when the server starts (hashes are computed once); restart it after
changing a repo.
"""

import argparse
import hashlib
import json
import os
import re
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote, urlsplit

CHUNK = 1 << 20
LFS_SUFFIXES = (".safetensors",)


def git_blob_sha1(data):
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def lfs_pointer(sha256, size):
    return ("version https://git-lfs.github.com/spec/v1\noid sha256:%s\nsize %d\n" % (sha256, size)).encode("ascii")


class Entry:
    def __init__(self, path, rel):
        self.path = path
        self.rel = rel
        self.size = os.path.getsize(path)
        self.lfs = rel.endswith(LFS_SUFFIXES)
        h256 = hashlib.sha256()
        with open(path, "rb") as f:
            for block in iter(lambda: f.read(CHUNK), b""):
                h256.update(block)
        self.sha256 = h256.hexdigest()
        if self.lfs:  # the git blob of an LFS file is its pointer
            self.blob_sha1 = git_blob_sha1(lfs_pointer(self.sha256, self.size))
        else:
            with open(path, "rb") as f:
                self.blob_sha1 = git_blob_sha1(f.read())


class Repo:
    def __init__(self, repo_id, folder):
        self.repo_id = repo_id
        self.files = {}
        for dirpath, dirnames, filenames in os.walk(folder):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            for fn in sorted(filenames):
                if fn.startswith(".") or fn.endswith(".partial"):
                    continue
                full = os.path.join(dirpath, fn)
                rel = os.path.relpath(full, folder).replace(os.sep, "/")
                self.files[rel] = Entry(full, rel)
        listing = "".join("%s %s\n" % (rel, e.blob_sha1) for rel, e in sorted(self.files.items()))
        self.commit = hashlib.sha1(listing.encode("utf-8")).hexdigest()


def scan(root):
    repos = {}
    for org in sorted(os.listdir(root)):
        od = os.path.join(root, org)
        if org.startswith(".") or not os.path.isdir(od):
            continue
        for name in sorted(os.listdir(od)):
            rd = os.path.join(od, name)
            if name.startswith(".") or not os.path.isdir(rd):
                continue
            repo = Repo(org + "/" + name, rd)
            if repo.files:
                repos[repo.repo_id] = repo
    return repos


RESOLVE = re.compile(r"^/(?:models/)?([^/]+/[^/]+)/resolve/([^/]+)/(.+)$")
LFS = re.compile(r"^/lfs/([0-9a-f]{64})$")
API = re.compile(r"^/api/models/([^/]+/[^/]+?)(?:/revision/([^/]+))?/?$")
RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


class Handler(BaseHTTPRequestHandler):
    server_version = "loopback-hub/1"
    protocol_version = "HTTP/1.1"

    def do_HEAD(self):
        self.route(body=False)

    def do_GET(self):
        self.route(body=True)

    def log_message(self, fmt, *args):
        if not self.server.quiet:
            sys.stderr.write("loopback-hub: %s %s\n" % (self.address_string(), fmt % args))

    # ------------------------------------------------------------------ routing

    def route(self, body):
        path = unquote(urlsplit(self.path).path)
        repos = self.server.repos
        m = RESOLVE.match(path)
        if m:
            repo_id, rev, rel = m.group(1), m.group(2), m.group(3)
            repo = repos.get(repo_id)
            if repo is None:
                return self.error(404, "RepoNotFound", "Repository not found: %s" % repo_id, body)
            if rev not in ("main", repo.commit):
                return self.error(404, "RevisionNotFound", "Invalid rev id: %s" % rev, body, repo)
            entry = repo.files.get(rel)
            if entry is None:
                return self.error(404, "EntryNotFound", "%s does not exist at revision %s" % (rel, rev), body, repo)
            if entry.lfs:
                headers = self.lfs_headers(entry, repo)
                headers["ETag"] = '"%s"' % entry.blob_sha1
                headers["Location"] = "/lfs/%s" % entry.sha256
                return self.send(302, headers, b"Found. Redirecting to /lfs/%s" % entry.sha256.encode("ascii"), body)
            headers = {"X-Repo-Commit": repo.commit, "ETag": '"%s"' % entry.blob_sha1}
            return self.send_file(entry, headers, body)
        m = LFS.match(path)
        if m:
            for repo in repos.values():
                for entry in repo.files.values():
                    if entry.lfs and entry.sha256 == m.group(1):
                        headers = self.lfs_headers(entry, repo)
                        headers["ETag"] = '"%s"' % entry.sha256
                        return self.send_file(entry, headers, body)
            return self.error(404, "EntryNotFound", "no LFS object %s" % m.group(1), body)
        m = API.match(path)
        if m:
            repo = repos.get(m.group(1))
            if repo is None:
                return self.error(404, "RepoNotFound", "Repository not found: %s" % m.group(1), body)
            rev = m.group(2) or "main"
            if rev not in ("main", repo.commit):
                return self.error(404, "RevisionNotFound", "Invalid rev id: %s" % rev, body, repo)
            info = {"id": repo.repo_id, "modelId": repo.repo_id, "sha": repo.commit, "private": False,
                    "siblings": [{"rfilename": rel} for rel in sorted(repo.files)]}
            data = json.dumps(info).encode("utf-8")
            return self.send(200, {"X-Repo-Commit": repo.commit, "Content-Type": "application/json"}, data, body)
        return self.error(404, "RepoNotFound" if "/resolve/" not in path else "EntryNotFound", "not found: %s" % path, body)

    # ------------------------------------------------------------------ answers

    @staticmethod
    def lfs_headers(entry, repo):
        return {"X-Repo-Commit": repo.commit, "X-Linked-Etag": '"%s"' % entry.sha256, "X-Linked-Size": str(entry.size)}

    def error(self, status, code, message, body, repo=None):
        headers = {"X-Error-Code": code, "X-Error-Message": message, "Content-Type": "application/json"}
        if repo is not None:
            headers["X-Repo-Commit"] = repo.commit
        self.send(status, headers, json.dumps({"error": message}).encode("utf-8"), body)

    def send(self, status, headers, data, body):
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if body:
            self.wfile.write(data)

    def send_file(self, entry, headers, body):
        size = entry.size
        start, end = 0, size - 1
        status = 200
        rng = self.headers.get("Range")
        if rng:
            m = RANGE.match(rng.strip())
            if not m or (m.group(1) == "" and m.group(2) == ""):
                return self.range_not_satisfiable(size, body)  # multi-range and odd forms are not served
            if m.group(1) == "":  # suffix: the last n bytes
                n = int(m.group(2))
                if n == 0:
                    return self.range_not_satisfiable(size, body)
                start = max(0, size - n)
            else:
                start = int(m.group(1))
                if m.group(2) != "":
                    end = min(int(m.group(2)), size - 1)
                if start >= size or start > end:
                    return self.range_not_satisfiable(size, body)
            status = 206
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(end - start + 1))
        if status == 206:
            self.send_header("Content-Range", "bytes %d-%d/%d" % (start, end, size))
        self.end_headers()
        if not body:
            return
        with open(entry.path, "rb") as f:
            f.seek(start)
            left = end - start + 1
            while left > 0:
                block = f.read(min(CHUNK, left))
                if not block:
                    break
                self.wfile.write(block)
                left -= len(block)

    def range_not_satisfiable(self, size, body):
        self.send(416, {"Content-Range": "bytes */%d" % size}, b"", body)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("root", help="folder of repos: ROOT/ORG/NAME/<files>")
    ap.add_argument("port", nargs="?", type=int, default=0, help="port on 127.0.0.1 (0: any free one)")
    ap.add_argument("--port-file", help="write the chosen port to this file once listening")
    ap.add_argument("--quiet", action="store_true", help="do not log requests")
    args = ap.parse_args()
    repos = scan(args.root)
    if not repos:
        sys.exit("loopback_hub.py: no repo under %s (expected ROOT/ORG/NAME/<files>)" % args.root)
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    server.repos = repos
    server.quiet = args.quiet
    port = server.server_address[1]
    for repo in repos.values():
        print("repo %s commit %s: %s" % (repo.repo_id, repo.commit, ", ".join(sorted(repo.files))), flush=True)
    if args.port_file:
        tmp = args.port_file + ".partial"
        with open(tmp, "w") as f:
            f.write("%d\n" % port)
        os.replace(tmp, args.port_file)
    print("listening on http://127.0.0.1:%d" % port, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
