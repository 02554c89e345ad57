"""deploy/ holds together: Dockerfile, .dockerignore, compose files, Caddyfile, systemd unit, .env.example, README.

No Docker engine runs where these tests run, so nothing is built or started: the files are checked for
structure, and with the real tools where they are installed (`systemd-analyze verify`, a Compose v2 binary's
`config`, `caddy adapt`). Where a tool is missing the structural checks still run; no test is skipped.
"""

from __future__ import annotations

import inspect
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from support import PROJECT

from bot import config

DEPLOY = PROJECT / "deploy"
DOCKERFILE = DEPLOY / "Dockerfile"
UNIT = DEPLOY / "nkbot.service"
ENV_EXAMPLE = DEPLOY / ".env.example"
CADDYFILE = DEPLOY / "Caddyfile"
COMPOSE_FILES = ["compose.yaml", "compose.webhook.yaml"]
SECRET_PATH = "/run/secrets/telegram_bot_token"
HEALTHCHECK = ["CMD", "nkbot", "check"]


def compose_variables() -> set[str]:
    """Every variable the compose files interpolate (`${NAME}`, `${NAME:-default}`, `${NAME:?message}`)."""
    text = "\n".join((DEPLOY / name).read_text(encoding="utf-8") for name in COMPOSE_FILES)
    return set(re.findall(r"\$\{([A-Z0-9_]+)", text))


def settings_read_by_config() -> list[str]:
    """Every environment variable bot/config.py's from_env reads."""
    names = re.findall(r"""env\.get\(\s*["']([A-Z0-9_]+)["']""", inspect.getsource(config.from_env))
    assert len(names) >= 10, "from_env reads its settings with env.get('NAME'): the pattern no longer matches"
    return sorted(set(names))


# --- Dockerfile ------------------------------------------------------------------------------------


