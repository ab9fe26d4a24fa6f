"""Benchmarks (`suites/`, run by `manage.py bench`), the data generators behind them (`generate/`, also the
`generate_*` commands), the load scenario (`load/`), the throwaway databases and servers they use (`db.py`)
and the helpers they share (`common.py`). Development tooling: nothing in `yingshang` imports it."""
