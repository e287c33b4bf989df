"""Validates result files against schema/result.schema.json, one path per line on stdin.

For each path it prints the problems found (one per line, at most 20), then END. It stays up
for the whole test process so each check costs a few milliseconds.
"""
import json
import sys

from jsonschema import Draft202012Validator


def main(schema_path):
    with open(schema_path) as f:
        schema = json.load(f)
    Draft202012Validator.check_schema(schema)
    validator = Draft202012Validator(schema)
    for line in sys.stdin:
        path = line.rstrip("\n")
        try:
            with open(path) as f:
                doc = json.load(f)
        except Exception as e:  # a result that is not JSON is a problem to report, not a crash
            print(f"not JSON: {e}")
        else:
            errors = sorted(validator.iter_errors(doc), key=lambda e: [str(p) for p in e.absolute_path])
            for err in errors[:20]:
                where = "/".join(str(p) for p in err.absolute_path) or "(root)"
                print(f"{where}: {err.message}")
        print("END", flush=True)


if __name__ == "__main__":
    main(sys.argv[1])
