# bash completion for gatehouse(1)                              -*- shell-script -*-
#
# The candidates come from `gatehouse __complete WORD…`, which knows the commands, their
# options, the sign-ins and the profiles; this only hands it the words and reads its lines
# (CANDIDATE, then a tab and a description that bash does not show).

_gatehouse()
{
    local words=() line prefix i
    local program=${COMP_WORDS[0]/#\~/$HOME}

    # bash splits "--option=value" at "=" (COMP_WORDBREAKS): join such words again.
    for ((i = 1; i <= COMP_CWORD; i++)); do
        if ((${#words[@]} > 0)) && [[ ${COMP_WORDS[i]} == "=" || ${COMP_WORDS[i - 1]} == "=" ]]; then
            words[${#words[@]} - 1]+=${COMP_WORDS[i]}
        else
            words+=("${COMP_WORDS[i]}")
        fi
    done

    COMPREPLY=()
    while IFS= read -r line; do
        [[ -n $line ]] && COMPREPLY+=("${line%%$'\t'*}")
    done < <(command "$program" __complete -- "${words[@]}" 2>/dev/null)

    # What bash replaces is the text after the last "=" of "--option=VALUE".
    line=${words[${#words[@]} - 1]}
    if [[ $line == --*=* ]]; then
        prefix=${line%=*}=
        COMPREPLY=("${COMPREPLY[@]#"$prefix"}")
    fi
}

complete -F _gatehouse gatehouse
