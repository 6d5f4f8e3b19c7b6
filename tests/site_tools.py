"""Helpers for the browser tests: the page list and a local server.

The built site is served from _build/html on 127.0.0.1 by a thread of the
test process, so the tests need no network and nothing but the build.
"""
import functools
import http.server
import threading
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
SITE = ROOT / "_build" / "html"


def toc_files():
    """Every file of _toc.yml, in reading order (without extension)."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    found = [toc["root"]]

    def walk(entries):
        for entry in entries or []:
            if "file" in entry:
                found.append(entry["file"])
            walk(entry.get("sections"))

    for part in toc.get("parts", []):
        walk(part.get("chapters"))
    walk(toc.get("chapters"))
    return found


def source_of(name):
    """The source file behind a toc entry: an .ipynb or an .md."""
    for suffix in (".ipynb", ".md"):
        if (ROOT / (name + suffix)).exists():
            return ROOT / (name + suffix)
    raise FileNotFoundError(f"no source for toc entry {name!r}")


def colab_url(name):
    """The Colab link a notebook page must carry."""
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    repo = config["repository"]
    github = repo["url"].rstrip("/").split("github.com/", 1)[1]
    colab = config["launch_buttons"]["colab_url"].rstrip("/")
    return f"{colab}/github/{github}/blob/{repo['branch']}/{name}.ipynb"


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def serve(directory=SITE):
    """Serve `directory` on 127.0.0.1 (a free port); return (url, stop)."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    host, port = server.server_address

    def stop():
        server.shutdown()
        server.server_close()

    return f"http://{host}:{port}", stop
