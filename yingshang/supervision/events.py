"""Timeline writers of supervision beyond the generic ones: none at present. The reminder scan writes its
thousands of timeline entries with `yingshang.core.events.record_timeline_many` (one multi-row INSERT per
500 rows, the same rows `record_timeline` writes)."""
