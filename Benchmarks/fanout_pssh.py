"""The fan-out plan run by parallel-ssh (native libssh2 client): each step on every host at once, in order.
Usage: fanout_pssh.py HOSTS.json UPLOAD REMOTE_DIR. Host keys are not checked (the native client has no
known_hosts check); the wizard's runs do check them."""
import json
import sys

from gevent import joinall
from pssh.clients import ParallelSSHClient
from pssh.config import HostConfig

hosts = json.load(open(sys.argv[1]))
upload, remote_dir = sys.argv[2], sys.argv[3]
client = ParallelSSHClient([h["address"] for h in hosts],
                           host_config=[HostConfig(port=h["port"], user=h["user"], private_key=h["key"]) for h in hosts],
                           num_retries=1, allow_agent=False)


def run(command, stdin=None):
    outputs = client.run_command(command)
    if stdin is not None:
        for out in outputs:
            out.stdin.write(stdin)
            out.stdin.flush()
            out.client.eagain(out.channel.send_eof)
    for out in outputs:
        for _ in out.stdout:
            pass
        for _ in out.stderr:
            pass
    client.join(outputs)
    for out in outputs:
        if out.exit_code != 0:
            sys.exit(f"{out.host}: {command}: exit {out.exit_code}")


for _ in range(10):
    run("true")
run("yes 0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789 | head -c 1048576")
greenlets = client.copy_file(upload, remote_dir + "/pssh-%(i)s.bin", copy_args=[{"i": k} for k in range(len(hosts))])
joinall(greenlets, raise_error=True)
run("cat", stdin="hello\n")
for _ in range(7):
    run("sleep 0.05")
