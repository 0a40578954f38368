#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Parse reStructuredText files with docutils; fail on any warning.

usage: rst-check.py FILE...

Sphinx-only constructs used by Documentation/ are understood:
toctree (entries must name an existing .rst file, except those listed in
XENC_DOCS_PENDING, space-separated, which are only reported) and
literalinclude (the file must exist; start-after/end-before must match).
"""
import os
import sys

from docutils import nodes
from docutils.core import publish_doctree
from docutils.parsers.rst import Directive, directives

problems = []
notes = []


class TocTree(Directive):
    has_content = True
    option_spec = {"maxdepth": int, "caption": str, "hidden": directives.flag,
                   "numbered": directives.flag}

    def run(self):
        src = self.state.document.current_source
        pending = os.environ.get("XENC_DOCS_PENDING", "").split()
        for entry in self.content:
            entry = entry.strip()
            if not entry:
                continue
            path = os.path.join(os.path.dirname(src), entry + ".rst")
            if os.path.exists(path):
                continue
            msg = "%s: toctree entry %s: no %s" % (src, entry, path)
            (notes if entry in pending else problems).append(msg)
        return []


class LiteralInclude(Directive):
    required_arguments = 1
    option_spec = {"language": str, "lines": str, "start-after": str,
                   "end-before": str, "linenos": directives.flag}

    def run(self):
        src = self.state.document.current_source
        path = os.path.join(os.path.dirname(src), self.arguments[0])
        if not os.path.exists(path):
            problems.append("%s: literalinclude: no %s" % (src, path))
            return []
        text = open(path, encoding="utf-8").read()
        for opt in ("start-after", "end-before"):
            if opt in self.options and self.options[opt] not in text:
                problems.append("%s: literalinclude %s: %s %r not found" %
                                (src, path, opt, self.options[opt]))
        return [nodes.literal_block(text, text)]


directives.register_directive("toctree", TocTree)
directives.register_directive("literalinclude", LiteralInclude)


def main():
    if len(sys.argv) < 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    for path in sys.argv[1:]:
        with open(path, encoding="utf-8") as f:
            text = f.read()
        try:
            doc = publish_doctree(text, source_path=path, settings_overrides={
                "report_level": 2, "halt_level": 5, "warning_stream": sys.stdout,
                "file_insertion_enabled": False})
        except Exception as e:  # a parser crash is a problem too
            problems.append("%s: %s" % (path, e))
            continue
        # docutils only prints its warnings and errors: count them.
        for m in getattr(doc, "findall", doc.traverse)(nodes.system_message):
            if m["level"] >= 2:
                problems.append("%s:%s: %s" % (path, m.get("line", "?"),
                                               m.astext().splitlines()[0]))
    for msg in notes:
        print("note: " + msg)
    for msg in problems:
        print(msg)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
