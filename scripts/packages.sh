# Sourced by the other scripts: makes sure the Debian packages hpo builds with are installed.
# As root, installs what is missing; otherwise prints the exact apt-get line and stops.

HPO_PACKAGES="g++ cmake make ninja-build libeigen3-dev liblbfgspp-dev catch2 nlohmann-json3-dev libbenchmark-dev"
# For CI only, never needed to build or use hpo: clang (the second compiler, and its sanitizer
# runtimes), xmllint (the report's HTML check in the test suite) and a headless Chromium (the
# report's browser test, tests/report/browser_test.sh). CI passes them as arguments:
# `hpo_ensure_packages $HPO_CI_PACKAGES`.
HPO_CI_PACKAGES="clang libclang-rt-14-dev libxml2-utils chromium-headless-shell"
# Optional, for hpo::mpi (<hpo/mpi.hpp>: one search over the ranks of an MPI job) and its tests and
# example; CMake builds them when it finds MPI. CI installs them: `hpo_ensure_packages $HPO_MPI_PACKAGES`.
HPO_MPI_PACKAGES="libopenmpi-dev openmpi-bin"

hpo_ensure_packages() {
  local missing=""
  for package in $HPO_PACKAGES "$@"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
      missing="$missing $package"
    fi
  done
  [ -z "$missing" ] && return 0
  if [ "$(id -u)" = 0 ]; then
    echo "hpo: installing missing Debian packages:$missing"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq --no-install-recommends $missing
  else
    echo "hpo: missing Debian packages. Run this, then run this script again:"
    echo "  sudo apt-get update && sudo apt-get install -y$missing"
    exit 1
  fi
}
