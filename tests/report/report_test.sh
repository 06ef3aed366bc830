#!/usr/bin/env bash
# The report.html test (ctest label `report`): runs a short scenario with fault windows, opens
# its report.html in headless Chromium and checks, through the page's DOM, that every <img>
# decoded (the page's own load-time script writes data-report-check="ok|broken" and
# data-images="decoded/total" on <body>) and that the summary and SLO tables are there; then
# takes a screenshot and checks it is not blank (its PNG size).
#
#   report_test.sh page SDSIM SCENARIO WORKDIR    the check above (writes WORKDIR/out, .png)
#   report_test.sh broken WORKDIR                 corrupts one embedded PNG of WORKDIR's
#                                                 report.html: the check must then fail
# Exit 0 pass, 1 fail, 77 skipped (no chromium: tools/bootstrap installs it).
set -uo pipefail

chromium=${SDSIM_CHROMIUM:-/usr/bin/chromium}
if [[ ! -x $chromium ]]; then
  echo "SKIP: $chromium not found (tools/bootstrap installs chromium; or set SDSIM_CHROMIUM)"
  exit 77
fi

fail() { echo "FAIL: $*"; exit 1; }

# chrome DIR ARGS...: headless Chromium with a private profile in DIR; waits for the page's
# load event (virtual time) before dumping or capturing.
chrome() {
  local dir=$1; shift
  timeout 120 "$chromium" --headless --no-sandbox --disable-gpu --hide-scrollbars \
    --no-first-run --user-data-dir="$dir/chromium-profile" --virtual-time-budget=10000 "$@" \
    2>"$dir/chromium.log"
}

# check_dom HTML WORKDIR: prints the <body> tag Chromium saw; fails unless every image decoded.
check_dom() {
  local html=$1 dir=$2
  chrome "$dir" --dump-dom "file://$html" >"$dir/dom.html" || fail "chromium failed (see $dir/chromium.log)"
  local body
  body=$(grep -o '<body[^>]*>' "$dir/dom.html" | head -1)
  echo "DOM: $body"
  [[ $body == *'data-report-check="ok"'* ]] || fail "not every image decoded ($body)"
  grep -q '<table id="summary"' "$dir/dom.html" || fail "no summary table (id=summary) in the DOM"
}

case "${1:-}" in
  page)
    sdsim=$2 scenario=$3 dir=$4
    rm -rf "$dir" && mkdir -p "$dir" || fail "cannot create $dir"
    "$sdsim" run "$scenario" --out "$dir/out" --quiet || fail "sdsim run failed"
    html=$(cd "$dir/out" && pwd)/report.html
    [[ -s $html ]] || fail "no report.html"
    check_dom "$html" "$dir"
    body=$(grep -o '<body[^>]*>' "$dir/dom.html" | head -1)
    # Five plots: latency, load, utilisation, queue length, CDF.
    [[ $body == *'data-images="5/5"'* ]] || fail "expected 5 decoded plots ($body)"
    grep -q '<table id="slo"' "$dir/dom.html" || fail "no SLO table (the scenario has an slo)"
    grep -q 'api-crash' "$dir/dom.html" || fail "the incident api-crash is not listed"
    chrome "$dir" --window-size=1200,4000 --screenshot="$dir/report.png" "file://$html" >/dev/null ||
      fail "chromium screenshot failed"
    size=$(stat -c %s "$dir/report.png" 2>/dev/null || echo 0)
    echo "screenshot: $dir/report.png, $size bytes"
    # A blank 1200x4000 page is ~10 KB as PNG; this page with its plots is several 100 KB.
    ((size > 100000)) || fail "the screenshot looks blank ($size bytes)"
    echo "PASS"
    ;;
  broken)
    dir=$2
    src=$dir/out/report.html
    [[ -s $src ]] || fail "no $src (the page test writes it first)"
    mkdir -p "$dir/broken" && cp "$src" "$dir/broken/report.html"
    # Corrupt the base64 text of the first embedded PNG where its signature and header are
    # (Chromium draws what it can of a PNG whose pixel data is damaged, so damage there).
    /usr/bin/python3 - "$dir/broken/report.html" <<'PY' || fail "cannot corrupt the copy"
import sys
p = sys.argv[1]
s = open(p, encoding="utf-8").read()
i = s.index("base64,") + 7
open(p, "w", encoding="utf-8").write(s[:i] + "!#%" * 10 + s[i + 30:])
PY
    html=$(cd "$dir/broken" && pwd)/report.html
    if (check_dom "$html" "$dir/broken"); then
      fail "the check passed on a report with a corrupt image"
    fi
    echo "PASS: the check caught the corrupt image"
    ;;
  *)
    echo "usage: report_test.sh page SDSIM SCENARIO WORKDIR | broken WORKDIR" >&2
    exit 2
    ;;
esac
