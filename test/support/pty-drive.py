"""Drives a command in a pseudo-terminal with real keystrokes, for the interactive tests.

Usage: pty-drive.py STEPS_JSON -- command args...
STEPS_JSON is a list of [pattern, keys], in order. Each time the output has been quiet for a
moment (a question waits), the next step's keys are typed if the output since the last keys
matches its regular expression (ANSI escapes removed); otherwise Enter takes the default. Enter
is sent again if nothing at all came for a while (a key typed between two questions can be lost). Prints the transcript (escapes removed); exits with the
command's exit code, or 124 when the overall time-out ran out.
"""
import json, os, pty, re, select, sys, time

ANSI = re.compile(r'\x1b\[[0-9;?]*[A-Za-z]')
QUIET, RESEND, TOTAL = 0.3, 5.0, float(os.environ.get('PTY_TIMEOUT', '240'))

steps = json.loads(sys.argv[1])
cmd = sys.argv[sys.argv.index('--') + 1:]
pid, fd = pty.fork()
if pid == 0:
    os.execvp(cmd[0], cmd)

start = time.time()
transcript = ''
since = ''
last_out = time.time()
alive = True

def pump(wait):
    global transcript, since, last_out, alive
    r, _, _ = select.select([fd], [], [], wait)
    if not r:
        return
    try:
        data = os.read(fd, 65536)
    except OSError:
        data = b''
    if not data:
        alive = False
        return
    text = ANSI.sub('', data.decode('utf8', 'replace'))
    transcript += text
    since += text
    last_out = time.time()

def send(keys):
    global since
    since = ''
    os.write(fd, keys.encode())

sent_at = time.time()
while alive and time.time() - start < TOTAL:
    pump(0.05)
    now = time.time()
    if since and now - last_out >= QUIET:
        # The question waiting now: the next step's, when it matches, else the default.
        if steps and re.search(steps[0][0], since):
            send(steps.pop(0)[1])
        else:
            send('\r')
        sent_at = now
    elif not since and now - sent_at >= RESEND:
        send('\r')
        sent_at = now

sys.stdout.write(transcript)
if alive:
    os.kill(pid, 9)
    os.waitpid(pid, 0)
    sys.exit(124)
_, status = os.waitpid(pid, 0)
sys.exit(os.waitstatus_to_exitcode(status) if os.WIFEXITED(status) else 128 + os.WTERMSIG(status))
