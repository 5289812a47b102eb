#!/bin/bash
# Fuzzes every @FuzzTest target for SECONDS each (default 300), one JVM per target, at low priority.
# Findings land in src/test/resources/<package>/<Class>Inputs/<method>/ (Jazzer's crash-* files): they
# then replay in every plain `mvn test` until the code is fixed. Summary per target in target/fuzz/.
set -euo pipefail
seconds=${1:-300}
cd "$(dirname "$0")/../.."
targets=(
  org.bergenholm.dhcp.DhcpFuzzTest#proxyAnswers
  org.bergenholm.dhcp.DhcpFuzzTest#fullAnswers
  org.bergenholm.tftp.TftpFuzzTest#readRequests
  org.bergenholm.http.ParameterBodyFuzzTest#parameterBodies
  org.bergenholm.inventory.ResolverFuzzTest#groupGraphs
  org.bergenholm.render.TemplateFuzzTest#templates
)
mkdir -p target/fuzz
nice -n 10 mvn -B -ntp -q test-compile
status=0
for t in "${targets[@]}"; do
  log=target/fuzz/${t##*.}.log
  echo "== $t for ${seconds}s (log $log)"
  if JAZZER_FUZZ=1 nice -n 10 mvn -B -ntp -o surefire:test -Dtest="$t" -Djazzer.hooks=true \
      -Djazzer.max_duration="${seconds}s" -DtrimStackTrace=false >"$log" 2>&1; then
    result=ok
  else
    result=FINDING; status=1
  fi
  # libFuzzer's closing lines: "#N DONE cov: ... exec/s: ..." and "Done N runs in S second(s)"; a finding says where its input went.
  grep -aE '^#[0-9]+[[:space:]]+DONE|^Done [0-9]+ runs|Test unit written|Java Exception:' "$log" | sed 's/^/   /' || true
  echo "   $result"
done
exit $status
