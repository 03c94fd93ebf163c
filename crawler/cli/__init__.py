"""Command-line tools (``[project.scripts]`` in pyproject.toml). They sit above every other
layer and may use the pipelines; nothing else under ``crawler/`` does."""