def dockerfile_instructions(text: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, continuation lines joined and comments dropped."""
    instructions: list[tuple[str, str]] = []
    current = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not current and (not line or line.startswith("#")):
            continue
        if current and line.startswith("#"):
            continue  # a comment inside a continued instruction
        if line.endswith("\\"):
            current += line[:-1] + " "
            continue
        current += line
        keyword, _, args = current.strip().partition(" ")
        instructions.append((keyword.upper(), " ".join(args.split())))
        current = ""
    assert not current, "the Dockerfile ends inside a continued line"
    return instructions


@pytest.fixture(scope="module")
def dockerfile() -> list[tuple[str, str]]:
    return dockerfile_instructions(DOCKERFILE.read_text(encoding="utf-8"))


def index_of(instructions: list[tuple[str, str]], keyword: str, pattern: str) -> int:
    for i, (kw, args) in enumerate(instructions):
        if kw == keyword and re.search(pattern, args):
            return i
    raise AssertionError(f"no {keyword} matching {pattern!r} in deploy/Dockerfile")


def test_dockerfile_uses_a_slim_supported_python_by_default_and_any_base_when_told(dockerfile):
    """The base is an ARG (deploy/build-local.sh builds on a Debian base made with debootstrap, where no registry
    can be reached); its default is the official slim Python image."""
    (keyword, arg), (from_keyword, image) = dockerfile[0], dockerfile[1]
    assert keyword == "ARG" and from_keyword == "FROM" and image == "${BASE}"
    name, _, default = arg.partition("=")
    found = re.fullmatch(r"python:3\.(\d+)-slim(?:-\w+)?", default, re.IGNORECASE)
    assert name == "BASE" and found and int(found.group(1)) >= 11, arg


def test_dockerfile_runs_as_a_fixed_non_root_user(dockerfile):
    users = [args for kw, args in dockerfile if kw == "USER"]
    assert users, "no USER: the container would run as root"
    user = users[-1].split(":")[0]
    assert user not in {"root", "0"}
    assert user.isdigit(), "a numeric uid lets the host make the token file readable to it (chown 10001)"
    last_user = max(i for i, (kw, _) in enumerate(dockerfile) if kw == "USER")
    assert all(kw != "RUN" for kw, _ in dockerfile[last_user:]), "nothing runs as root after USER"


def test_dockerfile_installs_dependencies_before_copying_the_source(dockerfile):
    copy_pyproject = index_of(dockerfile, "COPY", r"^pyproject\.toml ")
    install_deps = index_of(dockerfile, "RUN", r"pip install -r ")
    copy_source = index_of(dockerfile, "COPY", r"^bot ")
    copy_data = index_of(dockerfile, "COPY", r"^data ")
    assert copy_pyproject < install_deps < copy_source < copy_data
    copies_before_deps = [args for kw, args in dockerfile[:install_deps] if kw in {"COPY", "ADD"}]
    assert copies_before_deps == ["pyproject.toml ./"], "only pyproject.toml may feed the dependency layer"
    assert "--no-deps" in dockerfile[index_of(dockerfile, "RUN", r"pip install .*-e \.")][1]


def test_dockerfile_builds_and_checks_the_database_at_build_time(dockerfile):
    build = index_of(dockerfile, "RUN", r"\bnkbot build\b")
    assert index_of(dockerfile, "COPY", r"^data ") < build
    assert "nkbot check" in dockerfile[build][1], "a database that fails the health check never becomes an image"
    assert build < max(i for i, (kw, _) in enumerate(dockerfile) if kw == "USER"), "built by root: read-only later"
    env = " ".join(args for kw, args in dockerfile if kw == "ENV")
    assert "NKBOT_DATA_DIR=/app/data" in env and "NKBOT_DB=/app/data/report.db" in env
    assert ("WORKDIR", "/app") in dockerfile


def test_dockerfile_health_check_and_command(dockerfile):
    healthcheck = index_of(dockerfile, "HEALTHCHECK", r"CMD")
    args = dockerfile[healthcheck][1]
    assert json.loads(args.split("CMD ", 1)[1]) == ["nkbot", "check"]
    assert re.search(r"--interval=\d+[ms]", args) and re.search(r"--timeout=\d+[ms]", args)
    commands = [args for kw, args in dockerfile if kw == "CMD"]
    assert [json.loads(c) for c in commands] == [["python", "-m", "bot", "run"]]


def test_dockerfile_copies_only_what_exists_and_the_build_context_lets_in(dockerfile):
    patterns = dockerignore_patterns()
    for keyword, args in dockerfile:
        if keyword != "COPY":
            continue
        *sources, _ = args.split()
        for source in sources:
            assert (PROJECT / source).exists(), source
            assert not dockerignored(source, patterns), f"{source} is copied but .dockerignore leaves it out"


# --- .dockerignore -----------------------------------------------------------------------------------


def dockerignore_patterns() -> list[tuple[bool, re.Pattern[str]]]:
    """(excluded?, pattern) in file order: Docker's rules, the last matching line wins, '!' re-includes."""
    patterns = []
    for raw in (PROJECT / ".dockerignore").read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        include = line.startswith("!")
        glob = line.lstrip("!").strip("/")
        regex = ""
        i = 0
        while i < len(glob):
            if glob.startswith("**/", i):
                regex, i = regex + "(?:.*/)?", i + 3
            elif glob.startswith("**", i):
                regex, i = regex + ".*", i + 2
            elif glob[i] == "*":
                regex, i = regex + "[^/]*", i + 1
            elif glob[i] == "?":
                regex, i = regex + "[^/]", i + 1
            elif glob[i] == "[":
                end = glob.index("]", i)
                regex, i = regex + glob[i : end + 1], end + 1
            else:
                regex, i = regex + re.escape(glob[i]), i + 1
        patterns.append((not include, re.compile(regex)))
    return patterns


def dockerignored(path: str, patterns: list[tuple[bool, re.Pattern[str]]]) -> bool:
    """Whether Docker leaves `path` (relative to the context) out: a pattern matches it or a folder above it."""
    parts = path.strip("/").split("/")
    prefixes = ["/".join(parts[: n + 1]) for n in range(len(parts))]
    excluded = False
    for exclude, pattern in patterns:
        if any(pattern.fullmatch(prefix) for prefix in prefixes):
            excluded = exclude
    return excluded


@pytest.mark.parametrize(
    "path",
    [
        ".venv/bin/python",
        ".git/HEAD",
        "bot/__pycache__/cli.cpython-311.pyc",
        "data/report.db",
        "data/report.db-journal",
        "data/.report-abc.db",
        ".pytest_cache/v/cache",
        ".ruff_cache/x",
        ".hypothesis/examples/x",
        "docs/telegram.md",
        "tests/test_cli.py",
        "deploy/.env",
        "deploy/secrets/telegram_bot_token",
        "nkbot.egg-info/PKG-INFO",
    ],
)
def test_dockerignore_keeps_out(path):
    assert dockerignored(path, dockerignore_patterns())


@pytest.mark.parametrize("path", ["pyproject.toml", "README.md", "bot/cli.py", "data/findings.yaml"])
def test_dockerignore_lets_in(path):
    assert not dockerignored(path, dockerignore_patterns())


# --- Compose -----------------------------------------------------------------------------------------


@pytest.fixture(scope="module", params=COMPOSE_FILES)
def compose(request) -> tuple[str, dict]:
    return request.param, yaml.safe_load((DEPLOY / request.param).read_text(encoding="utf-8"))


def environment(service: dict) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) for item in env)
    return {k: str(v) for k, v in env.items()}


