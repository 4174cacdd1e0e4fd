"""Prints the shell of a CI recipe's step, so a test runs exactly what the
recipe would run (tests/cli/test_ci.sh).

    python3 tests/cli/ci_steps.py github FILE.yml JOB "STEP NAME"
    python3 tests/cli/ci_steps.py gitlab FILE.yml JOB INDEX...   (script items)
    python3 tests/cli/ci_steps.py check FILE.yml...              (parse only)
    python3 tests/cli/ci_steps.py shellcheck FILE.yml...         (every step's shell)

Exit 0, 1 when the step is not there (or shellcheck found something), 77
without PyYAML (or, for shellcheck, without shellcheck).
"""
import shutil
import subprocess
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
    if kind == "shellcheck":
        if not shutil.which("shellcheck"):
            print("shellcheck is not installed", file=sys.stderr)
            return 77
        bad = 0
        for f in argv[1:]:
            doc = yaml.safe_load(open(f))
            blocks = []
            if "jobs" in doc:   # GitHub Actions: run steps are bash -e
                for job in doc["jobs"].values():
                    for step in job["steps"]:
                        if "run" in step:
                            blocks.append((step.get("name", "?"), step["run"]))
            else:               # GitLab: a job's script items run in one shell
                for name, job in doc.items():
                    if isinstance(job, dict) and "script" in job:
                        blocks.append((name, "\n".join(job["script"])))
            for name, text in blocks:
                p = subprocess.run(["shellcheck", "-s", "bash", "-"], input=text,
                                   capture_output=True, text=True)
                if p.returncode:
                    print("%s: step %s:\n%s" % (f, name, p.stdout))
                    bad += 1
        return 1 if bad else 0
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
