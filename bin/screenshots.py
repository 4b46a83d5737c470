"""Save PNGs of the main pages with demo data into docs/screenshots/ (``make screenshots``).

Seeds a throwaway SQLite database in a temporary folder, serves it with runserver on a
free local port, logs in as the demo personas in Debian's Chromium (Playwright) and saves
each page. Nothing outside the temporary folder and docs/screenshots/ is touched.
"""

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
]
DESKTOP = {"width": 1440, "height": 900}
PHONE = {"width": 390, "height": 844}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)  # noqa: S603


def wait_for(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 - our local server
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"The server did not answer on {url}")


def prepare(env: dict[str, str]) -> dict[str, int]:
    """Pick the problems to show (and leave one cleared problem for the customer), and the
    trouble report of the live outage."""
    code = (
        "import json; from problems.demo.screenshots import pick; "
        "from services.demo.screenshots import pick as pick_network; "
        "print(json.dumps({**pick(), **pick_network()}))"
    )
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return dict(json.loads(result.stdout.strip().splitlines()[-1]))


def shoot(base: str, picks: dict[str, int]) -> list[Path]:
    from playwright.sync_api import sync_playwright

    saved: list[Path] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)

        def page_for(username: str | None, viewport: dict[str, int] = DESKTOP) -> object:
            context = browser.new_context(viewport=viewport, device_scale_factor=1)
            page = context.new_page()
            page.goto(f"{base}/accounts/login/")
            if username:
                page.get_by_label("Username").fill(username)
                page.get_by_label("Password").fill("demo")
                page.get_by_role("button", name="Log in").click()
                page.wait_for_load_state("networkidle")
            return page

        def save(page: object, name: str, *, full: bool = True) -> None:
            path = OUT / f"{name}.png"
            page.screenshot(path=str(path), full_page=full)  # type: ignore[attr-defined]
            saved.append(path)

        page = page_for(None)
        save(page, "01-login", full=False)

        agent = page_for("agent")
        agent.goto(f"{base}/desk/?queue=open")
        save(agent, "02-desk-queue", full=False)
        agent.goto(f"{base}/desk/problems/{picks['busy']}/")
        save(agent, "03-desk-problem")
        agent.get_by_role("link", name="Assign", exact=True).first.click()
        agent.wait_for_selector("#action-card")
        save(agent, "04-desk-assign-form", full=False)
        agent.goto(f"{base}/desk/problems/new/")
        agent.get_by_label("Summary").fill("Internet drops every night")
        agent.get_by_label("Description").fill(
            "Since the router update the internet connection drops every night around 2am "
            "and the router reconnects after a few minutes."
        )
        agent.wait_for_selector("#suggestions [data-known-error]")
        save(agent, "05-desk-new-problem-suggestions", full=False)

        supervisor = page_for("supervisor")
        supervisor.goto(f"{base}/desk/supervisor/jeopardy/")
        save(supervisor, "06-supervisor-jeopardy-board")
        supervisor.goto(f"{base}/desk/supervisor/workload/")
        save(supervisor, "07-supervisor-workload")

        customer = page_for("customer-a")
        customer.goto(f"{base}/portal/")
        save(customer, "08-portal-problems", full=False)
        customer.goto(f"{base}/portal/problems/{picks['cleared']}/")
        save(customer, "09-portal-problem-cleared")
        customer.goto(f"{base}/portal/report/")
        save(customer, "10-portal-report")

        supervisor.goto(f"{base}/reports/?preset=last_90_days")
        supervisor.wait_for_load_state("networkidle")
        save(supervisor, "30-management-report")
        customer.goto(f"{base}/portal/summary/?preset=last_90_days")
        save(customer, "31-customer-summary")

        phone = page_for("agent", PHONE)
        phone.goto(f"{base}/desk/?queue=open")
        save(phone, "11-phone-desk-queue", full=False)

        noc = page_for("noc")
        noc.goto(f"{base}/desk/network/alarms/")
        save(noc, "12-network-alarms", full=False)
        noc.goto(f"{base}/desk/network/reports/")
        save(noc, "13-network-trouble-reports", full=False)
        noc.goto(f"{base}/desk/network/reports/{picks['report']}/")
        save(noc, "14-network-trouble-report")
        if picks.get("linked_problem"):
            noc.goto(f"{base}/desk/problems/{picks['linked_problem']}/")
            noc.locator("#trouble-reports").scroll_into_view_if_needed()
            save(noc, "15-desk-problem-network-fault", full=False)
        browser.close()
    return saved


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    data_dir = Path(tempfile.mkdtemp(prefix="problemdesk-screens-"))
    env = {**os.environ, "PROBLEMDESK_DATA_DIR": str(data_dir), "SITE_URL": "http://127.0.0.1"}
    for name in ("DATABASE_URL", "REDIS_URL", "PROBLEMDESK_MODE"):
        env.pop(name, None)
    port = free_port()
    server = None
    try:
        manage(env, "migrate", "--verbosity", "0")
        manage(env, "seed_demo", "--problems", "240", "--seed", "7")
        picks = prepare(env)
        server = subprocess.Popen(  # noqa: S603
            [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        wait_for(f"{base}/health/")
        for path in shoot(base, picks):
            print(f"saved {path.relative_to(ROOT)}")
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=10)
        shutil.rmtree(data_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
