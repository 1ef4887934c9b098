#!/bin/bash
# The recall training queue (issue 18): one training process at a time, one torch thread (the other core is the
# team's), in the order that matters most. Run detached so it survives the shell:
#   setsid nohup bash models/recall_queue.sh > results/recall/queue.log 2>&1 &
# RECALL_STEPS (default below) is the one step budget every model gets; RECALL_ONLY="id id" runs a subset.
set -u
cd "$(dirname "$0")"
STEPS=${RECALL_STEPS:-1500}
QUEUE=${RECALL_ONLY:-"transformer-recall perceiver-ar-conv-recall perceiver-ar-recall transformer-xl-recall sliding-window-recall linear-transformer-recall primer-recall sparse-transformer-recall transformer-gelu-recall transformer-pp-recall compressive-transformer-recall"}
for id in $QUEUE; do
  if [ -f "checkpoints/$id.train.json" ] && [ -z "${RECALL_FORCE:-}" ]; then echo "skip $id (trained)"; continue; fi
  echo "$(date -Is) start $id ($STEPS steps)"
  LCP_TORCH_THREADS=1 flock /tmp/train.lock /usr/bin/python3 train_recall.py --only "$id" --steps "$STEPS" || echo "$(date -Is) FAILED $id"
  echo "$(date -Is) done $id"
done
echo "$(date -Is) queue finished"
