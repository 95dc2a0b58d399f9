"""A client shared between threads, and the GIL released while a send waits."""

import threading

from conftest import DESIGN


def test_eight_threads_share_one_client(sandbox):
    client = sandbox.client()
    errors = []

    def work(t):
        try:
            for i in range(25):
                assert client.send(DESIGN, [{"cellphone": f"+336{t:02d}{i:06d}"}]).inserted == 1
        except Exception as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=work, args=(t,)) for t in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    numbers = {m["rcpts"][0]["cellphone"] for m in sandbox.messages}
    assert len(numbers) == 200


def test_other_threads_run_while_a_send_waits(sandbox):
    # A send that waits a second for its answer: if it held the GIL, the
    # counting thread could not count in the meantime.
    sandbox.delay_next(1.0)
    client = sandbox.client()
    sending = threading.Event()
    done = threading.Event()
    counted = []

    def count():
        sending.wait()
        n = 0
        while not done.is_set():
            n += 1
        counted.append(n)

    counter = threading.Thread(target=count)
    counter.start()
    sending.set()
    client.send(DESIGN, [{"cellphone": "+33612345678"}])
    done.set()
    counter.join()
    assert counted[0] > 10_000, f"only {counted[0]} iterations ran during a 1 s send"
