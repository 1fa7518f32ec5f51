"""Replaces each reference to a model that Python shows as its own class with a `customTypePath`.

Usage: python-types.py SCHEMA MAPPING OUT (MAPPING: {model name: Python class path}). In a document of
what the core takes (the requests), an amount is also `MoneyLike` (a `Decimal`, `int` or `str`), as
every call accepts it.
"""

import json
import sys


def main(schema_path: str, mapping_path: str, out_path: str) -> None:
    with open(schema_path, encoding="utf-8") as f:
        schema = json.load(f)
    with open(mapping_path, encoding="utf-8") as f:
        mapping = {k: v for k, v in json.load(f).items() if not k.startswith("//")}

    takes_input = schema.get("title", "").endswith("requests")

    def walk(node: object) -> object:
        if isinstance(node, dict):
            name = str(node.get("$ref", "")).rpartition("/")[2]
            if name in mapping:
                return {"customTypePath": mapping[name]}
            if takes_input and node.get("format") == "decimal":
                return {"customTypePath": "alipay_core._model.MoneyLike", "description": node.get("description", "")}
            return {k: walk(v) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v) for v in node]
        return node

    with open(out_path, "w", encoding="utf-8") as f:
        json.dump(walk(schema), f, ensure_ascii=False, indent=2)


if __name__ == "__main__":
    main(*sys.argv[1:4])
