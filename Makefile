# Hegui (合规督导) — developer entry points.
# Needs only python3 (>= 3.11), make and git. `make` alone prints the targets.

PYTHON      ?= python3
VENV        ?= .venv
HOST        ?= 127.0.0.1
PORT        ?= 8000
PYTEST_ARGS ?=

VENV_PY := $(VENV)/bin/python
STAMP   := $(VENV)/.installed

.DEFAULT_GOAL := help
.PHONY: help install run test lint format bench clean docker

help: ## 列出所有目标 / List the targets
	@echo "Hegui 合规督导 — make targets:"
	@awk 'BEGIN {FS = ":.*## "} /^[a-z][a-zA-Z_-]*:.*## / {printf "  make %-8s %s\n", $$1, $$2}' $(MAKEFILE_LIST)
	@echo "Variables: PYTHON=$(PYTHON) HOST=$(HOST) PORT=$(PORT) PYTEST_ARGS='$(PYTEST_ARGS)'"

# The virtualenv is made once, with an interpreter checked to be 3.11 or newer.
$(VENV_PY):
	@command -v $(PYTHON) >/dev/null 2>&1 || { \
	  echo "error: '$(PYTHON)' not found; Hegui needs Python >= 3.11 (set PYTHON=/path/to/python3.11)." >&2; exit 1; }
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' || { \
	  echo "error: Hegui needs Python >= 3.11, but '$(PYTHON)' is $$($(PYTHON) --version 2>&1); set PYTHON=/path/to/python3.11." >&2; exit 1; }
	$(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); \
	  echo "error: '$(PYTHON) -m venv' failed (on Debian/Ubuntu: apt-get install python3-venv)." >&2; exit 1; }

# Reinstall only when pyproject.toml is newer than the stamp, so a second `make run` is fast.
$(STAMP): pyproject.toml | $(VENV_PY)
	$(VENV_PY) -m pip install --disable-pip-version-check -e '.[dev]'
	@touch $@

install: $(STAMP) ## 创建 .venv 并安装依赖 / Create .venv and install deps (with dev extras)

run: $(STAMP) ## 启动服务（迁移、载入方案、演示数据）/ Serve the app (HOST=, PORT=)
	$(VENV)/bin/hegui serve --host $(HOST) --port $(PORT)

test: $(STAMP) ## 运行测试 / Run pytest (PYTEST_ARGS= passes options through)
	@$(VENV_PY) -m pytest $(PYTEST_ARGS); rc=$$?; \
	if [ $$rc -eq 5 ]; then \
	  echo "error: pytest collected no tests (exit code 5) — treated as a FAILURE, not a pass." >&2; \
	fi; \
	exit $$rc

lint: $(STAMP) ## 代码检查 / ruff, import contracts (lint-imports), mypy, deptry
	@rc=0; \
	$(VENV)/bin/ruff check . || rc=1; \
	$(VENV)/bin/ruff format --check . || rc=1; \
	$(VENV)/bin/lint-imports || rc=1; \
	$(VENV)/bin/mypy || rc=1; \
	$(VENV)/bin/deptry . || rc=1; \
	exit $$rc

format: $(STAMP) ## 自动修正与格式化 / ruff check --fix + ruff format
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: $(STAMP) ## 看板性能基准 / Run benchmarks/board.py
	$(VENV_PY) benchmarks/board.py

clean: ## 清除 var/ 与缓存（保留 .venv）/ Remove var/ and caches (keeps .venv)
	rm -rf var .pytest_cache .ruff_cache build benchmarks/out *.egg-info
	find . -path ./$(VENV) -prune -o -path ./.git -prune -o -type d -name __pycache__ -prune -exec rm -rf {} +

docker: ## 用 Docker Compose 启动全套 / docker compose up --build (needs SECRET_KEY, HEGUI_AUDIT_KEY)
	docker compose -f docker/compose.yaml up --build
