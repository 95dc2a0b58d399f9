"""A client used before fork() and then in the parent and the child at once
(gunicorn --preload, Celery prefork, multiprocessing with fork): the child
opens its own connections, so every answer goes to the process that asked,
and the parent's pool goes on working."""

import multiprocessing
import os

import pytest

from conftest import DESIGN

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork() here")

ONE = [{"cellphone": "+33611111111"}]
TWO = [{"cellphone": "+33622222221"}, {"cellphone": "+33622222222"}]

# The client the fork pool's workers inherit.
inherited = None


def own_answers(client, rcpts, n):
    """How many of `n` sends got an answer counting their own recipients."""
    return sum(client.send(DESIGN, rcpts).inserted == len(rcpts) for _ in range(n))


def test_os_fork_parent_and_child_each_get_their_own_answers(sandbox):
    client = sandbox.client()
    assert own_answers(client, ONE, 1) == 1  # a connection now waits in the pool
    n = 30
    pid = os.fork()
    if pid == 0:
        try:
            code = 0 if own_answers(client, TWO, n) == n else 1
        except BaseException:
            code = 2
        os._exit(code)
    parent = own_answers(client, ONE, n)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0, "the child got answers not its own"
    assert parent == n
    assert sandbox.stats["accepted"] == 1 + 2 * n
    assert own_answers(client, ONE, 3) == 3, "the parent's pool after the child"


def send_inherited(rcpts_count):
    rcpts = ONE if rcpts_count == 1 else TWO
    return inherited.send(DESIGN, rcpts).inserted


def test_a_multiprocessing_fork_pool_shares_a_client_made_before_it(sandbox):
    global inherited
    inherited = sandbox.client()
    assert own_answers(inherited, ONE, 1) == 1
    asked = [1, 2] * 20
    try:
        with multiprocessing.get_context("fork").Pool(3) as pool:
            answers = pool.map(send_inherited, asked, chunksize=1)
            # The parent sends too while the workers run.
            parent = own_answers(inherited, ONE, 10)
    finally:
        inherited = None
    assert answers == asked
    assert parent == 10
    assert sandbox.stats["accepted"] == 1 + len(asked) + 10
