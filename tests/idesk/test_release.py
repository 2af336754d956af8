"""What production needs from the checkout: collectstatic with the production storage (.ci/prod-smoke does the
rest: the wheel outside the checkout, gunicorn, a login)."""

import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def test_collectstatic_with_the_production_storage(tmp_path):
    drop = {"DATABASE_URL", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE", "MEDIA_ROOT"}
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env.update(DEBUG="0", SECRET_KEY="k" * 50, ALLOWED_HOSTS="idesk.example.vn", IDESK_VAR_DIR=str(tmp_path))
    out = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    # A vendored file naming a file that is not there (e.g. a source map) aborts the whole run.
    assert out.returncode == 0, out.stderr
    paths = json.loads((tmp_path / "staticfiles" / "staticfiles.json").read_text())["paths"]
    for name in ["vendor/bootstrap/bootstrap.min.css", "vendor/chartjs/chart.umd.min.js", "css/idesk.css"]:
        hashed = paths[name]
        assert hashed != name and (tmp_path / "staticfiles" / hashed).is_file()
        assert (tmp_path / "staticfiles" / f"{hashed}.gz").is_file()  # whitenoise serves it compressed
    # The icon font is referenced from the CSS by its hashed name.
    icons = (tmp_path / "staticfiles" / paths["vendor/bootstrap-icons/bootstrap-icons.min.css"]).read_text()
    assert paths["vendor/bootstrap-icons/fonts/bootstrap-icons.woff2"].rsplit("/", 1)[1] in icons
