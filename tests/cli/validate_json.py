"""Validates JSON documents (or JSON lines) against a JSON Schema.

    python3 tests/cli/validate_json.py [--lines] [--unique KEY] SCHEMA FILE...

Exit 0 valid, 1 invalid (one line per error), 77 when the jsonschema module
is missing (the caller reports SKIP with the reason). --unique KEY also
requires KEY to be unique across the array's items (GitLab fingerprints).
"""
import json
import sys


def main(argv):
    lines = False
    unique = None
    while argv and argv[0].startswith("--"):
        opt = argv.pop(0)
        if opt == "--lines":
            lines = True
        elif opt == "--unique":
            unique = argv.pop(0)
    try:
        import jsonschema
    except ImportError:
        print("python3 has no jsonschema module (apt-get install python3-jsonschema)")
        return 77
    schema = json.load(open(argv[0]))
    # Each schema names its draft ($schema: pgodrift's are 2020-12, the
    # vendor schemas draft 4 or 7); draft 4 when it names none.
    cls = jsonschema.validators.validator_for(schema, default=jsonschema.Draft4Validator)
    validator = cls(schema)
    bad = 0
    for path in argv[1:]:
        with open(path) as f:
            if lines:
                docs = [json.loads(l) for l in f if l.strip()]
            else:
                docs = [json.load(f)]
        for i, doc in enumerate(docs):
            for e in validator.iter_errors(doc):
                print("%s:%d: %s at %s" % (path, i + 1, e.message, list(e.absolute_path)))
                bad += 1
            if unique and isinstance(doc, list):
                keys = [item.get(unique) for item in doc]
                if len(keys) != len(set(keys)):
                    print("%s: duplicate %s" % (path, unique))
                    bad += 1
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
