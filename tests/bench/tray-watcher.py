#!/usr/bin/python3
"""Measure the tray service: start → item registered, memory, idle wake-ups.

Usage: tray-watcher.py GATEHOUSE_BINARY SIMULATOR_URL SESSION [FIGURES-FILE]
Owns org.kde.StatusNotifierWatcher on the session bus (as a panel would), starts
`gatehouse --background`, measures memory after start, then for 100, 1000 and 5000
accounts × 3 roles lets the simulator grow, asks the service to refresh SESSION's roles
(the `refresh-roles` action, as the window would) and measures again once they are cached;
then counts its wake-ups (of all its threads) in an idle minute. FIGURES-FILE gets the
figures as "KEY VALUE" lines (pss-start, pss-100, pss-1000, pss-5000 and the same for rss,
private, dirty and idle (PSS as on an idle machine, when run as root), in MB; wakeups per
minute). Needs python3-dbus and python3-gi (Debian).
"""
import array
import hashlib
import json
import os
import subprocess
import sys
import time
import urllib.request

import dbus
import dbus.mainloop.glib
import dbus.service
from gi.repository import GLib

WATCHER = "org.kde.StatusNotifierWatcher"


class Watcher(dbus.service.Object):
    def __init__(self, bus, loop):
        super().__init__(bus, "/StatusNotifierWatcher")
        self.loop = loop
        self.registered_at = None

    @dbus.service.method(WATCHER, in_signature="s", out_signature="")
    def RegisterStatusNotifierItem(self, service):
        if self.registered_at is None:
            self.registered_at = time.monotonic()
            self.loop.quit()


def memory(pid):
    """RSS, PSS, the private memory (USS: the pages no other process maps) and the private
    dirty memory, in MB. PSS adds a share of every library page other processes map too, and
    USS leaves out the library pages they map, so both move with what else runs; the private
    dirty pages (heap, stacks, relocated library data) are the process's own whatever runs."""
    figures = {"Private": 0.0}
    with open(f"/proc/{pid}/smaps_rollup") as f:
        for line in f:
            key, _, rest = line.partition(":")
            if key in ("Rss", "Pss"):
                figures[key] = int(rest.split()[0]) / 1024
            elif key in ("Private_Clean", "Private_Dirty"):
                figures["Private"] += int(rest.split()[0]) / 1024
            if key == "Private_Dirty":
                figures["Dirty"] = int(rest.split()[0]) / 1024
    figures["Idle"] = idle_pss(pid)
    return figures


