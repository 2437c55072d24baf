"""Microseconds of CPU per handshake by system call, from `perf script` output of each target.

Arguments: triples of target name, perf script file, CPU per handshake in ms (as the bench client
measured it). Each sample is put under the system call it was taken in (the outermost
`__x64_sys_*`/`__do_sys_*` frame; writev and write by their inlined entry points), or under
"user" when no kernel frame is on its stack; a target's samples are then scaled to its CPU per
handshake, so targets with different sampling totals compare per handshake.
"""
import collections
import re
import sys

SYSCALL = re.compile(r'(?:__x64_sys_|__do_sys_|__se_sys_)(\w+)')
INLINED = {'do_writev': 'writev', 'ksys_write': 'write', 'ksys_read': 'read'}
FRAME = re.compile(r'\s*[0-9a-f]+\s+(.*?)\s+\((.*)\)\s*$')


def classify(frames):
    """frames: (symbol, object) innermost first."""
    for symbol, _ in reversed(frames):
        match = SYSCALL.match(symbol)
        if match:
            return match.group(1)
        name = symbol.split('+', 1)[0]
        if name in INLINED:
            return INLINED[name]
    kernel = [symbol for symbol, obj in frames if 'kernel' in obj]
    if frames and 'kernel' in frames[0][1]:
        return 'kernel: ' + kernel[-1].split('+', 1)[0]
    return 'user'


def samples(path):
    counts = collections.Counter()
    frames = []
    with open(path, errors='replace') as lines:
        for line in lines:
            if not line.strip():
                if frames:
                    counts[classify(frames)] += 1
                frames = []
            elif line[0] in ' \t':
                match = FRAME.match(line)
                if match:
                    frames.append((match.group(1), match.group(2)))
    if frames:
        counts[classify(frames)] += 1
    return counts


def main(args):
    targets = []
    for name, path, cpu_ms in zip(args[0::3], args[1::3], args[2::3]):
        counts = samples(path)
        total = sum(counts.values())
        if total == 0:
            sys.exit(f'{name}: no samples in {path}')
        targets.append((name, counts, total, float(cpu_ms) * 1000))
    order = collections.Counter()
    for _, counts, total, us in targets:
        for key, n in counts.items():
            order[key] += us * n / total
    print('%-34s' % 'us of CPU per handshake' + ''.join('%12s' % name for name, *_ in targets))
    for key, weight in order.most_common():
        if weight < 0.05 * len(targets):
            continue
        print('%-34s' % key[:34] + ''.join('%12.2f' % (us * counts[key] / total) for _, counts, total, us in targets))
    print('%-34s' % 'total' + ''.join('%12.2f' % us for *_, us in targets))


if __name__ == '__main__':
    main(sys.argv[1:])