def test_compose_bot_service_is_built_here_restarts_and_checks_its_health(compose):
    name, doc = compose
    bot = doc["services"]["nkbot"]
    context = (DEPLOY / bot["build"]["context"]).resolve()
    assert context == PROJECT.resolve() and (context / bot["build"]["dockerfile"]) == DOCKERFILE.resolve(), name
    assert bot["restart"] == "unless-stopped"
    assert bot["healthcheck"]["test"] == HEALTHCHECK
    assert {"interval", "timeout", "retries"} <= set(bot["healthcheck"])
    assert bot["env_file"] == ".env"
    assert bot.get("read_only") is True and bot["cap_drop"] == ["ALL"]
    assert "no-new-privileges:true" in bot["security_opt"]
    assert "ports" not in bot, "the bot's own port is never published"
    assert any(str(v).endswith(":/var/lib/nkbot") for v in bot["volumes"]), "a writable place for the opt-in log"


def test_compose_takes_the_token_from_a_secret_file(compose):
    name, doc = compose
    bot = doc["services"]["nkbot"]
    assert bot["secrets"] == ["telegram_bot_token"]
    assert environment(bot)["TELEGRAM_BOT_TOKEN_FILE"] == SECRET_PATH
    secret_file = doc["secrets"]["telegram_bot_token"]["file"]
    assert (DEPLOY / secret_file).resolve().parent == (DEPLOY / "secrets").resolve(), name
    assert dockerignored("deploy/" + secret_file.removeprefix("./"), dockerignore_patterns())


def test_compose_polling_is_the_default_and_alone():
    doc = yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))
    assert list(doc["services"]) == ["nkbot"]
    env = environment(doc["services"]["nkbot"])
    assert not any(name.startswith("NKBOT_WEBHOOK") for name in env), "compose.yaml polls"


def test_compose_webhook_runs_behind_caddy_on_an_internal_port():
    doc = yaml.safe_load((DEPLOY / "compose.webhook.yaml").read_text(encoding="utf-8"))
    assert set(doc["services"]) == {"nkbot", "caddy"}
    bot, caddy = doc["services"]["nkbot"], doc["services"]["caddy"]
    env = environment(bot)
    assert env["NKBOT_WEBHOOK_LISTEN"] == "0.0.0.0"
    assert env["NKBOT_WEBHOOK_PORT"] == "8443"
    assert env["NKBOT_WEBHOOK_URL"].startswith("${NKBOT_WEBHOOK_URL:?"), "compose refuses to start without it"
    assert [str(p) for p in bot["expose"]] == ["8443"] and "ports" not in bot
    assert caddy["image"].split(":")[0] == "caddy"
    assert caddy["restart"] == "unless-stopped"
    assert {str(p).split(":")[-1] for p in caddy["ports"]} >= {"443", "80"}
    assert "./Caddyfile:/etc/caddy/Caddyfile:ro" in caddy["volumes"]
    assert any(str(v).endswith(":/data") for v in caddy["volumes"]), "certificates survive a restart"
    assert environment(caddy)["NKBOT_WEBHOOK_URL"] == env["NKBOT_WEBHOOK_URL"]
    assert environment(caddy)["NKBOT_WEBHOOK_PATH"] == env["NKBOT_WEBHOOK_PATH"]


