#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Keep the admin guide's commands honest.

  docs-commands.py list FILE   print LINE<TAB>COMMAND for every ip, ethtool,
                               bridge and tc command in a console block
                               (the test guest runs each, tools/tests/docs.sh)
  docs-commands.py check FILE  fail if such a command appears anywhere else:
                               in another literal block, without a "# "
                               prompt, or as inline ``literal`` text that no
                               listed command starts with

A command block is ".. code-block:: console" whose commands start with the
root prompt "# "; other lines in it are output.  A command may continue on
the next line after a trailing backslash.  In inline text, "..." stands for
any words.
"""
import re
import sys

TOOLS = ("ip", "ethtool", "bridge", "tc")
TOOL_RE = re.compile(r"^(%s)(\s|$)" % "|".join(TOOLS))
CONSOLE_RE = re.compile(r"^(\s*)\.\.\s+code-block::\s+console\s*$")
LITERAL_RE = re.compile(r"^(\s*)(\.\.\s+(code-block|code|sourcecode)::.*|.*::)\s*$")


def indent(line):
    return len(line) - len(line.lstrip(" "))


def scan(path):
    """Return (commands, problems, prose).

    commands: [(lineno, text)] from console blocks.
    problems: [(lineno, message)] for tool commands outside them.
    prose: text outside every literal block, for inline literals.
    """
    lines = open(path, encoding="utf-8").read().split("\n")
    commands, problems, prose = [], [], []
    i = 0
    while i < len(lines):
        line = lines[i]
        m_console = CONSOLE_RE.match(line)
        m_literal = None if m_console else LITERAL_RE.match(line)
        if not (m_console or m_literal):
            prose.append(line)
            i += 1
            continue
        if m_literal and not m_literal.group(2).startswith(".."):
            # "text::" keeps the text; only what follows is literal.
            prose.append(line)
        base = indent(line)
        i += 1
        pending = None
        while i < len(lines):
            body = lines[i]
            if body.strip() and indent(body) <= base:
                break
            text = body.strip()
            if m_console and pending is not None:
                pending = (pending[0], pending[1] + " " + text.rstrip("\\").strip())
                if not text.endswith("\\"):
                    commands.append(pending)
                    pending = None
            elif m_console and text.startswith("# "):
                cmd = text[2:].strip()
                if cmd.endswith("\\"):
                    pending = (i + 1, cmd.rstrip("\\").strip())
                elif TOOL_RE.match(cmd):
                    commands.append((i + 1, cmd))
            elif m_console and text.startswith("$ "):
                problems.append((i + 1, "use the root prompt '# ': " + text))
            elif TOOL_RE.match(re.sub(r"^[#$]\s+", "", text)):
                where = "without a '# ' prompt" if m_console else \
                    "in a literal block that is not '.. code-block:: console'"
                problems.append((i + 1, "command %s: %s" % (where, text)))
            i += 1
        if pending is not None:
            problems.append((pending[0], "unterminated continuation"))
    commands = [(n, c) for n, c in commands if TOOL_RE.match(c)]
    return commands, problems, "\n".join(prose)


def inline_problems(prose, commands):
    """Inline ``ip ...`` text must be the start of a listed command."""
    out = []
    cmds = [" ".join(c.split()) for _, c in commands]
    for m in re.finditer(r"``(.+?)``", prose, re.S):
        text = " ".join(m.group(1).split())
        if not TOOL_RE.match(text):
            continue
        words = [re.escape(w) if w != "..." else r".*" for w in text.split()]
        pat = re.compile(r"^" + r"\s+".join(words).replace(r"\s+.*\s+", r"\s.*\s")
                         + r"(\s|$)")
        if not any(pat.match(c) for c in cmds):
            out.append("inline command no console block runs: ``%s``" % text)
    return out


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ("list", "check"):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    path = sys.argv[2]
    commands, problems, prose = scan(path)
    if sys.argv[1] == "list":
        for n, c in commands:
            print("%d\t%s" % (n, c))
        return 0
    msgs = ["%s:%d: %s" % (path, n, msg) for n, msg in problems]
    msgs += ["%s: %s" % (path, msg) for msg in inline_problems(prose, commands)]
    for msg in msgs:
        print(msg)
    print("%s: %d commands in console blocks, %d escaped" %
          (path, len(commands), len(msgs)))
    return 1 if msgs or not commands else 0


if __name__ == "__main__":
    sys.exit(main())
