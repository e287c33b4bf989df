#!/usr/bin/env python3
"""Reads an HdrHistogram interval log with HdrHistogram's own Python library and prints what it
holds as JSON: intervals, total count, and p50/p99/max of all intervals added together (µs).

    read_hlog.py LOG
"""
import json
import sys

from hdrh.histogram import HdrHistogram
from hdrh.log import HistogramLogReader

total = HdrHistogram(1, 3600 * 1000 * 1000, 3)
reader = HistogramLogReader(sys.argv[1], HdrHistogram(1, 3600 * 1000 * 1000, 3))
intervals = 0
while True:
    h = reader.get_next_interval_histogram()
    if h is None:
        break
    intervals += 1
    total.add(h)
print(json.dumps({"intervals": intervals, "count": total.get_total_count(), "start": reader.get_start_time_sec(),
                  "p50": total.get_value_at_percentile(50), "p99": total.get_value_at_percentile(99),
                  "max": total.get_max_value()}))
