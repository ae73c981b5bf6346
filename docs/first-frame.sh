#!/usr/bin/env bash
# first-frame.sh: how long from a process's start to its first screen, in
# tmux, for propus and for the smallest Bubble Tea program (the floor), in
# one run. A measurement, not a test: run it by hand, read the medians.
#
#   bash docs/first-frame.sh [RUNS]     (default 15 runs of each)
#
# It builds propus and testdata/firstframe, serves a generated 5 MiB page
# with propus serve on loopback, and times, each in a fresh 100×30 tmux
# session with fresh XDG directories: the bare program's first line, the
# first heading of about:home, and the first heading of the 5 MiB page.
# The clock starts when tmux starts the command and stops when
# capture-pane first shows the text (polled as fast as tmux answers, about
# every 2 ms, which is the measurement's grain).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-15}
work=$(mktemp -d)
trap 'tmux kill-session -t ff 2>/dev/null || true; kill "${srv:-0}" 2>/dev/null || true; rm -rf "$work"' EXIT

go build -o "$work/propus" ./cmd/propus
go build -o "$work/firstframe" ./testdata/firstframe

mkdir -p "$work/site"
{ echo "# A 5 MiB page"; for i in $(seq 1 52000); do echo "Line $i: all work and no play makes a big page, all work and no play."; done; } >"$work/site/big.gmi"
port=19651
HOME="$work/srvhome" XDG_DATA_HOME="$work/srvhome" "$work/propus" serve --host 127.0.0.1 --port $port --hostname localhost --dir "$work/site" >/dev/null 2>&1 &
srv=$!
for _ in $(seq 1 100); do (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && break; sleep 0.05; done

now() { date +%s%N; }

# One tmux session for every run: each command replaces the pane's.
tmux new-session -d -s ff -x 100 -y 30 "sleep 100000"

# once CMD TEXT: milliseconds from tmux starting CMD to TEXT on screen.
once() {
  local home="$work/home.$RANDOM"
  mkdir -p "$home"
  tmux respawn-pane -k -t ff "sleep 100000"
  until [ -z "$(tmux capture-pane -t ff -p | tr -d ' \n')" ]; do :; done
  local t0
  t0=$(now)
  tmux respawn-pane -k -t ff "env HOME=$home XDG_CONFIG_HOME=$home/c XDG_DATA_HOME=$home/d XDG_STATE_HOME=$home/s $1; sleep 100000"
  until tmux capture-pane -t ff -p | grep -qF "$2"; do :; done
  echo $(( ($(now) - t0) / 1000000 ))
}

# The four programs, timed in turn in every round so that the machine's
# drift during the run falls on all of them alike.
names=("bare Bubble Tea v2 program, one line:" "the same at 120 frames a second:" "propus, about:home:" "propus, a 5 MiB page on loopback:")
cmds=("$work/firstframe" "$work/firstframe -fps 120" "$work/propus about:home" "$work/propus gemini://localhost:$port/big.gmi")
texts=("# First frame" "# First frame" "A terminal browser for Gemini space" "A 5 MiB page")
declare -a times
for _ in $(seq 1 "$runs"); do
  for i in "${!cmds[@]}"; do times[i]+="$(once "${cmds[i]}" "${texts[i]}") "; done
done

# The median of each program's times, their range, and propus's ratios
# to the bare program's median.
for i in "${!cmds[@]}"; do
  printf '%-40s %s\n' "${names[i]}" "$(printf '%s\n' ${times[i]} | sort -n | awk '{a[NR]=$1} END {printf "median %d ms (%d–%d ms)", a[int((NR+1)/2)], a[1], a[NR]}')"
done
med() { printf '%s\n' ${times[$1]} | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
awk -v b="$(med 0)" -v h="$(med 2)" -v p="$(med 3)" 'BEGIN {printf "ratios to the bare program: about:home %.2f× (budget 1.2×), 5 MiB page %.2f× (budget 1.5×)\n", h/b, p/b}'
