"""The report cleans up after itself (issue 11, point 5).

A killed ``satcloud report`` left kernel folders (Unix sockets) and ``tmp*.json``
connection files in the temporary folder, and notebook 08 left a sweep folder there on
every run. Each test runs the real runner (papermill + an ipykernel kernel) with the
temporary folder pointed at a folder of the test, so what is left behind can be listed.
"""

import asyncio
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from satcloud import report
from satcloud._io import make_scratch_dir, remove_stale_scratch


def _write_nb(path: Path, code: str, params: str = "x = 1"):
    nb = new_notebook(cells=[
        new_markdown_cell("# Scratch"),
        new_code_cell(params, metadata={"tags": ["parameters"]}),
        new_code_cell(code),
    ])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nbformat.write(nb, str(path))


@pytest.fixture()
def private_tmp(tmp_path, monkeypatch):
    """A temporary folder of our own, for this process and the processes it starts."""
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    monkeypatch.setenv("TMPDIR", str(tmp))
    monkeypatch.setattr(tempfile, "tempdir", None)  # gettempdir() re-reads TMPDIR
    assert tempfile.gettempdir() == str(tmp)
    return tmp


def _dead_pid() -> int:
    # a process that has exited and been reaped: its pid no longer runs
    proc = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    return int(proc.stdout)


def test_remove_stale_scratch_keeps_live_processes_and_other_names(tmp_path):
    dead = _dead_pid()
    stale = tmp_path / f"satcloud-kernel-{dead}-abc"
    mine = make_scratch_dir(tmp_path, "satcloud-kernel-")  # this process: alive
    parent = tmp_path / f"satcloud-kernel-{os.getppid()}-def"  # alive (pytest's parent)
    other = tmp_path / f"something-{dead}-else"
    for folder in (stale, parent, other):
        folder.mkdir()
    (stale / "kernel-1").write_text("socket stand-in")
    removed = remove_stale_scratch(tmp_path, "satcloud-kernel-")
    assert removed == [stale]
    assert not stale.exists()
    assert mine.is_dir() and parent.is_dir() and other.is_dir()
    assert mine.name.startswith(f"satcloud-kernel-{os.getpid()}-")


def test_a_report_leaves_nothing_in_tmp_and_the_kernel_sees_its_scratch(tmp_path,
                                                                        private_tmp):
    books = tmp_path / "books"
    books.mkdir()
    # what notebook 08 does with its sweep output folder, plus a Dask-style temp folder
    _write_nb(books / "01_scratch.ipynb",
              "import os\n"
              "from satcloud.report import scratch_folder\n"
              "with scratch_folder('satcloud-sweep-') as out_dir:\n"
              "    (out_dir / 'part-0.parquet').write_text('x')\n"
              "    print(out_dir)\n"
              "import dask\n"
              "print(dask.config.get('temporary-directory'))\n"
              "print(out_dir.exists())\n")
    out = tmp_path / "out"
    report.run_report(out, notebook_dir=books, progress=False)
    executed = nbformat.read(str(out / "executed" / "01_scratch.ipynb"), as_version=4)
    sweep_dir, dask_tmp, still_there = executed.cells[-1].outputs[0]["text"].split()
    # during the run the scratch was under the report's output folder ...
    assert Path(sweep_dir).parent == Path(dask_tmp)
    assert Path(dask_tmp).is_relative_to(out / ".scratch")
    assert still_there == "False"  # ... removed when the with-block ended
    # ... and after the run nothing is left, here or in the temporary folder
    assert not (out / ".scratch").exists()
    assert sorted(p.name for p in private_tmp.iterdir()) == []


def test_scratch_folder_outside_a_report_cleans_up_dead_processes(private_tmp, monkeypatch):
    monkeypatch.delenv("SATCLOUD_SCRATCH_DIR", raising=False)
    stale = private_tmp / f"satcloud-sweep-{_dead_pid()}-xyz"  # a killed kernel's folder
    stale.mkdir()
    with report.scratch_folder("satcloud-sweep-") as folder:
        assert folder.parent == private_tmp and folder.is_dir()
        assert not stale.exists()
    assert not folder.exists()
    with pytest.raises(ValueError, match="prefix must be a non-empty file-name prefix"):
        with report.scratch_folder("../escape/"):
            pass


