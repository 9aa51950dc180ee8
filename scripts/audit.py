"""Dependency audit: pip-audit over the installed, pinned packages (editable project
packages excluded). Fails on a known vulnerability. When the vulnerability service
cannot be reached, pip-audit itself would report "no known vulnerabilities" having
audited nothing; this says so loudly instead, and fails too with AUDIT_REQUIRED=1.

Usage: .venv/bin/python scripts/audit.py
"""
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path


def main():
    bin_dir = Path(sys.executable).parent
    frozen = subprocess.run([bin_dir / "pip", "freeze", "--exclude-editable"], check=True,
                            capture_output=True, text=True).stdout
    with tempfile.NamedTemporaryFile("w", suffix=".txt") as requirements:
        requirements.write(frozen)
        requirements.flush()
        result = subprocess.run(
            [bin_dir / "pip-audit", "-r", requirements.name, "--no-deps", "--disable-pip",
             "--progress-spinner", "off", "-f", "json"],
            capture_output=True, text=True)
    try:
        report = json.loads(result.stdout)
    except ValueError:
        print("DEPENDENCY AUDIT NOT PERFORMED: pip-audit failed:\n" + result.stderr[-2000:])
        return 1 if os.environ.get("AUDIT_REQUIRED") == "1" else 0
    dependencies = report["dependencies"]
    vulnerable = [d for d in dependencies if d.get("vulns")]
    skipped = [d for d in dependencies if d.get("skip_reason")]
    for dependency in vulnerable:
        for vuln in dependency["vulns"]:
            print(f"VULNERABLE {dependency['name']} {dependency['version']}: {vuln['id']} "
                  f"(fixed in {', '.join(vuln['fix_versions']) or 'no release'})")
    audited = len(dependencies) - len(skipped)
    print(f"dependency audit: {audited} of {len(dependencies)} packages audited, "
          f"{len(vulnerable)} vulnerable")
    if skipped:
        print(f"DEPENDENCY AUDIT INCOMPLETE: {len(skipped)} packages not audited "
              f"(vulnerability service unreachable?), e.g. {skipped[0]['skip_reason']}")
    if vulnerable or (skipped and os.environ.get("AUDIT_REQUIRED") == "1"):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
