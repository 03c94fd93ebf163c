"""The fixture mirror is consistent: pages parse, links resolve, reachability claims hold."""

import subprocess
import sys

from qa.fixtures import FIXTURES


def test_fixture_mirror_passes_its_consistency_checks():
    done = subprocess.run(
        [sys.executable, str(FIXTURES / "aawsat" / "check_site.py")],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 problems" in done.stdout