def test_compose_webhook_runs_n_workers_sharing_one_secret():
    """NKBOT_WORKERS (or --scale nkbot=N) identical workers: each registers the webhook at start, so all must
    accept the same secret; the random default per start would leave only the last one started answering."""
    doc = yaml.safe_load((DEPLOY / "compose.webhook.yaml").read_text(encoding="utf-8"))
    bot = doc["services"]["nkbot"]
    assert re.fullmatch(r"\$\{NKBOT_WORKERS:-[1-9]\d*\}", str(bot["deploy"]["replicas"]))
    secret = environment(bot)["NKBOT_WEBHOOK_SECRET"]
    assert secret.startswith("${NKBOT_WEBHOOK_SECRET:?"), "compose refuses to start workers without one secret"
    assert "container_name" not in bot and "ports" not in bot, "either would stop Compose from running several"
    assert bot.get("init") is True, "SIGTERM reaches the bot, which answers what it confirmed, then exits"
    assert re.fullmatch(r"\d+s", bot["stop_grace_period"]) and int(bot["stop_grace_period"][:-1]) >= 200
    assert environment(doc["services"]["caddy"])["NKBOT_WEBHOOK_PATH"] == environment(bot)["NKBOT_WEBHOOK_PATH"]


def compose_v2() -> list[str] | None:
    """A Compose v2 command (`docker compose` or a v2 `docker-compose`), if one is installed."""
    candidates = [["docker", "compose"], ["docker-compose"], [str(Path(sys.executable).parent / "docker-compose")]]
    for command in candidates:
        if shutil.which(command[0]) is None:
            continue
        try:
            out = subprocess.run([*command, "version"], capture_output=True, text=True, timeout=30, check=False)
        except OSError:
            continue
        version = re.search(r"version v?(\d+)\.", out.stdout)
        if out.returncode == 0 and version and int(version.group(1)) >= 2:
            return command
    return None


def test_compose_files_pass_compose_config_where_compose_is_installed(tmp_path):
    """Structure above always; `docker compose config` too when a Compose v2 binary is on this machine."""
    command = compose_v2()
    for name in COMPOSE_FILES:
        doc = yaml.safe_load((DEPLOY / name).read_text(encoding="utf-8"))
        assert isinstance(doc, dict) and doc.get("name") and "version" not in doc, name
        for service in doc["services"].values():
            assert service.get("restart") == "unless-stopped"
    if command is None:
        return
    work = tmp_path / "deploy"
    work.mkdir()
    for name in [*COMPOSE_FILES, "Caddyfile"]:
        shutil.copy(DEPLOY / name, work / name)
    env_file = "NKBOT_WEBHOOK_URL=https://bot.example.org\nNKBOT_WEBHOOK_SECRET=one-secret_0123\nNKBOT_WORKERS=3\n"
    (work / ".env").write_text(env_file, encoding="utf-8")
    (work / "secrets").mkdir()
    (work / "secrets" / "telegram_bot_token").write_text("123:not-a-token\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NKBOT_", "TELEGRAM_", "COMPOSE_"))}
    for name in COMPOSE_FILES:
        result = subprocess.run(
            [*command, "-f", str(work / name), "config", "--format", "json"],
            capture_output=True,
            text=True,
            timeout=60,
            env=env,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        resolved = json.loads(result.stdout)
        assert resolved["services"]["nkbot"]["restart"] == "unless-stopped"
        if name == "compose.webhook.yaml":
            assert resolved["services"]["nkbot"]["deploy"]["replicas"] == 3
            assert resolved["services"]["nkbot"]["environment"]["NKBOT_WEBHOOK_SECRET"] == "one-secret_0123"


# --- Caddyfile ---------------------------------------------------------------------------------------


def test_caddyfile_proxies_only_the_webhook_path_to_every_worker_on_its_internal_port():
    text = CADDYFILE.read_text(encoding="utf-8")
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.strip().startswith("#")]
    assert lines[0] == "{$NKBOT_WEBHOOK_URL} {", "the site address is the webhook's public base URL"
    default_path = config.Settings().webhook_path
    assert f"handle /{{$NKBOT_WEBHOOK_PATH:{default_path}}} {{" in lines
    # Every worker: the compose service's name, looked up for all its addresses, on the port the bot listens on.
    compose = yaml.safe_load((DEPLOY / "compose.webhook.yaml").read_text(encoding="utf-8"))
    port = environment(compose["services"]["nkbot"])["NKBOT_WEBHOOK_PORT"]
    assert f"dynamic a nkbot {port} {{" in lines and "reverse_proxy {" in lines
    assert not any(re.match(r"reverse_proxy \S+:\d+", line) for line in lines), "one fixed upstream: one worker"
    # A worker that is stopping or restarting is skipped, not answered with an error Telegram must retry.
    try_duration = next(line.split()[1] for line in lines if line.startswith("lb_try_duration "))
    assert re.fullmatch(r"\d+s", try_duration) and int(try_duration[:-1]) >= 1
    assert not any(line.startswith("lb_retry_match") for line in lines), "a POST once sent must not reach two workers"
    assert any(line.startswith("fail_duration ") for line in lines), "no active health checks on dynamic upstreams"
    assert "respond 404" in lines
    assert text.count("{") == text.count("}")
    caddy = shutil.which("caddy")
    if caddy is None:
        return
    env = {**os.environ, "NKBOT_WEBHOOK_URL": "https://bot.example.org", "NKBOT_WEBHOOK_PATH": default_path}
    result = subprocess.run(
        [caddy, "adapt", "--config", str(CADDYFILE), "--adapter", "caddyfile"],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    adapted = result.stdout.replace(" ", "")
    assert '"dynamic_upstreams":{"name":"nkbot","port":"8443"' in adapted
    assert '"try_duration":' in adapted and '"fail_duration":' in adapted
    assert '"/telegram"' in adapted and '"bot.example.org"' in adapted


# --- systemd ---------------------------------------------------------------------------------------


def unit_settings(text: str) -> dict[str, list[str]]:
    """`Section.Key` -> values in order (systemd units repeat keys, so configparser cannot read them)."""
    settings: dict[str, list[str]] = {}
    section = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1]
            continue
        assert "=" in line, f"not a unit setting: {line!r}"
        key, value = line.split("=", 1)
        settings.setdefault(f"{section}.{key.strip()}", []).append(value.strip())
    return settings


