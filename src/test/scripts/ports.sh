# Sourced by every lab under src/test and bench/: fixed loopback ports are checked before anything starts, and a taken
# one is named (with what holds it, where ss can tell), so that a lab never fails minutes later in a side log.
#   port_free PORT                 true when nothing accepts connections on 127.0.0.1:PORT
#   require_ports_free LAB PORT... fail at once, naming every taken PORT and its owner

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

require_ports_free() {
    local lab=$1 port owner taken=0
    shift
    for port in "$@"; do
        port_free "$port" && continue
        owner=$(ss -Hltnp "sport = :$port" 2>/dev/null | grep -o 'users:(([^)]*' | head -n 1 | sed 's/users:((//' || true)
        echo "$lab: port $port on 127.0.0.1 is already in use${owner:+ by $owner}; stop that process or change the lab's ports" >&2
        taken=$((taken + 1))
    done
    [ "$taken" = 0 ]
}
