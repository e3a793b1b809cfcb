#!/bin/sh
# Login shell of the SSH-only unit's admin (TKG-S1): until the factory password has been changed, every
# session (a shell, a command, SFTP) runs passwd and nothing else, then ends; afterwards it is /bin/sh.
# passwd is busybox's (setuid root in the unit's own /usr/local/bin): it asks the old password, then the new
# one twice, refuses a weak one, and replaces /etc/shadow, which lives in flash.
PATH=/usr/local/bin:/usr/local/sbin:/usr/bin:/bin
export PATH
changed=/etc/first-login/changed
if [ ! -e "$changed" ]; then
    echo "The factory password must be changed before first use."
    trap 'exit 1' HUP INT TERM
    if passwd; then
        : >"$changed"
        echo "Password changed. Log in again with the new password."
        exit 0
    fi
    exit 1
fi
exec /bin/sh "$@"