@pytest.fixture(scope="module")
def unit() -> dict[str, list[str]]:
    return unit_settings(UNIT.read_text(encoding="utf-8"))


def test_unit_is_hardened(unit):
    expected = {
        "DynamicUser": "yes",
        "ProtectSystem": "strict",
        "NoNewPrivileges": "yes",
        "PrivateTmp": "yes",
        "ProtectHome": "yes",
        "Restart": "on-failure",
        "StateDirectory": "nkbot",
    }
    for key, value in expected.items():
        assert unit.get(f"Service.{key}") == [value], key
    environment = dict(v.split("=", 1) for v in unit["Service.Environment"])
    data_dir = environment["NKBOT_DATA_DIR"]
    assert environment["NKBOT_DB"].startswith(data_dir + "/")
    read_only = " ".join(unit["Service.ReadOnlyPaths"]).split()
    assert any(data_dir == p or data_dir.startswith(p.rstrip("/") + "/") for p in read_only), "data is read-only"
    assert unit["Install.WantedBy"] == ["multi-user.target"]


def test_unit_takes_the_token_as_a_credential_and_runs_the_installed_script(unit):
    environment = dict(v.split("=", 1) for v in unit["Service.Environment"])
    assert environment["TELEGRAM_BOT_TOKEN_FILE"] == "%d/telegram_bot_token"
    assert [v.split(":", 1)[0] for v in unit["Service.LoadCredential"]] == ["telegram_bot_token"]
    assert "TELEGRAM_BOT_TOKEN" not in environment, "never the token itself in the unit"
    [start] = unit["Service.ExecStart"]
    assert re.fullmatch(r"/opt/nkbot/\.venv/bin/nkbot run", start)
    assert unit["Service.ExecReload"] == ["/bin/kill -HUP $MAINPID"]
    log = re.search(r"NKBOT_UNANSWERED_LOG=(\S+)", ENV_EXAMPLE.read_text(encoding="utf-8"))
    assert log and log.group(1).startswith("/var/lib/nkbot/"), "the suggested log path is the StateDirectory"


