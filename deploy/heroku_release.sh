#!/usr/bin/env bash
# Deploy one Heroku app (web | studio) from this monorepo: stage the app's own tree (its
# package, requirements.txt, the repository's .python-version, its Procfile and app.json) and
# push it to the app's Heroku git remote. DRY_RUN=1 only stages and lists it (and keeps the
# staged tree in STAGE_DIR when that is set, for inspection).
#
#   HEROKU_API_KEY=... deploy/heroku_release.sh web  copper-gallery
#   HEROKU_API_KEY=... deploy/heroku_release.sh studio copper-studio
set -euo pipefail

app=${1:-}
heroku_app=${2:-}
case $app in
  web) package=heroku_web procfile=Procfile.web ;;
  studio) package=heroku_artist procfile=Procfile.studio ;;
  *) echo "usage: $0 web|studio HEROKU_APP" >&2; exit 2 ;;
esac

root=$(cd "$(dirname "$0")/.." && pwd)
if [ "${DRY_RUN:-0}" = 1 ] && [ -n "${STAGE_DIR:-}" ]; then
  stage=$STAGE_DIR
  mkdir -p "$stage"
else
  stage=$(mktemp -d)
  trap 'rm -rf "$stage"' EXIT
fi

git -C "$root" archive HEAD "$package" | tar -x -C "$stage"
cp "$root/$package/requirements.txt" "$root/.python-version" "$stage/"
cp "$root/$procfile" "$stage/Procfile"
cp "$root/deploy/heroku/$app/app.json" "$stage/app.json"
version=$(git -C "$root" describe --tags --always)

if [ "${DRY_RUN:-0}" = 1 ]; then
  (cd "$stage" && find . -maxdepth 1 | sort && cat Procfile .python-version)
  exit 0
fi
: "${HEROKU_API_KEY:?HEROKU_API_KEY must be set}"
: "${heroku_app:?the Heroku app name is required}"
cd "$stage"
git init -q -b main
git add .
git -c user.name=release -c user.email=release@localhost commit -qm "$package $version"
git push --quiet --force "https://heroku:${HEROKU_API_KEY}@git.heroku.com/${heroku_app}.git" HEAD:main
