# The two commands of the README. Each sets up what it needs (a virtualenv in .venv) on first use.
VENV := .venv
STAMP := $(VENV)/.installed-$(shell md5sum pyproject.toml | cut -c1-8)
# Front-end assets come from the npm registry (package-lock.json) and are copied into static/vendor, never a CDN;
# the stamp name carries the lock file's hash so a changed pin rebuilds them.
VENDOR := lingxi/web/static/vendor
ASSETS := $(VENDOR)/.built-$(shell cat package-lock.json scripts/build_assets.py 2>/dev/null | md5sum | cut -c1-8)
# Browser tests drive Debian's Chromium headless (Playwright with executable_path, never `playwright install`);
# a CJK font so the screenshots show the Chinese UI rather than empty boxes.
CHROMIUM := /usr/bin/chromium /usr/share/fonts/truetype/wqy/wqy-microhei.ttc
# Navigation reports: PDF through WeasyPrint needs Debian's pango, and a CJK font; the PDF test reads pages back with
# poppler. Without them the platform runs and says why a PDF cannot be made.
REPORTS := /usr/share/doc/libpangoft2-1.0-0 /usr/share/doc/fonts-wqy-microhei /usr/bin/pdftoppm

# One web worker per core (at most 4), the deployment the web load benchmark measures; `make run WORKERS=1` for one.
WORKERS ?= $(shell n=$$(nproc 2>/dev/null || echo 1); [ $$n -gt 4 ] && n=4; echo $$n)

.PHONY: run test bench

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e '.[test]'
	rm -f $(VENV)/.installed-*
	touch $@

$(ASSETS): package.json package-lock.json scripts/build_assets.py
	python3 scripts/build_assets.py
	touch $@

$(CHROMIUM) &:
	@if [ "$$(id -u)" != 0 ]; then \
	  echo "*** Browser tests need Debian's chromium and chromium-driver; run as root (or: sudo apt-get install" \
	       "--no-install-recommends chromium chromium-driver fonts-wqy-microhei). Browser tests skip until then."; \
	else \
	  apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium chromium-driver fonts-wqy-microhei; \
	fi

$(REPORTS) &:
	@if [ "$$(id -u)" != 0 ]; then \
	  echo "*** PDF reports need Debian's libpango-1.0-0, libpangoft2-1.0-0 and fonts-wqy-microhei (poppler-utils for" \
	       "their test); run as root or install them with sudo apt-get. HTML and Word reports work without them."; \
	else \
	  apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-wqy-microhei poppler-utils; \
	fi

run: $(STAMP) $(ASSETS) $(REPORTS)
	$(VENV)/bin/lingxi up --workers $(WORKERS)

test: $(STAMP) $(ASSETS) $(CHROMIUM) $(REPORTS)
	$(VENV)/bin/pytest

bench: $(STAMP)
	$(VENV)/bin/python bench/import_throughput.py
	$(VENV)/bin/python bench/party_clustering.py
	$(VENV)/bin/python bench/web_load.py
	$(VENV)/bin/python bench/search_scale.py --sizes 100000,1000000
	$(VENV)/bin/python bench/embedding_models.py
	$(VENV)/bin/python bench/search_quality.py
	$(VENV)/bin/python bench/vector_index.py --size 100000
	$(VENV)/bin/python bench/vector_index.py --size 1000000
	$(VENV)/bin/python bench/tagging_quality.py
	$(VENV)/bin/python bench/tagging_throughput.py --size 100000
	$(VENV)/bin/python bench/value_throughput.py
	$(VENV)/bin/python bench/value_validity.py
	$(VENV)/bin/python bench/value_operations.py
	$(VENV)/bin/python bench/enterprise_import.py
	$(VENV)/bin/python bench/push_run.py
	$(VENV)/bin/python bench/matching_quality.py
	$(VENV)/bin/python bench/matching_latency.py
