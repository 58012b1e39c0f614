"""Confining a process that evaluates untrusted queries: no network, bounded memory, and a
stack deep enough that no query the guard lets through can overflow it.

The network is closed by a seccomp filter (Linux), installed with the no-new-privileges bit:
from then on `socket()` fails with EACCES for every address family, and io_uring (which can
open sockets without that system call) is refused as well. Pipes and sockets the process
already holds keep working, so the worker still talks to the server over its inherited pipe.
The filter cannot be lifted by the process it confines, nor by anything it starts.
"""

from __future__ import annotations

import ctypes
import errno
import platform
import resource
import struct
import sys
import threading
from collections.abc import Callable

from imet_kg.errors import ImetKgError

# Stack for the thread that evaluates queries: Oxigraph's parser recurses once per nesting
# level, and 256 MiB held 60,000 levels when measured; the guard allows 48.
EVALUATION_STACK_BYTES = 512 * 1024 * 1024
# rdflib's parser takes about 25 Python frames per nesting level.
RECURSION_LIMIT = 20_000

_PR_SET_NO_NEW_PRIVS = 38
_PR_SET_SECCOMP = 22
_SECCOMP_MODE_FILTER = 2
_RET_ALLOW = 0x7FFF0000
_RET_KILL_PROCESS = 0x80000000
_RET_EACCES = 0x00050000 | errno.EACCES
_LOAD_WORD = 0x00 | 0x00 | 0x20  # BPF_LD | BPF_W | BPF_ABS
_JUMP_EQUAL = 0x05 | 0x10  # BPF_JMP | BPF_JEQ | BPF_K
_JUMP_AT_LEAST = 0x05 | 0x30  # BPF_JMP | BPF_JGE | BPF_K
_RETURN = 0x06  # BPF_RET | BPF_K
_X32_SYSCALL_BIT = 0x40000000

# machine: (AUDIT_ARCH value, socket, io_uring_setup, io_uring_enter, io_uring_register)
_ARCHITECTURES = {
    "x86_64": (0xC000003E, 41, 425, 426, 427),
    "aarch64": (0xC00000B7, 198, 425, 426, 427),
}


class SandboxError(ImetKgError):
    """The process could not be confined; it must not evaluate queries."""


def _statement(code: int, k: int) -> bytes:
    return struct.pack("HBBI", code, 0, 0, k)


def _jump(k: int, if_true: int, if_false: int, code: int = _JUMP_EQUAL) -> bytes:
    return struct.pack("HBBI", code, if_true, if_false, k)


def network_filter(machine: str) -> bytes:
    """The seccomp program: any other architecture (a 32-bit entry on a 64-bit kernel) ends
    the process; socket() and io_uring fail with EACCES; everything else is allowed."""
    try:
        arch, socket_call, *io_uring = _ARCHITECTURES[machine]
    except KeyError:
        raise SandboxError(
            f"no network filter for the {machine} architecture; query processes refuse to start"
        ) from None
    denied = [socket_call, *io_uring]
    program = [
        _statement(_LOAD_WORD, 4),  # seccomp_data.arch
        _jump(arch, 1, 0),
        _statement(_RETURN, _RET_KILL_PROCESS),
        _statement(_LOAD_WORD, 0),  # seccomp_data.nr
        _jump(_X32_SYSCALL_BIT, 0, 1, _JUMP_AT_LEAST),
        _statement(_RETURN, _RET_EACCES),
    ]
    for number in denied:
        program += [_jump(number, 0, 1), _statement(_RETURN, _RET_EACCES)]
    program.append(_statement(_RETURN, _RET_ALLOW))
    return b"".join(program)


class _Program(ctypes.Structure):
    _fields_ = [("length", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


def deny_network() -> None:
    """From now on this process (and any it starts) cannot open a socket."""
    if sys.platform != "linux":
        raise SandboxError(f"query processes need Linux's seccomp; this is {sys.platform}")
    program = network_filter(platform.machine())
    libc = ctypes.CDLL(None, use_errno=True)
    buffer = ctypes.create_string_buffer(program, len(program))
    filter_program = _Program(len(program) // 8, ctypes.cast(buffer, ctypes.c_void_p))
    if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        raise SandboxError(f"prctl(NO_NEW_PRIVS) failed: errno {ctypes.get_errno()}")
    if libc.prctl(_PR_SET_SECCOMP, _SECCOMP_MODE_FILTER, ctypes.byref(filter_program), 0, 0):
        raise SandboxError(f"installing the seccomp filter failed: errno {ctypes.get_errno()}")


def cap_memory(limit_bytes: int) -> None:
    """Cap the process's data (heap and anonymous mappings, thread stacks included): an
    allocation past it fails, and the engine ends the process rather than the machine's
    memory running out."""
    resource.setrlimit(resource.RLIMIT_DATA, (limit_bytes, limit_bytes))


def run_with_deep_stack(target: Callable[[], None]) -> None:
    """Run `target` in a thread with EVALUATION_STACK_BYTES of stack and wait for it."""
    sys.setrecursionlimit(RECURSION_LIMIT)
    previous = threading.stack_size(EVALUATION_STACK_BYTES)
    try:
        thread = threading.Thread(target=target, name="imet-kg-evaluate")
        thread.start()
    finally:
        threading.stack_size(previous)
    thread.join()
