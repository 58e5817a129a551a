// The python3 fallback for machines without socat: two pseudo-terminals relayed to each other,
// each slave's name symlinked where socat's link= option would put it. Written to a temp file and
// run with `python3 <file> <linkA> <linkB>`; prints READY once both links exist; exits when its
// stdin closes (the parent went away) or on SIGTERM, removing the links.
export const PTY_RELAY_PY = String.raw`
import errno, os, select, signal, sys, tty

links = sys.argv[1:3]
masters = []
slaves = []
for link in links:
    master, slave = os.openpty()
    tty.setraw(slave)  # raw, no echo, like socat's pty,raw,echo=0
    os.set_blocking(master, False)
    try:
        os.unlink(link)
    except FileNotFoundError:
        pass
    os.symlink(os.ttyname(slave), link)
    masters.append(master)
    slaves.append(slave)  # holding the slave open keeps reads from failing while no client has it

def finish(*_):
    for link in links:
        try:
            os.unlink(link)
        except OSError:
            pass
    os._exit(0)

signal.signal(signal.SIGTERM, finish)
signal.signal(signal.SIGINT, finish)
sys.stdout.write("READY\n")
sys.stdout.flush()

peer = {masters[0]: masters[1], masters[1]: masters[0]}
stdin = sys.stdin.fileno()
while True:
    ready, _, _ = select.select(masters + [stdin], [], [])
    if stdin in ready and not os.read(stdin, 1024):
        finish()
    for fd in ready:
        if fd == stdin:
            continue
        try:
            data = os.read(fd, 4096)
        except OSError as e:
            if e.errno in (errno.EIO, errno.EAGAIN):
                continue
            raise
        while data:
            try:
                data = data[os.write(peer[fd], data):]
            except BlockingIOError:
                break  # nobody drains the other side: drop, as a UART into an unplugged cable would
`;
