"""Writes the attributes of the native exceptions into the stubs (`_native.pyi`), from the core's error
record (`ErrorInfo` in the answers schema): every exception carries every field of the record (`None`
where the error has none), and `kind` and `error_type` are the values the core names.

Usage: python_error_stubs.py ANSWERS_SCHEMA IN_PYI OUT_PYI

Only the text between the `# <generated: ErrorInfo>` and `# </generated>` lines is replaced.
"""

import json
import sys

BEGIN, END = "    # <generated: ErrorInfo>\n", "    # </generated>\n"


def values(definition: dict) -> list:
    """The texts of a closed enum (`enum`, or `oneOf` of `const`)."""
    if "enum" in definition:
        return definition["enum"]
    return [member["const"] for member in definition.get("oneOf", [])]


def annotation(prop: dict, defs: dict) -> str:
    ref = prop.get("$ref", "").rpartition("/")[2]
    if ref:
        return "Literal[" + ", ".join(json.dumps(v) for v in values(defs[ref])) + "]"
    kind = prop.get("type")
    nullable = isinstance(kind, list) and "null" in kind
    if isinstance(kind, list):
        kind = next(k for k in kind if k != "null")
    base = {"string": "str", "integer": "int", "boolean": "bool"}.get(kind)
    if kind == "array":
        base = "list[dict[str, str]]"
    if base is None:
        raise SystemExit(f"no stub type for {prop}")
    return f"Optional[{base}]" if nullable else base


def main(schema_path: str, in_path: str, out_path: str) -> None:
    with open(schema_path, encoding="utf-8") as f:
        defs = json.load(f)["$defs"]
    with open(in_path, encoding="utf-8") as f:
        stub = f.read()
    if BEGIN not in stub or END not in stub:
        raise SystemExit(f"{in_path} has no {BEGIN.strip()} … {END.strip()} section")
    info = defs["ErrorInfo"]
    lines = []
    for name, prop in info["properties"].items():
        if name == "message":
            continue  # The exception's own text (str(e)).
        doc = prop.get("description", "").replace("\n", " ")
        lines.append(f"    {name}: {annotation(prop, defs)}\n")
        lines.append(f'    """{doc}"""\n')
    head, rest = stub.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    with open(out_path, "w", encoding="utf-8") as f:
        f.write(head + BEGIN + "".join(lines) + END + tail)


if __name__ == "__main__":
    main(*sys.argv[1:4])