def page_frames(pid):
    """The page frame of every resident page the process maps; all 0 unless we may read them
    (root, CAP_SYS_ADMIN)"""
    frames = set()
    with open(f"/proc/{pid}/maps") as maps, open(f"/proc/{pid}/pagemap", "rb") as pagemap:
        for line in maps:
            start, end = (int(x, 16) for x in line.split()[0].split("-"))
            try:
                pagemap.seek(start // 4096 * 8)
                entries = array.array("Q", pagemap.read((end - start) // 4096 * 8))
            except (OSError, ValueError):
                continue
            frames.update(e & PFN_MASK for e in entries if e & PAGE_PRESENT)
    return frames


PAGE_PRESENT = 1 << 63
PFN_MASK = (1 << 55) - 1


def session_pids(pid):
    """The other processes of this bench session: those on its D-Bus session bus"""
    bus = os.environ.get("DBUS_SESSION_BUS_ADDRESS", "").encode()
    pids = set()
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == pid:
            continue
        try:
            with open(f"/proc/{entry}/environ", "rb") as f:
                if bus and b"DBUS_SESSION_BUS_ADDRESS=" + bus + b"\0" in f.read():
                    pids.add(int(entry))
        except OSError:
            pass
    return pids


def idle_pss(pid):
    """PSS as on an otherwise idle machine: a page counts shared only with the processes of
    this bench session (this script, the simulator, the keyring, …), not with whatever else
    runs on the machine. None when the page frames cannot be read (not root)."""
    try:
        own = page_frames(pid)
        if not any(own):
            return None
        sharers = {}
        for other in session_pids(pid):
            try:
                for frame in page_frames(other) & own:
                    sharers[frame] = sharers.get(frame, 0) + 1
            except OSError:
                pass
    except OSError:
        return None
    return sum(1 / (1 + sharers.get(frame, 0)) for frame in own) * 4096 / 1048576


def record(figures, stage, m):
    for key in ("Pss", "Rss", "Private", "Dirty", "Idle"):
        if m.get(key) is not None:
            figures[f"{key.lower()}-{stage}"] = m[key]


def describe(m):
    idle = f", {m['Idle']:.1f} MB PSS as on an idle machine" if m.get("Idle") is not None else ""
    return (f"{m['Rss']:.1f} MB RSS, {m['Pss']:.1f} MB PSS, {m['Private']:.1f} MB private, "
            f"{m['Dirty']:.1f} MB private dirty{idle}")


def where_memory_goes(pid, most=6):
    """The mappings with the most PSS, summed per file ([heap], [anon] for the rest)"""
    totals = {}
    name = None
    with open(f"/proc/{pid}/smaps") as f:
        for line in f:
            fields = line.split()
            if len(fields) >= 5 and "-" in fields[0] and ":" not in fields[0]:
                name = os.path.basename(fields[5]) if len(fields) > 5 else "[anon]"
            elif fields and fields[0] in ("Pss:", "Private_Clean:", "Private_Dirty:"):
                entry = totals.setdefault(name, [0, 0])
                entry[0 if fields[0] == "Pss:" else 1] += int(fields[1])
    ranked = sorted(totals.items(), key=lambda item: -item[1][0])[:most]
    return ", ".join(f"{n} {pss / 1024:.1f} MB PSS ({private / 1024:.1f} private)"
                     for n, (pss, private) in ranked)


def switches(pid):
    """Context switches of each thread (the process's own status counts its main thread's
    only; a worker or GDBus thread that wakes counts too)"""
    counts = {}
    for task in os.listdir(f"/proc/{pid}/task"):
        total = 0
        try:
            with open(f"/proc/{pid}/task/{task}/status") as f:
                for line in f:
                    if "ctxt_switches" in line:
                        total += int(line.split()[1])
        except FileNotFoundError:
            continue
        counts[task] = total
    return counts


def wakeups(before, after):
    """Switches between two switches() readings; a thread that came meanwhile counts whole"""
    return sum(count - before.get(task, 0) for task, count in after.items())


def load_roles(bus, sim_url, session, accounts):
    """Grows the simulator and has the service fetch SESSION's roles; True once cached."""
    cache = os.path.join(os.environ["XDG_CACHE_HOME"], "gatehouse",
                         f"roles-{hashlib.sha1(session.encode()).hexdigest()}.json")
    before = os.stat(cache).st_mtime_ns if os.path.exists(cache) else 0
    urllib.request.urlopen(urllib.request.Request(
        f"{sim_url}/_sim/set?accounts={accounts}&roles-per-account=3", method="POST")).read()
    service = bus.get_object("io.github.gatehouse.Gatehouse", "/io/github/gatehouse/Gatehouse")
    service.Activate("refresh-roles", [dbus.String(session, variant_level=1)], {},
                     dbus_interface="org.gtk.Actions")
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        # The cache file is replaced by a rename once the whole listing is in
        if os.path.exists(cache) and os.stat(cache).st_mtime_ns != before \
                and cached_accounts(cache) >= accounts:
            return True
        time.sleep(0.2)
    return False


def cached_accounts(cache):
    try:
        with open(cache, encoding="utf-8") as f:
            return len(json.load(f).get("accounts", []))
    except (OSError, ValueError, AttributeError):
        return 0


def browser_lines(log):
    try:
        with open(log) as f:
            return sum(1 for _ in f)
    except FileNotFoundError:
        return 0


def console_click_ms(bus, target, log):
    """A menu click on a role, as the tray host sends it: ms until the browser has the URL."""
    before = browser_lines(log)
    service = bus.get_object("io.github.gatehouse.Gatehouse", "/io/github/gatehouse/Gatehouse")
    started = time.monotonic()
    service.Activate("open-console", [dbus.String(target, variant_level=1)], {},
                     dbus_interface="org.gtk.Actions")
    deadline = started + 10
    while browser_lines(log) <= before:
        if time.monotonic() > deadline:
            return None
        time.sleep(0.001)
    return (time.monotonic() - started) * 1000


def main():
    dbus.mainloop.glib.DBusGMainLoop(set_as_default=True)
    bus = dbus.SessionBus()
    loop = GLib.MainLoop()
    name = dbus.service.BusName(WATCHER, bus)
    watcher = Watcher(bus, loop)

    started = time.monotonic()
    service = subprocess.Popen([sys.argv[1], "--background"])
    GLib.timeout_add_seconds(10, loop.quit)
    loop.run()
    if watcher.registered_at is None:
        print("  the item did not register within 10 s")
        service.terminate()
        return 1
    print(f"  start → item registered: {(watcher.registered_at - started) * 1000:.0f} ms")

    figures = {}
    time.sleep(3)
    m = memory(service.pid)
    record(figures, "start", m)
    print(f"  idle after start: {describe(m)}")

    for accounts in (100, 1000, 5000):
        if not load_roles(bus, sys.argv[2], sys.argv[3], accounts):
            print(f"  the role refresh of {accounts} accounts did not finish within 120 s")
            service.terminate()
            return 1
        time.sleep(3)
        m = memory(service.pid)
        record(figures, str(accounts), m)
        print(f"  idle with {accounts} accounts × 3 roles cached: {describe(m)}")
    print(f"  where it goes: {where_memory_goes(service.pid)}")

    before = switches(service.pid)
    time.sleep(60)
    figures["wakeups"] = wakeups(before, switches(service.pid))
    print(f"  wake-ups while idle: {figures['wakeups']} per minute "
          f"(context switches of all its threads)")

    if len(sys.argv) > 4:
        with open(sys.argv[4], "w", encoding="utf-8") as f:
            for key, value in figures.items():
                f.write(f"{key} {value:.1f}\n" if isinstance(value, float) else f"{key} {value}\n")

    log = os.environ.get("GH_TEST_BROWSER_LOG")
    if log:
        times = []
        for _ in range(5):
            ms = console_click_ms(bus, f"{sys.argv[3]}/100000000001/ReadOnly", log)
            if ms is None:
                print("  the console click never reached the browser")
                break
            times.append(ms)
            time.sleep(1)
        if times:
            print(f"  menu click on a role → browser has the console URL (cached credentials, "
                  f"includes starting the stand-in browser): best {min(times):.0f} ms, "
                  f"mean {sum(times) / len(times):.0f} ms")

    service.terminate()
    service.wait(timeout=10)
    del name
    return 0


if __name__ == "__main__":
    sys.exit(main())
