#!/usr/bin/env bash
# Browser test of the report (run by .ci/run, not by ctest): the report of a real run (the flagship
# example's cold and warm journals, --quick) is opened in Debian's headless Chromium, which must
# print no JavaScript error or console message, and in which every plot's SVG must have a non-zero
# size on the page; a screenshot is kept. Skipped, with a message, where Chromium is not installed
# (Debian packages chromium-headless-shell or chromium; scripts/packages.sh installs it for CI).
#
# Usage: tests/report/browser_test.sh [BUILD_DIR] [ARTIFACT_DIR]
#   BUILD_DIR     a build holding tools/hpo-report and examples/transfer_mlp (default: build)
#   ARTIFACT_DIR  where report.html and report.png are kept (default: BUILD_DIR/artifacts)
set -euo pipefail
root=$(realpath "$(dirname "$0")/../..")
build=$(realpath "${1:-$root/build}")
artifacts="${2:-$build/artifacts}"
mkdir -p "$artifacts"
artifacts=$(realpath "$artifacts")

browser=""
for candidate in chromium-headless-shell chromium; do
  if command -v "$candidate" >/dev/null 2>&1; then browser=$candidate; break; fi
done
if [ -z "$browser" ]; then
  echo "browser test SKIPPED: neither chromium-headless-shell nor chromium is installed"
  exit 0
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "browser test FAILED: $*" >&2; exit 1; }

# A real run, and its report.
(cd "$work" && "$build/examples/transfer_mlp" --quick >/dev/null)
"$build/tools/hpo-report" "$work/transfer_mlp_out/cold_scratch.seed1.jsonl" "$work/transfer_mlp_out/warm_scratch.seed1.jsonl" \
  --name cold --name warm --value-label "validation accuracy" -o "$artifacts/report.html" >/dev/null
report="$artifacts/report.html"
plots=$(grep -c '<svg ' "$report" || true)
[ "$plots" -gt 0 ] || fail "the report holds no SVG"

run_browser() {  # run_browser URL EXTRA_ARGS... : stdout the browser's, stderr its log
  "$browser" --headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update \
    --disable-sync --no-first-run --hide-scrollbars --user-data-dir="$work/profile" --enable-logging=stderr --v=0 \
    --virtual-time-budget=5000 "${@:2}" "$1"
}

# 1. The page as it is: the browser logs every console message and uncaught error as CONSOLE.
run_browser "file://$report" --dump-dom >"$work/dom.html" 2>"$work/log.txt" || fail "the browser exited with an error"
if grep -q 'CONSOLE' "$work/log.txt"; then
  grep 'CONSOLE' "$work/log.txt" >&2
  fail "console messages or JavaScript errors (above)"
fi
grep -q 'id="history-plot"' "$work/dom.html" || fail "the dumped DOM lacks the history plot"

# 2. A copy with a probe: errors and console.error recorded, and each plot's size on the page.
cat >"$work/probe.html" <<'PROBE'
<script>
window.__errors = [];
window.addEventListener("error", function (e) { window.__errors.push(e.message); });
var __consoleError = console.error;
console.error = function () { window.__errors.push(Array.prototype.join.call(arguments, " ")); __consoleError.apply(console, arguments); };
window.addEventListener("load", function () {
  var rows = [];
  document.querySelectorAll("svg.plot").forEach(function (svg) {
    var box = svg.getBoundingClientRect();
    rows.push(svg.id + " " + Math.round(box.width) + " " + Math.round(box.height));
  });
  var pre = document.createElement("pre");
  pre.id = "browser-test";
  pre.textContent = "PLOTS " + rows.length + "\n" + rows.join("\n") + "\nERRORS " + window.__errors.length + "\n" + window.__errors.join("\n");
  document.body.appendChild(pre);
});
</script>
PROBE
awk 'FNR == NR { probe = probe $0 ORS; next } { print } /<head>/ && !done { printf "%s", probe; done = 1 }' "$work/probe.html" "$report" >"$work/probed.html"
run_browser "file://$work/probed.html" --dump-dom >"$work/probed-dom.html" 2>/dev/null || fail "the browser exited with an error (probe)"
sed -n '/<pre id="browser-test">/,/<\/pre>/p' "$work/probed-dom.html" | sed 's/<pre id="browser-test">//; s/<\/pre>.*//' >"$work/probe.txt"
grep -q '^PLOTS ' "$work/probe.txt" || fail "the probe did not run"
measured=$(sed -n 's/^PLOTS //p' "$work/probe.txt")
[ "$measured" -eq "$plots" ] || fail "the page shows $measured plots, the file holds $plots"
errors=$(sed -n 's/^ERRORS //p' "$work/probe.txt")
[ "$errors" -eq 0 ] || { sed -n '/^ERRORS/,$p' "$work/probe.txt" >&2; fail "$errors JavaScript errors"; }
empty=$(awk 'NF == 3 && $1 != "PLOTS" && $1 != "ERRORS" && ($2 <= 0 || $3 <= 0)' "$work/probe.txt")
[ -z "$empty" ] || fail "plots of zero size: $empty"

# 3. The screenshot, kept (CI artifact; docs/report.png is one of these, from a full run).
run_browser "file://$report" --screenshot="$artifacts/report.png" --window-size=1280,2400 >/dev/null 2>&1 || fail "no screenshot"
[ "$(head -c 4 "$artifacts/report.png" | tail -c 3)" = "PNG" ] || fail "the screenshot is not a PNG"

echo "browser test passed ($browser): $plots plots, each of non-zero size, no console message or JavaScript error;"
echo "  report and screenshot in $artifacts/"
