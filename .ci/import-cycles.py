#!/usr/bin/env python3
"""Lists the import edges between the files of each crate and fails on any circle.

An edge A -> B means that file A names an item of file B: through `crate::…`, `super::…` or
`self::…`, or through a child module it declares (`mod tree;` then `tree::show`). Declaring a
module is not an edge; naming what is in it is. A name re-exported by a `pub use` in another
file (`crate::WebError`, re-exported by lib.rs from error.rs) is followed to where it is
defined, and the `pub use` itself is no edge: a re-export is a crate's or a module's front
door, not a use of what it shows.

    python3 .ci/import-cycles.py            # check every crate under crates/, print circles
    python3 .ci/import-cycles.py --edges    # also print every edge, crate by crate

Exit status 1 when a crate has a circle. Code in `#[cfg(test)]` modules is skipped (a test
module naming `super::*` imports its own file).
"""

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def strip_comments(text):
    """Drops comments, and the text of strings and character literals (whose braces would
    otherwise count)."""
    text = re.sub(r'r(#*)".*?"\1', '""', text, flags=re.S)
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    text = re.sub(r'"(?:\\[\s\S]|[^"\\])*"', '""', text)
    text = re.sub(r"'(?:\\.|[^'\\\n])'", "' '", text)
    return re.sub(r"//[^\n]*", "", text)


def strip_test_modules(text):
    """Drops every `#[cfg(test)] mod name { … }` block."""
    out = []
    i = 0
    for match in re.finditer(r"#\[cfg\(test\)\]\s*(?:pub(?:\([^)]*\))?\s+)?mod\s+\w+\s*\{", text):
        if match.start() < i:
            continue
        out.append(text[i : match.start()])
        depth = 1
        j = match.end()
        while j < len(text) and depth:
            depth += {"{": 1, "}": -1}.get(text[j], 0)
            j += 1
        i = j
    out.append(text[i:])
    return "".join(out)


def module_files(src):
    """Module path (tuple) -> file, for every file of a crate's src/."""
    files = {}
    for path in src.rglob("*.rs"):
        rel = path.relative_to(src).with_suffix("")
        parts = list(rel.parts)
        if parts in (["lib"], ["main"]):
            parts = []
        elif parts[-1] == "mod":
            parts = parts[:-1]
        files[tuple(parts)] = path
    return files


def expand_use(tree):
    """`a::{b, c::d}` -> ['a::b', 'a::c::d']."""
    tree = re.sub(r"\s+", "", tree)
    brace = tree.find("{")
    if brace < 0:
        return [tree]
    prefix = tree[:brace]
    inner = tree[brace + 1 : tree.rfind("}")]
    parts, depth, current = [], 0, ""
    for ch in inner:
        if ch == "," and depth == 0:
            parts.append(current)
            current = ""
            continue
        depth += {"{": 1, "}": -1}.get(ch, 0)
        current += ch
    parts.append(current)
    return [p for part in parts if part for p in expand_use(prefix + part)]


def references(text, children):
    """Every path a file names that starts in its own crate: `crate::`, `super::`, `self::`,
    or one of its child modules."""
    paths = []
    text = re.sub(r"\bpub(?:\([^)]*\))?\s+use\s+[^;]+;", "", text)
    for use in re.findall(r"\buse\s+([^;]+);", text):
        paths.extend(expand_use(use))
    body = re.sub(r"\buse\s+[^;]+;", "", text)
    starts = ["crate", "super", "self"] + sorted(children)
    pattern = r"(?<![\w:])((?:%s)(?:::\w+)+)" % "|".join(map(re.escape, starts))
    paths.extend(re.findall(pattern, body))
    return [p.split(" as ")[0] for p in paths]


def resolve(path, here, files, exports):
    """The module (tuple) an item path names, from module `here`; None outside the crate."""
    parts = path.replace(" ", "").split("::")
    if parts[0] == "crate":
        base, rest = (), parts[1:]
    elif parts[0] in ("super", "self"):
        base = list(here)
        while parts and parts[0] in ("super", "self"):
            if parts[0] == "super":
                base = base[:-1]
            parts = parts[1:]
        base, rest = tuple(base), parts
    elif here + (parts[0],) in files:
        base, rest = here, parts
    else:
        return None
    module = base
    for i, name in enumerate(rest):
        if module + (name,) in files:
            module = module + (name,)
            continue
        target = exports.get((module, name))
        if target is not None and target != path:
            return resolve(target + "::" + "::".join(rest[i + 1 :]), module, files, exports) if i + 1 < len(rest) else resolve(target, module, files, exports)
        break
    return module


def check_crate(src, show_edges):
    files = module_files(src)
    texts = {m: strip_test_modules(strip_comments(p.read_text())) for m, p in files.items()}
    exports = {}
    for module, text in texts.items():
        for use in re.findall(r"\bpub(?:\([^)]*\))?\s+use\s+([^;]+);", text):
            for path in expand_use(use):
                name = path.split(" as ")[-1].split("::")[-1]
                if name not in ("self", "*"):
                    exports[(module, name)] = path.split(" as ")[0]
    edges = {m: set() for m in files}
    for module, text in texts.items():
        children = {m[-1] for m in files if len(m) == len(module) + 1 and m[:-1] == module}
        for path in references(text, children):
            target = resolve(path, module, files, exports)
            if target is not None and target != module and target in files:
                edges[module].add(target)
    name = lambda m: "::".join(m) or "crate"
    if show_edges:
        for module in sorted(edges):
            for target in sorted(edges[module]):
                print(f"  {name(module)} -> {name(target)}")
    return [[name(m) for m in c] for c in strongly_connected(edges) if len(c) > 1]


def strongly_connected(edges):
    index, low, stack, on_stack, found = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(edges[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            found.append(sorted(component))

    sys.setrecursionlimit(10000)
    for v in sorted(edges):
        if v not in index:
            visit(v)
    return found


def main():
    show_edges = "--edges" in sys.argv
    failed = False
    for crate in sorted((ROOT / "crates").iterdir()):
        src = crate / "src"
        if not src.is_dir():
            continue
        if show_edges:
            print(f"{crate.name}:")
        for circle in check_crate(src, show_edges):
            failed = True
            print(f"{crate.name}: import circle: {' <-> '.join(circle)}")
    if not failed:
        print("no import circles")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
