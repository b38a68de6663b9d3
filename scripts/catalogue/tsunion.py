"""Shared helper: resolve a TypeScript union of interfaces to the string
literal each member carries in a discriminator field (e.g. `type` or `event`).
Works on .d.ts text; depth-aware (only members at the interface's top level)."""
import re

def _body(src, start):
    """Text between the `{` at/after `start` and its matching `}`."""
    i = src.index("{", start); depth = 0
    for j in range(i, len(src)):
        c = src[j]
        if c == "{": depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0: return src[i + 1:j]
    raise ValueError("unbalanced")

def top_level(body):
    """Drop nested {...} blocks, keep the interface's own members."""
    out, depth = [], 0
    for c in body:
        if c == "{": depth += 1
        elif c == "}": depth -= 1
        elif depth == 0: out.append(c)
    return "".join(out)

def literal(src, name, field):
    m = re.search(r"(?:interface|type)\s+" + re.escape(name) + r"\b[^{=]*(=\s*)?\{", src)
    if not m: return None
    body = top_level(_body(src, m.start()))
    lits = re.findall(r"(?:^|[;\n])\s*" + field + r"\??\s*:\s*'([^']+)'", body)
    return lits[0] if lits else None

def union_members(src, name):
    m = re.search(r"type\s+" + re.escape(name) + r"\s*=\s*([^;]+);", src)
    return [x.strip() for x in m.group(1).split("|") if x.strip()]

def resolve(src, union, field):
    """-> (sorted literals, unresolved member names)."""
    lits, missing = set(), []
    for mem in union_members(src, union):
        lit = literal(src, mem, field)
        if lit: lits.add(lit)
        else: missing.append(mem)
    return sorted(lits), missing