def test_kernel_shutdown_sends_no_interrupt_but_timeouts_still_do(tmp_path):
    # jupyter_client's shutdown_kernel() sends SIGINT before the shutdown request; landing
    # in ipykernel's message handler it printed "[IPKernelApp] ERROR | KeyboardInterrupt
    # caught in kernel." during every `make report`. Our manager skips that interrupt.
    report._kernel_env()
    ipc = tmp_path / "k"
    ipc.mkdir()
    manager_class = report._ipc_kernel_manager(ipc)

    async def scenario():
        km = manager_class(kernel_name="python3")
        sent = []
        original = km._async_signal_kernel

        async def spy(signum):
            sent.append(signum)
            await original(signum)

        km._async_signal_kernel = spy
        await km.start_kernel()
        try:
            assert (ipc / "kernel.json").is_file()  # connection file beside the sockets
            kc = km.client()
            kc.start_channels()
            await kc.wait_for_ready(timeout=60)
            await km.interrupt_kernel()  # what nbclient does on a cell timeout
            interrupted = list(sent)
            sent.clear()
            kc.stop_channels()
        finally:
            await km.shutdown_kernel()
        return interrupted, sent, await km.is_alive()

    interrupted, at_shutdown, alive = asyncio.run(scenario())
    assert interrupted == [signal.SIGINT]
    assert at_shutdown == []
    assert alive is False
    assert not (ipc / "kernel.json").exists()


def _start_sleeping_report(tmp_path, tmp):
    books = tmp_path / "books"
    books.mkdir()
    _write_nb(books / "01_sleep.ipynb", "import time\nprint('started', flush=True)\n"
                                         "time.sleep(120)")
    out = tmp_path / "out"
    env = {**os.environ, "TMPDIR": str(tmp)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "satcloud.cli", "report", "--quiet", "--notebooks",
         str(books), "--out", str(out)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    # wait until the kernel runs the sleeping cell: its folder exists in tmp and papermill
    # has the notebook in the run's scratch folder
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        kernels = list(tmp.glob("satcloud-kernel-*"))
        runs = list((out / ".scratch").glob("run-*")) if (out / ".scratch").exists() else []
        if kernels and runs and (kernels[0] / "kernel.json").exists():
            break
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.2)
    else:
        proc.kill()
        pytest.fail("the report never started its kernel")
    time.sleep(3)  # the cell is running
    return proc, out


def test_sigterm_stops_the_kernels_and_removes_the_scratch(tmp_path):
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    proc, out = _start_sleeping_report(tmp_path, tmp)
    t0 = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    try:
        _, err = proc.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        raise
    # the notebook sleeps 120 s: stopping within 60 s means its kernel was killed
    assert time.monotonic() - t0 < 60
    assert proc.returncode == 130, err
    assert "interrupted; kernels stopped, scratch removed" in err
    assert "Traceback" not in err
    assert sorted(p.name for p in tmp.iterdir()) == []
    assert not (out / ".scratch").exists()


def test_the_next_run_removes_what_a_killed_run_left(tmp_path, private_tmp):
    proc, out = _start_sleeping_report(tmp_path, private_tmp)
    proc.kill()  # SIGKILL: no clean-up possible
    proc.communicate()
    left = sorted(p.name for p in private_tmp.iterdir())
    runs = list((out / ".scratch").glob("run-*"))
    assert any(n.startswith(f"satcloud-kernel-{proc.pid}-") for n in left), left
    assert runs and runs[0].name.startswith(f"run-{proc.pid}-")
    # the orphaned kernel exits by itself (ipykernel polls its parent); the next start,
    # into the same output folder, removes the folders of the dead run
    books = tmp_path / "books2"
    books.mkdir()
    _write_nb(books / "01_ok.ipynb", "y = x + 1")
    report.run_report(out, notebook_dir=books, progress=False)
    assert sorted(p.name for p in private_tmp.iterdir()) == []
    assert not (out / ".scratch").exists()


def test_dask_reads_the_scratch_folder_without_a_syntax_warning():
    # a bare path such as .../run-12-4inab/tmp makes dask's literal_eval of DASK_* print
    # "SyntaxWarning: invalid decimal literal" into the notebook (CI, notebook 08); the
    # quoted literal gives dask the same folder with no warning
    import warnings

    import dask.config

    path = "/tmp/x/run-12-4inab/tmp"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = dask.config.collect_env({"DASK_TEMPORARY_DIRECTORY": report._dask_env_text(path)})
    assert got == {"temporary_directory": path}
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        dask.config.collect_env({"DASK_TEMPORARY_DIRECTORY": path})  # the old, bare text
    assert any(issubclass(w.category, SyntaxWarning) for w in seen)
