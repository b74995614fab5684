#!/usr/bin/env bash
# Breaks the code on purpose and checks that the spec claiming to guard each break fails.
#
# Every break is applied to a copy of the working tree (tracked and untracked files, node_modules linked),
# never to the tree itself, so an interrupted run (CTRL-C, a crash) leaves nothing broken behind, and
# others can keep working meanwhile. First each spec runs on the unbroken copy and must pass; then for
# each break: apply it (the text it replaces must be found exactly once), run the spec, expect failing
# tests, put the file back. Prints break → spec → caught/MISSED; exits non-zero if any is missed.
#
#   bash test/breaks/run.sh            # every break
#   bash test/breaks/run.sh a c        # some of them
#   BREAKS_SKIP_BASELINE=1 bash test/breaks/run.sh
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/loans-breaks-XXXXXX")
JEST_PID=

cleanup() {
  if [[ -n $JEST_PID ]] && kill -0 "$JEST_PID" 2>/dev/null; then
    kill -TERM "$JEST_PID" 2>/dev/null
    wait "$JEST_PID" 2>/dev/null
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'echo; echo "interrupted: the working tree was never changed"; exit 130' INT TERM

# --- the breaks: id, what, file, text replaced (found exactly once), replacement, guarding specs --------
IDS=()
declare -A WHAT FILE FROM TO SPECS
define() {
  local id=$1
  IDS+=("$id")
  WHAT[$id]=$2 FILE[$id]=$3 FROM[$id]=$4 TO[$id]=$5
  shift 5
  SPECS[$id]="$*"
}

define a "the command handler appends with expected revision 'any'" \
  libs/event-store/src/command/command-handler.ts \
  "{ expectedRevision: loaded.revision ?? 'no_stream' }" \
  "{ expectedRevision: 'any' }" \
  test/races.e2e-spec.ts test/races-esdb.e2e-spec.ts libs/programme/test/interleavings.spec.ts

define b "the projection runner commits no checkpoint" \
  libs/projections/src/runner.ts \
  "this.readStore.commit(p, generation, batch.changes, checkpoint, processed)" \
  "this.readStore.commit(p, generation, batch.changes, null, processed)" \
  test/projector-crash.e2e-spec.ts

define c "the EventStoreDB adapter's readAll keeps system events" \
  libs/event-store/src/esdb/esdb-event-store.ts \
  "for (const e of fresh) if (!isSystem(e)) out.push(toRecorded(e));" \
  "for (const e of fresh) out.push(toRecorded(e));" \
  libs/event-store/src/esdb/esdb-event-store.spec.ts

define d "the EventStoreDB adapter's subscribeToAll keeps system events" \
  libs/event-store/src/esdb/esdb-event-store.ts \
  "if (isSystem(e)) return;" \
  "/* system events pass */" \
  libs/event-store/src/esdb/esdb-event-store.spec.ts

define e "the EventStoreDB adapter appends with 'any', whatever revision it is given" \
  libs/event-store/src/esdb/esdb-event-store.ts \
  "{ expectedRevision: options.expectedRevision, deadline: this.options.deadlineMs }" \
  "{ expectedRevision: 'any', deadline: this.options.deadlineMs }" \
  libs/event-store/src/esdb/esdb-event-store.spec.ts test/races-esdb.e2e-spec.ts libs/programme/test/interleavings.spec.ts

define f "the SQLite store does not check the expected revision" \
  libs/event-store/src/sqlite/sqlite-event-store.ts \
  "if (!satisfies(expected, current)) throw new WrongExpectedVersionError(stream, expected, current ?? 'no_stream');" \
  "/* any revision will do */" \
  libs/event-store/src/sqlite/sqlite-event-store.spec.ts libs/programme/test/interleavings.spec.ts

define g "the access guard lets every signed-in role do everything" \
  apps/api/src/auth/access.guard.ts \
  "? mayDo(principal, action)" \
  "? { allowed: true as const }" \
  test/access-matrix.e2e-spec.ts

define h "jurisdictions are not checked: a clerk acts on another county's loans" \
  apps/api/src/auth/access.guard.ts \
  "const verdict = reaches(request.principal!, target, this.reference);" \
  "const verdict = { allowed: true as const };" \
  test/access-matrix.e2e-spec.ts

define i "events are appended without being checked against their published schemas" \
  libs/event-store/src/command/metadata.ts \
  "const versions = checkedVersions(events);" \
  "const versions = events.map(() => 1);" \
  libs/event-store/test/command-handler.spec.ts test/event-contract.e2e-spec.ts

define j "events recorded under an older schema version are handed out as stored, not upcast" \
  libs/event-store/src/upcast.ts \
  "if (version === contract.version) return e;" \
  "return e;" \
  apps/contract/src/contract.spec.ts libs/event-store/src/sqlite/sqlite-event-store.spec.ts test/feed-contract.e2e-spec.ts

define k "the store chains each event without the hash of the one before it in its stream" \
  libs/event-store/src/audit/chain.ts \
  "last = eventHash(last, {" \
  "last = eventHash(null, {" \
  libs/event-store/src/sqlite/sqlite-event-store.spec.ts

define l "the verifier takes an event's stored hash without recomputing it from its content" \
  libs/event-store/src/audit/verify-history.ts \
  "if (hash !== e.hash)" \
  "if (!e.hash)" \
  libs/event-store/src/audit/verify-history.spec.ts

define m "the verifier compares no digest's root" \
  libs/event-store/src/audit/verify-history.ts \
  "const holds = frontier.root().toString('hex') === d.rootHash;" \
  "const holds = true;" \
  libs/event-store/src/audit/verify-history.spec.ts test/audit.e2e-spec.ts

# --- helpers -----------------------------------------------------------------------------------------
SELECTED=("$@")
[[ ${#SELECTED[@]} -eq 0 ]] && SELECTED=("${IDS[@]}")
for id in "${SELECTED[@]}"; do
  [[ -n ${WHAT[$id]+x} ]] || { echo "no break called '$id' (there are: ${IDS[*]})" >&2; exit 2; }
done

# Replaces a literal text found exactly once; fails (and changes nothing) otherwise.
replace_once() {
  node -e '
    const fs = require("fs");
    const [file, from, to] = process.argv.slice(1);
    const text = fs.readFileSync(file, "utf8");
    const n = text.split(from).length - 1;
    if (n !== 1) {
      console.error(`expected the text once in ${file}, found it ${n} times: ${from}`);
      process.exit(1);
    }
    fs.writeFileSync(file, text.replace(from, () => to));
  ' "$WORK/$1" "$2" "$3"
}

# Emits the copy as JavaScript, as npm test does, so that its child processes start from what is there now.
build_copy() {
  (cd "$WORK" && node_modules/.bin/tsc -p tsconfig.json --outDir dist/test-build --tsBuildInfoFile dist/test-build/.tsbuildinfo) \
    >"$WORK/.tsc.log" 2>&1 || { echo "the copy does not compile:"; head -20 "$WORK/.tsc.log"; }
}

# Runs specs in the copy; prints "<failed tests> <passed tests> <suites that could not run>".
run_specs() {
  local out="$WORK/.result.json"
  rm -f "$out"
  (cd "$WORK" && exec node_modules/.bin/jest --ci --cacheDirectory "$WORK/.jest-cache" --json --outputFile "$out" --runTestsByPath "$@") \
    >"$WORK/.jest.log" 2>&1 &
  JEST_PID=$!
  wait "$JEST_PID"
  JEST_PID=
  node -e '
    const fs = require("fs");
    const file = process.argv[1];
    if (!fs.existsSync(file)) {
      console.log("0 0 1");
    } else {
      const r = JSON.parse(fs.readFileSync(file, "utf8"));
      const ran = (t) => t.assertionResults.some((a) => a.status === "failed");
      const broken = r.testResults.filter((t) => t.testExecError || (t.status === "failed" && !ran(t))).length;
      console.log(`${r.numFailedTests} ${r.numPassedTests} ${broken}`);
    }
  ' "$out"
}

show_log() { grep -E '✕|●|Test Suites:|Tests:' "$WORK/.jest.log" | head -${1:-20} | sed 's/^/      /'; }

# --- the copy ----------------------------------------------------------------------------------------
git -C "$ROOT" ls-files -z --cached --others --exclude-standard |
  tar --null --ignore-failed-read -C "$ROOT" -T - -cf - 2>/dev/null | tar -xf - -C "$WORK"
ln -s "$ROOT/node_modules" "$WORK/node_modules"
echo "a copy of the working tree in $WORK"
build_copy

ALL_SPECS=()
for id in "${SELECTED[@]}"; do for s in ${SPECS[$id]}; do ALL_SPECS+=("$s"); done; done
mapfile -t ALL_SPECS < <(printf '%s\n' "${ALL_SPECS[@]}" | sort -u)

if [[ ${BREAKS_SKIP_BASELINE:-0} != 1 ]]; then
  echo "baseline: the specs on the unbroken copy …"
  start=$SECONDS
  read -r failed passed broken < <(run_specs "${ALL_SPECS[@]}")
  if [[ $failed -ne 0 || $broken -ne 0 || $passed -eq 0 ]]; then
    echo "the specs do not pass without any break ($failed failed, $broken could not run): fix that first"
    show_log 40
    exit 1
  fi
  echo "baseline: $passed tests pass ($((SECONDS - start)) s)"
fi

# --- the breaks --------------------------------------------------------------------------------------
rows=()
missed=0
for id in "${SELECTED[@]}"; do
  file=${FILE[$id]}
  cp -p "$WORK/$file" "$WORK/.pristine"
  if ! replace_once "$file" "${FROM[$id]}" "${TO[$id]}"; then
    rows+=("$id|${WHAT[$id]}|(all)|NOT APPLIED: the code changed, update the break|")
    missed=1
    continue
  fi
  build_copy
  for spec in ${SPECS[$id]}; do
    echo "break $id × $spec …"
    start=$SECONDS
    read -r failed passed broken < <(run_specs "$spec")
    took=$((SECONDS - start))
    if [[ $failed -gt 0 ]]; then
      result="caught ($failed of $((failed + passed)) tests fail)"
    elif [[ $broken -gt 0 ]]; then
      result="ERROR: the spec could not run"
      missed=1
      show_log
    else
      result="MISSED ($passed tests pass)"
      missed=1
    fi
    rows+=("$id|${WHAT[$id]}|$spec|$result|${took} s")
  done
  cp -p "$WORK/.pristine" "$WORK/$file"
  build_copy
done

echo
printf '%-2s %-72s %-52s %-32s %s\n' "" "break" "spec" "result" "time"
for row in "${rows[@]}"; do
  IFS='|' read -r id what spec result took <<<"$row"
  printf '%-2s %-72s %-52s %-32s %s\n' "$id" "$what" "$spec" "$result" "$took"
done
exit $missed
