#!/usr/bin/env python3
"""tests/bench/big-config.py BASE OUT MB — an AWS config file of MB megabytes: BASE (a config
with a sign-in and its synced profiles) followed by hand-written profiles of another sign-in,
as a large organisation's file grows."""
import sys

base, out, mb = sys.argv[1], sys.argv[2], float(sys.argv[3])
text = open(base, encoding="utf-8").read()
target = int(mb * 1024 * 1024)
parts = [text]
size = len(text.encode())
i = 0
while size < target:
    section = ("\n[profile hand-%07d]\n# written by hand\nsso_session = elsewhere\n"
               "sso_account_id = %012d\nsso_role_name = Role%d\nregion = eu-west-1\n"
               "output = json\n") % (i, 200000000000 + i, i % 7)
    parts.append(section)
    size += len(section)
    i += 1
with open(out, "w", encoding="utf-8") as f:
    f.write("".join(parts))
