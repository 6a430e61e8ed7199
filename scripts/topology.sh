#!/usr/bin/env bash
# The docker/compose.yaml topology without Docker: a one-shot migrate, two app processes on two
# ports, the arq worker (when REDIS_URL is set) and nginx in front with TLS, using the same
# nginx template as the compose file (docker/nginx/hegui.conf.template).
#
#   scripts/topology.sh start    # then https://127.0.0.1:$HTTPS_PORT (default 8443)
#   scripts/topology.sh stop
#   scripts/topology.sh status
#
# Settings (environment): DATABASE_URL, REDIS_URL, STORAGE_DIR, SECRET_KEY … as for `hegui`;
# RUN_DIR (var/topology: logs, pid files, nginx config), PORT_A / PORT_B (8001 / 8002),
# HTTPS_PORT (8443), TLS_CERT / TLS_KEY (a certificate you provide; without them a self-signed
# one is made in RUN_DIR, for trials only), HEGUI_WORKERS (web processes per app, default 1),
# MAX_UPLOAD_MB (200; nginx's limit is this + 1 MB for the multipart envelope).
# Without nginx the two apps still run and clients spread over both ports themselves;
# REQUIRE_NGINX=1 makes a missing nginx an error (CI).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$(pwd)

HEGUI=${HEGUI:-$ROOT/.venv/bin/hegui}
RUN_DIR=${RUN_DIR:-$ROOT/var/topology}
PORT_A=${PORT_A:-8001}
PORT_B=${PORT_B:-8002}
HTTPS_PORT=${HTTPS_PORT:-8443}
MAX_UPLOAD_MB=${MAX_UPLOAD_MB:-200}
export MAX_UPLOAD_MB
# nginx on this host is the only proxy the apps believe X-Forwarded-For from.
export HEGUI_TRUSTED_PROXIES=${HEGUI_TRUSTED_PROXIES:-127.0.0.1}
export HEGUI_WORKERS=${HEGUI_WORKERS:-1}

say() { printf '%s\n' "$*"; }

wait_http() {  # wait_http URL SECONDS
  local url=$1 n=$2
  for _ in $(seq $((n * 5))); do
    if "$ROOT/.venv/bin/python" - "$url" <<'PY' >/dev/null 2>&1; then return 0; fi
import ssl, sys, urllib.request
context = ssl._create_unverified_context()
urllib.request.urlopen(sys.argv[1], timeout=2, context=context)
PY
    sleep 0.2
  done
  return 1
}

start_bg() {  # start_bg NAME CMD...
  local name=$1; shift
  setsid "$@" >"$RUN_DIR/$name.log" 2>&1 < /dev/null &
  echo $! >"$RUN_DIR/$name.pid"
}

render_nginx() {
  local cert=${TLS_CERT:-} key=${TLS_KEY:-}
  if [ -z "$cert" ] || [ -z "$key" ]; then
    cert=$RUN_DIR/tls.crt key=$RUN_DIR/tls.key
    if [ ! -s "$cert" ]; then
      say "未提供 TLS_CERT / TLS_KEY：生成自签名证书（仅供试用）$cert"
      openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=localhost" \
        -keyout "$key" -out "$cert" >/dev/null 2>&1
    fi
  fi
  mkdir -p "$RUN_DIR/nginx-temp"
  HEGUI_UPSTREAM_A=127.0.0.1:$PORT_A HEGUI_UPSTREAM_B=127.0.0.1:$PORT_B \
  HEGUI_LISTEN="127.0.0.1:$HTTPS_PORT ssl http2" TLS_CERT=$cert TLS_KEY=$key \
  NGINX_MAX_BODY=$((MAX_UPLOAD_MB + 1)) RUN_DIR=$RUN_DIR \
  "$ROOT/.venv/bin/python" - "$ROOT/docker/nginx/hegui.conf.template" >"$RUN_DIR/nginx.conf" <<'PY'
import os, string, sys
server = string.Template(open(sys.argv[1], encoding="utf-8").read()).safe_substitute(os.environ)
run = os.environ["RUN_DIR"]
user = "user root;\n" if os.geteuid() == 0 else ""
print(f"""{user}worker_processes 1;
pid {run}/nginx.pid;
error_log {run}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    client_body_temp_path {run}/nginx-temp/body;
    proxy_temp_path {run}/nginx-temp/proxy;
    fastcgi_temp_path {run}/nginx-temp/fastcgi;
    uwsgi_temp_path {run}/nginx-temp/uwsgi;
    scgi_temp_path {run}/nginx-temp/scgi;
{server.replace("/dev/stdout", run + "/nginx-access.log")}
}}""")
PY
}

