# Sourced by demo.sh and test.sh: install the Debian packages dsar needs, when they are missing.
# ensure_debian_packages "command-or-check:package ..." — each argument names a check (a command
# on the PATH, or "tesseract-lang-XXX" for a Tesseract language) and the package that provides it.
ensure_debian_packages() {
  local need=() item check package
  for item in "$@"; do
    check=${item%%:*}
    package=${item#*:}
    case "$check" in
      tesseract-lang-*)
        command -v tesseract >/dev/null 2>&1 \
          && tesseract --list-langs 2>/dev/null | grep -qx "${check#tesseract-lang-}" \
          || need+=("$package")
        ;;
      *)
        command -v "$check" >/dev/null 2>&1 || [ -x "/usr/bin/$check" ] || need+=("$package")
        ;;
    esac
  done
  [ ${#need[@]} -eq 0 ] && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing ${need[*]}"
    # Wait for another installation's dpkg lock instead of failing.
    apt-get -o DPkg::Lock::Timeout=600 update -qq
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq \
      "${need[@]}" >/dev/null
  else
    echo "warning: missing ${need[*]}; install them (as root: apt-get install ${need[*]})" >&2
  fi
}
