"""The README's Python examples run as written (documentation that cannot rot)."""

import re


def test_readme_python_blocks_run(root, capsys):
    text = (root / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    assert blocks, "README has no python example"
    for block in blocks:
        exec(compile(block, "README.md", "exec"), {})
    out = capsys.readouterr().out
    # the budget table and the summary printed something that looks like them
    assert "C/N" in out or "cn_db" in out
    assert "London" in out