start() {
  mkdir -p "$RUN_DIR"
  if [ -s "$RUN_DIR/app-a.pid" ] && kill -0 "$(cat "$RUN_DIR/app-a.pid")" 2>/dev/null; then
    say "已在运行（$RUN_DIR）。"; exit 1
  fi
  say "迁移并载入工作方案（一次性，相当于 compose 的 migrate 服务）"
  "$HEGUI" migrate
  "$HEGUI" seed
  start_bg app-a "$HEGUI" serve --no-migrate --host 127.0.0.1 --port "$PORT_A"
  start_bg app-b "$HEGUI" serve --no-migrate --host 127.0.0.1 --port "$PORT_B"
  if [ -n "${REDIS_URL:-}" ]; then
    start_bg worker "$HEGUI" worker
  else
    say "未设置 REDIS_URL：后台任务在 Web 进程内执行，不启动 worker。"
  fi
  for port in "$PORT_A" "$PORT_B"; do
    wait_http "http://127.0.0.1:$port/readyz" 90 || {
      say "端口 $port 上的应用未就绪，日志见 $RUN_DIR。" >&2; stop; exit 1; }
  done
  if command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ]; then
    local nginx_bin
    nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)
    render_nginx
    "$nginx_bin" -p "$RUN_DIR" -c "$RUN_DIR/nginx.conf"
    wait_http "https://127.0.0.1:$HTTPS_PORT/healthz" 30 || {
      say "nginx 未就绪，日志见 $RUN_DIR/nginx-error.log。" >&2; stop; exit 1; }
    say "Hegui 已启动：https://127.0.0.1:$HTTPS_PORT（nginx → 127.0.0.1:$PORT_A、127.0.0.1:$PORT_B）"
  elif [ "${REQUIRE_NGINX:-0}" = 1 ]; then
    say "错误：未安装 nginx（apt-get install nginx-light），REQUIRE_NGINX=1。" >&2; stop; exit 1
  else
    say "未安装 nginx（apt-get install nginx-light）：请让客户端分别访问 http://127.0.0.1:$PORT_A 与 http://127.0.0.1:$PORT_B。"
  fi
}

stop() {
  if [ -s "$RUN_DIR/nginx.pid" ]; then
    local nginx_bin
    nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)
    "$nginx_bin" -p "$RUN_DIR" -c "$RUN_DIR/nginx.conf" -s quit 2>/dev/null || true
  fi
  for name in app-a app-b worker; do
    local file=$RUN_DIR/$name.pid
    [ -s "$file" ] || continue
    local pid
    pid=$(cat "$file")
    # SIGTERM: requests in flight (uploads) finish first (HEGUI_SHUTDOWN_GRACE_SECONDS).
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 650); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    rm -f "$file"
  done
  for _ in $(seq 50); do [ -s "$RUN_DIR/nginx.pid" ] || break; sleep 0.1; done
  say "已停止。"
}

status() {
  for name in app-a app-b worker nginx; do
    local file=$RUN_DIR/$name.pid
    if [ -s "$file" ] && kill -0 "$(cat "$file")" 2>/dev/null; then
      say "$name: 运行中（pid $(cat "$file")）"
    else
      say "$name: 未运行"
    fi
  done
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) say "用法：scripts/topology.sh start|stop|status"; exit 2 ;;
esac
