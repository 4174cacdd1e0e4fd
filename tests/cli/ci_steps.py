"""Prints the shell of a CI recipe's step, so a test runs exactly what the
recipe would run (tests/cli/test_ci.sh).

    python3 tests/cli/ci_steps.py github FILE.yml JOB "STEP NAME"
    python3 tests/cli/ci_steps.py gitlab FILE.yml JOB INDEX...   (script items)
    python3 tests/cli/ci_steps.py check FILE.yml...              (parse only)

Exit 0, 1 when the step is not there, 77 without PyYAML.
"""
import sys

try:
    import yaml
except ImportError:
    print("python3 has no yaml module (apt-get install python3-yaml)", file=sys.stderr)
    sys.exit(77)


def main(argv):
    kind = argv[0]
    if kind == "check":
        for f in argv[1:]:
            yaml.safe_load(open(f))
        return 0
    doc = yaml.safe_load(open(argv[1]))
    if kind == "github":
        for step in doc["jobs"][argv[2]]["steps"]:
            if step.get("name") == argv[3] and "run" in step:
                sys.stdout.write(step["run"])
                return 0
        return 1
    script = doc[argv[2]]["script"]
    for i in argv[3:]:
        sys.stdout.write(script[int(i)] + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
