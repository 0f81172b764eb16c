"""The bundled sample of ``govmon demo``: a fictional provincial transport system's 备案登记表
and several weeks of posts and comments with planted problems (see data/expect.toml)."""
