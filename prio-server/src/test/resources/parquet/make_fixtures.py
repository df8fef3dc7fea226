"""Writes the pyarrow-*.parquet fixtures of ParquetInputTest: staged input as another Parquet
implementation (Arrow's C++ writer, not parquet-mr) writes it, so the servers' codecs are checked
against pages that neither our writer nor our codecs made. zstd's file uses data page v2 (levels
outside the compressed bytes). Rerun with pyarrow installed (26.0.1 made the committed files):
python3 make_fixtures.py"""
import pyarrow as pa
import pyarrow.parquet as pq


def payload(i):
    # 40 bytes that look random, then 40 that compress
    return bytes((i * 37 + k * 101) % 256 for k in range(40)) + bytes([i % 7]) * 40


ids = [f"id-{i}" for i in range(30)]
payloads = [payload(i) for i in range(30)]
table = pa.table({"id": pa.array(ids, pa.string()), "payload": pa.array(payloads, pa.binary())})
for codec in ["snappy", "gzip", "zstd", "lz4", "brotli"]:
    pq.write_table(table, f"pyarrow-{codec}.parquet", compression=codec, row_group_size=8,
                   use_dictionary=False, write_page_checksum=True,
                   data_page_version="2.0" if codec == "zstd" else "1.0")
numeric = pa.table({"id": pa.array(range(1000, 1030), pa.int64()),
                    "payload": pa.array(payloads, pa.binary())})
pq.write_table(numeric, "pyarrow-snappy-int64.parquet", compression="snappy", row_group_size=8,
               use_dictionary=False)
