"""Structural checks of the Kubernetes manifests in contrib/k8s/ without a
cluster (kubectl's client-side dry run needs an API server): the fields the
API requires for each kind used, references that must resolve (volumes,
ConfigMaps, PVCs), and the Indexed Job's invariants. kubeconform, when on
PATH, validates against the real schemas too (tests/cli/test_fleet.sh).

    python3 tests/cli/k8s_check.py FILE.yaml

Prints one line per problem; exit 0 clean, 1 problems, 77 without PyYAML.
"""
import re
import sys

try:
    import yaml
except ImportError:
    print("python3 has no yaml module (apt-get install python3-yaml)")
    sys.exit(77)

DNS1123 = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
problems = []


def need(cond, msg):
    if not cond:
        problems.append(msg)


def pod_spec(where, spec, configmaps, pvcs, job):
    vols = {v["name"]: v for v in spec.get("volumes", [])}
    need(spec.get("containers"), where + ": no containers")
    if job:
        need(spec.get("restartPolicy") in ("Never", "OnFailure"),
             where + ": a Job's pods need restartPolicy Never or OnFailure")
    for c in spec.get("containers", []):
        cw = "%s: container %s" % (where, c.get("name"))
        need(DNS1123.match(c.get("name", "")), cw + ": name is not DNS-1123")
        need(c.get("image"), cw + ": no image")
        for m in c.get("volumeMounts", []):
            need(m.get("name") in vols, cw + ": mounts undefined volume " + str(m.get("name")))
            need(str(m.get("mountPath", "")).startswith("/"), cw + ": mountPath not absolute")
        for e in c.get("env", []):
            need("value" in e or "valueFrom" in e, cw + ": env %s has no value" % e.get("name"))
            ref = e.get("valueFrom", {}).get("fieldRef", {}).get("fieldPath", "")
            if ref:
                need(re.match(r"^(metadata\.(name|namespace|uid|labels\['[^']+'\]|annotations\['[^']+'\])|spec\.nodeName|status\.podIP)$", ref),
                     cw + ": unsupported fieldPath " + ref)
        r = c.get("resources", {})
        need("limits" in r, cw + ": no resource limits (a runaway check must not starve the node)")
    for v in vols.values():
        if "configMap" in v:
            need(v["configMap"]["name"] in configmaps, where + ": ConfigMap %s not in the manifest" % v["configMap"]["name"])
        if "persistentVolumeClaim" in v:
            need(v["persistentVolumeClaim"]["claimName"] in pvcs,
                 where + ": PVC %s not in the manifest" % v["persistentVolumeClaim"]["claimName"])


def main(path):
    docs = [d for d in yaml.safe_load_all(open(path)) if d]
    configmaps = {d["metadata"]["name"]: d for d in docs if d.get("kind") == "ConfigMap"}
    pvcs = {d["metadata"]["name"] for d in docs if d.get("kind") == "PersistentVolumeClaim"}
    for d in docs:
        kind, api = d.get("kind"), d.get("apiVersion")
        name = d.get("metadata", {}).get("name", "")
        where = "%s/%s" % (kind, name)
        need(DNS1123.match(name) and len(name) <= 52, where + ": name must be DNS-1123, at most 52 characters for a CronJob")
        if kind == "ConfigMap":
            need(api == "v1", where + ": apiVersion v1")
        elif kind == "PersistentVolumeClaim":
            need(api == "v1", where + ": apiVersion v1")
            need(d["spec"].get("accessModes"), where + ": accessModes")
            need(d["spec"].get("resources", {}).get("requests", {}).get("storage"), where + ": storage request")
        elif kind == "CronJob":
            need(api == "batch/v1", where + ": apiVersion batch/v1")
            spec = d["spec"]
            need(len(str(spec.get("schedule", "")).split()) == 5, where + ": schedule is not a 5-field cron")
            job = spec["jobTemplate"]["spec"]
            if job.get("completionMode") == "Indexed":
                need(isinstance(job.get("completions"), int) and job["completions"] > 0,
                     where + ": an Indexed Job needs completions")
            pod_spec(where, job["template"]["spec"], configmaps, pvcs, True)
            # The manifest's own invariant: completions = SERVICES_COUNT + 1 = service lines + 1.
            env = {e["name"]: e.get("value") for c in job["template"]["spec"]["containers"] for e in c.get("env", [])}
            tsv = "".join(cm["data"].get("services.tsv", "") for cm in configmaps.values())
            lines = [l for l in tsv.splitlines() if l.strip() and not l.startswith("#")]
            need(all(len(l.split("\t")) == 4 for l in lines), where + ": services.tsv lines need 4 tab-separated fields")
            need(str(len(lines)) == env.get("SERVICES_COUNT"), where + ": SERVICES_COUNT is not the number of service lines")
            need(job.get("completions") == len(lines) + 1, where + ": completions must be services + 1 (the merge)")
        else:
            need(False, where + ": kind not checked here")
    for p in problems:
        print("%s: %s" % (path, p))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
