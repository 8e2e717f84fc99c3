#!/usr/bin/env bash
# Puts the datasets where the tests and the quality gate look (../shared/data beside the checkout) and exports
# PLATFORM_SHARED_DATA. They come from shared/data in the workspace when a previous step or checkout put them there.
set -euo pipefail
target="$GITHUB_WORKSPACE/../shared/data"
mkdir -p "$target"
if [ -d "$GITHUB_WORKSPACE/shared/data" ]; then
  cp -R "$GITHUB_WORKSPACE/shared/data/." "$target/"
else
  echo "::warning::no shared/data in the workspace: tests and the quality gate that read the datasets will fail"
fi
echo "PLATFORM_SHARED_DATA=$(cd "$target" && pwd)" >> "$GITHUB_ENV"