def test_unit_passes_systemd_analyze_verify(tmp_path, unit):
    """With systemd-analyze (Debian's systemd package): `verify`, no warnings; without it, the INI checks above."""
    analyze = shutil.which("systemd-analyze")
    text = UNIT.read_text(encoding="utf-8")
    assert unit["Service.ExecStart"] and unit["Unit.Description"]
    if analyze is None:
        return
    script = Path(sys.executable).parent / "nkbot"
    binary = script if script.exists() else Path(shutil.which("true") or "/bin/true")
    copy = tmp_path / "nkbot.service"
    copy.write_text(text.replace("/opt/nkbot/.venv/bin/nkbot", str(binary)), encoding="utf-8")
    result = subprocess.run([analyze, "verify", str(copy)], capture_output=True, text=True, timeout=60, check=False)
    ours = [line for line in (result.stdout + result.stderr).splitlines() if "nkbot.service" in line]
    assert result.returncode == 0 and not ours, result.stdout + result.stderr


# --- settings and documentation --------------------------------------------------------------------


def env_example_names() -> set[str]:
    text = ENV_EXAMPLE.read_text(encoding="utf-8")
    return set(re.findall(r"^#? ?([A-Z][A-Z0-9_]+)=", text, re.MULTILINE))


def test_env_example_lists_every_setting_and_no_other():
    names = env_example_names()
    missing = [name for name in settings_read_by_config() if name not in names]
    assert not missing, f"deploy/.env.example lacks {missing}"
    code = "\n".join(path.read_text(encoding="utf-8") for path in (PROJECT / "bot").glob("*.py"))
    stale = sorted(name for name in names if name not in code and name not in compose_variables())
    assert not stale, f"deploy/.env.example lists settings neither the code nor compose reads: {stale}"
    undocumented = sorted(compose_variables() - names)
    assert not undocumented, f"the compose files read {undocumented}, which deploy/.env.example does not list"


def test_env_example_holds_no_secret():
    text = ENV_EXAMPLE.read_text(encoding="utf-8")
    assert not re.search(r"\d{3,20}:[A-Za-z0-9_-]{30,64}", text), "a real-looking bot token"
    active = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    assert not active, f"everything is commented out with its default: {active}"


@pytest.mark.parametrize("readme", ["README.md", "deploy/README.md"])
def test_readmes_name_every_setting(readme):
    text = (PROJECT / readme).read_text(encoding="utf-8")
    missing = [name for name in settings_read_by_config() if f"`{name}`" not in text]
    assert not missing, f"{readme} does not mention {missing}"


def test_deploy_readme_covers_operating_the_bot():
    text = (DEPLOY / "README.md").read_text(encoding="utf-8")
    for heading in [
        "## Build",
        "## Configure",
        "## Run",
        "## Update the figures",
        "## Roll back",
        "## Scale out",
        "## Privacy",
        "## What was validated here, and what was not",
    ]:
        assert heading in text
    for phrase in ["compose.yaml", "compose.webhook.yaml", "Caddyfile", "nkbot.service", "SIGHUP", "/lang"]:
        assert phrase in text
    assert "may not stick" in text, "say plainly what several replicas mean for /lang"
    assert "NKBOT_WORKERS" in text and "at least once" in text, "how many workers, and what a redelivery means"
    for name in ["Dockerfile", "compose.yaml", "compose.webhook.yaml", "Caddyfile", "nkbot.service", ".env.example"]:
        assert (DEPLOY / name).is_file(), name


def test_local_secrets_are_git_ignored():
    """deploy/.env and deploy/secrets/ hold the token: they must never be committed."""
    ignored = (PROJECT / ".gitignore").read_text(encoding="utf-8").split()
    assert "deploy/.env" in ignored and "deploy/secrets/" in ignored


def test_the_local_image_build_script_is_runnable_and_builds_this_dockerfile():
    """deploy/build-local.sh (run by hand: it needs root and the container tools) builds deploy/Dockerfile on a
    debootstrapped base, through the Dockerfile's BASE argument, and runs the image read-only as its user."""
    script = PROJECT / "deploy" / "build-local.sh"
    assert script.stat().st_mode & 0o111, "not executable"
    text = script.read_text(encoding="utf-8")
    assert subprocess.run(["bash", "-n", str(script)], capture_output=True).returncode == 0
    assert "debootstrap" in text and "-f deploy/Dockerfile" in text and '--build-arg BASE="$BASE"' in text
    assert "--read-only" in text and "--user 10001:10001" in text
    assert "nkbot check" in text and "nkbot ask" in text
