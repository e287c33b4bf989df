#!/usr/bin/env bash
# Runs the distributed test on the current kubectl context: the shared start time, the load
# Job, then the merge Job, whose summary it prints; the results (segments, merged.json, .html, .xml)
# stay on the swiftload-results volume. Build and push the image first (see Dockerfile) and set
# the manifests' image to it. The exit code is the merge's (0, 99 thresholds failed, 2 incomplete).
#
#   deploy/kubernetes/run.sh [segments] [seconds-until-start]
set -euo pipefail
cd "$(dirname "$0")"
segments=${1:-4}
lead=${2:-90}
start=$(date -u -d "+${lead} seconds" +%Y-%m-%dT%H:%M:%SZ)

kubectl apply -f results-pvc.yaml
kubectl apply -f configmap.yaml
kubectl patch configmap swiftload-run --type merge \
  -p "{\"data\":{\"SWIFTLOAD_START_AT\":\"$start\",\"SWIFTLOAD_SEGMENT_COUNT\":\"$segments\"}}"
kubectl delete job swiftload-load swiftload-merge --ignore-not-found
sed -e "s/completions: 4/completions: $segments/" -e "s/parallelism: 4/parallelism: $segments/" load-job.yaml \
  | kubectl apply -f -
echo "segments start at $start"
kubectl wait --for=condition=complete job/swiftload-load --timeout=3h \
  || { echo "the load Job did not complete: the merge will say which segment is missing"; }
kubectl apply -f merge-job.yaml
kubectl wait --for=condition=complete job/swiftload-merge --timeout=10m || true
kubectl logs job/swiftload-merge
pod=$(kubectl get pods -l job-name=swiftload-merge -o jsonpath='{.items[0].metadata.name}')
status=$(kubectl get pod "$pod" -o jsonpath='{.status.containerStatuses[0].state.terminated.exitCode}')
echo "merge exit code: $status"
exit "${status:-1}"
