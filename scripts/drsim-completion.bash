# scripts/drsim-completion.bash — bash completion for drsim, installed as
# share/bash-completion/completions/drsim (or: source it in ~/.bashrc).
#
# Completes the command names (drsim complete commands), each command's
# flags (read from its --help, so they never drift from the program), the
# values of --format, --table, --detail, file names (*.yaml / *.yml for a
# scenario, *.db for --db and merge), directories for --out-dir, and the
# `--set` / `--vary` paths of the scenario already on the command line
# (drsim complete set-paths SCENARIO: map keys, list items by name).

_drsim_scenario() {   # the first argument after the command that is a file
  local i w
  for ((i = 2; i < ${#COMP_WORDS[@]}; i++)); do
    w=${COMP_WORDS[i]}
    [[ $i -eq $COMP_CWORD ]] && continue
    case ${COMP_WORDS[i-1]} in
      --db|-o|--output|--html|--out-dir|--set|--vary|--trials|--seed|--threads|--format|--table|--detail|--run|--shard|--resume|--trial|--metric|--pool|--objective|--quantile|--only|--factor|--top|--meet-share|--confidence|--max-parallel) continue ;;
    esac
    [[ $w == -* ]] && continue
    [[ $w == - || -f $w ]] && { [[ $w == - ]] || printf '%s\n' "$w"; return; }
  done
}

_drsim() {
  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
  local drsim=${COMP_WORDS[0]} cmd=${COMP_WORDS[1]:-}
  COMPREPLY=()
  if [[ $COMP_CWORD -eq 1 ]]; then
    COMPREPLY=($(compgen -W "$("$drsim" complete commands 2>/dev/null) --help --version" -- "$cur"))
    return
  fi
  if [[ $cmd == help ]]; then
    [[ $COMP_CWORD -eq 2 ]] && COMPREPLY=($(compgen -W "$("$drsim" complete commands 2>/dev/null)" -- "$cur"))
    return
  fi
  case $prev in
    --set|--vary)
      local sc paths
      sc=$(_drsim_scenario)
      [[ -n $sc ]] || return
      paths=$("$drsim" complete set-paths "$sc" 2>/dev/null)
      COMPREPLY=($(compgen -W "$paths" -- "$cur"))
      # a whole path: go on with '=' and its value
      if [[ ${#COMPREPLY[@]} -eq 1 ]]; then
        COMPREPLY=("${COMPREPLY[0]}=")
      fi
      compopt -o nospace 2>/dev/null
      return ;;
    --format)
      COMPREPLY=($(compgen -W "md csv json html text none" -- "$cur")); return ;;
    --table)
      COMPREPLY=($(compgen -W "summary steps components standby lifetime causes trials incidents" -- "$cur")); return ;;
    --detail)
      COMPREPLY=($(compgen -W "auto summary steps" -- "$cur")); return ;;
    --db)
      COMPREPLY=($(compgen -f -X '!*.db' -- "$cur") $(compgen -d -- "$cur")); return ;;
    --out-dir)
      COMPREPLY=($(compgen -d -- "$cur")); return ;;
    -o|--output|--html)
      COMPREPLY=($(compgen -f -- "$cur")); return ;;
    --trials|--seed|--threads|--run|--shard|--resume|--trial|--metric|--pool|--objective|--quantile|--only|--factor|--top|--meet-share|--confidence|--max-parallel)
      return ;;
  esac
  if [[ $cur == -* ]]; then
    local flags
    flags=$("$drsim" "$cmd" --help 2>/dev/null | grep -o -- '--[a-z][a-z-]*' | sort -u)
    COMPREPLY=($(compgen -W "$flags --help" -- "$cur"))
    return
  fi
  case $cmd in
    merge) COMPREPLY=($(compgen -f -X '!*.db' -- "$cur") $(compgen -d -- "$cur")) ;;
    validate|trace|run|sweep|size|sensitivity)
      COMPREPLY=($(compgen -f -X '!*.yaml' -- "$cur") $(compgen -f -X '!*.yml' -- "$cur")
                 $(compgen -d -- "$cur")) ;;
  esac
}
complete -F _drsim drsim
