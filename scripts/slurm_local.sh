#!/usr/bin/env bash
# A real single-node Slurm on this machine, for naskit's Slurm tests and for trying the cluster
# commands without a cluster: Debian's slurm-wlm and munge, one node (this machine, all its cores),
# one partition, state in $NASKIT_SLURM_DIR (default /tmp/naskit-slurm).
#
#   scripts/slurm_local.sh start   # installs what is missing, writes slurm.conf, starts munged,
#                                  # slurmctld and slurmd; prints `export SLURM_CONF=...`
#   scripts/slurm_local.sh stop
#
# No cgroups are needed (proctrack/linuxproc, task/none), so it runs in containers too. Exits 3 when
# this machine cannot run slurmd (the tests then skip, saying why).
set -euo pipefail
dir=${NASKIT_SLURM_DIR:-/tmp/naskit-slurm}
conf=$dir/slurm.conf
sudo_cmd=()
[ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)

stop() {
  for daemon in slurmd slurmctld; do
    if [ -f "$dir/$daemon.pid" ]; then
      "${sudo_cmd[@]}" kill "$(cat "$dir/$daemon.pid")" 2>/dev/null || true
      rm -f "$dir/$daemon.pid"
    fi
  done
}

case "${1:-}" in
  stop) stop; exit 0 ;;
  start) ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac

# From here, whatever fails means that this machine cannot run Slurm: exit 3, saying what failed.
trap 'echo "naskit slurm: failed at line $LINENO of $0" >&2; exit 3' ERR

missing=()
for p in slurm-wlm munge; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "naskit slurm: installing ${missing[*]}" >&2
  "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
fi

stop
mkdir -p "$dir/state" "$dir/spool" "$dir/log"
node=$(hostname -s)
# What slurmd sees of this machine, less a little memory for the daemons.
hardware=$(slurmd -C | head -1 | sed 's/RealMemory=\([0-9]*\)/RealMemory=\1/')
cat > "$conf" <<CONF
ClusterName=naskit
SlurmctldHost=$node
SlurmUser=$(id -un)
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
ReturnToService=2
MpiDefault=none
MaxArraySize=100001
InactiveLimit=0
KillWait=5
SlurmctldTimeout=30
SlurmdTimeout=30
$hardware State=UNKNOWN
PartitionName=naskit Nodes=$node Default=YES MaxTime=INFINITE State=UP OverSubscribe=NO
CONF

if ! pgrep -x munged >/dev/null; then
  "${sudo_cmd[@]}" mkdir -p /run/munge
  "${sudo_cmd[@]}" chown munge:munge /run/munge 2>/dev/null || true
  "${sudo_cmd[@]}" runuser -u munge -- munged 2>/dev/null || "${sudo_cmd[@]}" munged --force
fi
export SLURM_CONF=$conf
"${sudo_cmd[@]}" env SLURM_CONF="$conf" slurmctld -i
"${sudo_cmd[@]}" env SLURM_CONF="$conf" slurmd
for _ in $(seq 60); do
  if sinfo -h -o %T 2>/dev/null | grep -qE "^idle"; then
    echo "export SLURM_CONF=$conf"
    exit 0
  fi
  sleep 1
done
echo "naskit slurm: slurmd did not come up on $node (logs in $dir/log)" >&2
tail -5 "$dir/log/slurmd.log" "$dir/log/slurmctld.log" >&2 || true
stop
exit 3
