# What the scripts share; each sources it first (`. "$(dirname "$0")/lib.sh"`): strict mode, the repository
# as working directory ($root), and the steps they all take the same way.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD

# on_exit COMMAND: runs COMMAND when the script exits, however it exits; the last added runs first, so a
# server started before a process that uses it is stopped after it.
_on_exit=""
on_exit() {
  _on_exit="$1${_on_exit:+; $_on_exit}"
  trap "$_on_exit" EXIT
}

# release PRODUCT...: the products' release builds, quiet unless one fails.
release() {
  local product
  mkdir -p "$root/.build"
  for product; do
    swift build -c release --product "$product" >"$root/.build/release-$product.log" 2>&1 \
      || { tail -n 40 "$root/.build/release-$product.log" >&2; echo "$(basename "$0"): building $product failed" >&2; return 1; }
  done
}

# local_db NAME: a scratch server of this checkout in .postgres-NAME (scripts/local-db), its PG* settings and
# DATABASE_URL exported, stopped when the script exits. A server that cannot start stops the script.
local_db() {
  export PGPIPE_LOCAL_DB=$root/.postgres-$1
  local settings
  settings=$(scripts/local-db start) || exit
  eval "$settings"
  on_exit 'scripts/local-db stop'
}

# fresh_database NAME: drops and creates database NAME on the local server and makes it the default one.
fresh_database() {
  PGOPTIONS="-c client_min_messages=warning" psql -qX -d postgres -c "DROP DATABASE IF EXISTS $1" -c "CREATE DATABASE $1" >/dev/null
  export PGDATABASE=$1 DATABASE_URL=${DATABASE_URL%/*}/$1
}
