# fish completion for gatehouse(1). The candidates come from `gatehouse __complete WORD…`,
# which knows the commands, their options, the sign-ins and the profiles: one per line,
# CANDIDATE or CANDIDATE<tab>DESCRIPTION, as fish takes them.

function __gatehouse_complete
    set -l tokens (commandline -opc)
    command $tokens[1] __complete -- $tokens[2..-1] (commandline -ct) 2>/dev/null
end

complete -c gatehouse -f -a '(__gatehouse_complete)'
